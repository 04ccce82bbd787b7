// Program "steady": the exact long-time limit where the kernel of G is one-dimensional: solve
// G' r = e0 (row 00 of G replaced by e0) and write its observables (out[20..24], [30]).
// A pivot below SINGULAR_PIVOT ||G||_inf means G' is singular in f32: kernel dimension >= 2
// (bistable), and the limit depends on the initial state; then out[20..23] are NaN.
// (The leap program writes the same fields itself; this one serves the rk4 integrator.)

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WORKGROUP_SIZE;
  if (i >= run.count) { return; }
  let gen = point_generator(run, params[i]);
  let st = solve_steady(gen.g);
  let rel = st.min_pivot / max(mat16_norm_inf(gen.g), 1e-30);
  let base = i * OUT_STRIDE;
  var flags = 0u;
  if (rel < SINGULAR_PIVOT) {
    flags |= FLAG_BISTABLE;
    let nan = bitcast<f32>(0x7fc00000u | run.pad0); // a runtime NaN (a constant one is a WGSL error)
    out[base + 20u] = nan;
    out[base + 21u] = nan;
    out[base + 22u] = nan;
    out[base + 23u] = nan;
    out[base + 24u] = 2.0;
  } else {
    let b = battery(st.r);
    out[base + 20u] = b.efficiency;
    out[base + 21u] = b.energy;
    out[base + 22u] = b.ergotropy;
    out[base + 23u] = concurrence(st.r);
    out[base + 24u] = 1.0;
  }
  out[base + 30u] = f32(flags);
}
