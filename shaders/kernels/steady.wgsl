// Program "steady": the exact long-time limit where the kernel of G is one-dimensional: solve
// G' r = e0 (row 00 of G replaced by e0) and write its outputs (write_long_time) and flags.
// A pivot below SINGULAR_PIVOT ||G||_inf means G' is singular in f32: kernel dimension >= 2
// (bistable), and the limit depends on the initial state; then its outputs are NaN.
// (The leap program writes the same fields itself; this one serves the rk4 integrator.)

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let gen = point_generator(run, params[i]);
  let base = i * OUT_STRIDE;
  if (!mat16_finite(gen.g)) {
    write_non_finite_record(base, runtime_nan(run.pad0));
    return;
  }
  let st = solve_steady(gen.g);
  let solvable = steady_solvable(st, gen.g);
  out[base + OUT_STEADY_FLAGS] = f32(write_long_time(base, i, st.r, solvable, (run.outputs & 2u) != 0u, runtime_nan(run.pad0)));
}
