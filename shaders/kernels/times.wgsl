// Program "times": each point's charging curve on a window of the grid, t_j = from + j step
// (Run.times_*), in one invocation: r(from) by the leap, then one grid step at a time with the
// map A = exp(step G), built as the Taylor map of h = step / 2^k (h <= the point's step) squared
// k times. As in evolve_leap, A acts on r - r_ss (traceless, decaying), so rounding does not pile
// up on the steady state. Writes, per point, TRAJECTORY_QUANTITIES (src/model/charging.ts)
// quantity-major over the whole grid: out[(i * 5 + q) * stride + offset + j]. The host cuts the
// grid into windows (llvmpipe stops a loop after ~16k iterations; real GPUs have watchdogs).

@group(0) @binding(0) var<uniform> run: Run;
@group(0) @binding(1) var<storage, read> params: array<PointParams>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

// the concurrence along the curve only where the sweep asks for it (most of the cost): a pipeline
// constant (engine.ts timesConstants), so the other variant has no trace of it
override WITH_CONCURRENCE: bool = true;

// exp(step G) from sub-steps of h = step / 2^k <= h0: the Taylor map, squared k times (one
// product call site, as SwiftShader needs).
fn grid_step_matrix(g: Mat16, step: f32, h0: f32) -> Mat16 {
  let sub = grid_substeps(step, h0);
  var m = taylor_step_matrix(g, sub.h);
  for (var s = 0u; s < sub.k; s++) {
    m = mat16_fix_trace_row(mat16_mul(m, m));
  }
  return m;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let p = params[i];
  let gen = point_generator(run, p);
  let h0 = leap_base_step(p, gen.g);
  let t_from = bitcast<f32>(run.times_from);
  let step = bitcast<f32>(run.times_step);
  let n = run.times_count;
  let stride = run.times_stride;
  if (!mat16_finite(gen.g)) {
    // a non-finite generator: NaN curves (records.wgsl write_non_finite_record says why it returns first)
    let nan = runtime_nan(run.pad0);
    let at = i * 5u * stride + run.times_offset;
    for (var j = 0u; j < n; j++) {
      for (var q = 0u; q < 5u; q++) { out[at + q * stride + j] = nan; }
    }
    return;
  }
  let r0 = initial_vector(p);
  let e0 = battery(r0).energy;
  let first = even_steps(t_from, h0);
  let ev = evolve_leap(gen.g, taylor_step_matrix(gen.g, first.h), r0, first.steps);
  var a = grid_step_matrix(gen.g, step, h0);
  var r = ev.r;
  var d = vec16_axpy(-1.0, ev.steady.r, r);
  if (ev.solvable) {
    // on traceless vectors column 00 of A never acts: dropped, as in leap_homogeneous
    a.b00[0] = vec4<f32>(1.0, 0.0, 0.0, 0.0);
    a.b10[0] = vec4<f32>(0.0);
    a.b20[0] = vec4<f32>(0.0);
    a.b30[0] = vec4<f32>(0.0);
    d.v0.x = 0.0;
  }
  let base = i * 5u * stride + run.times_offset;
  let nan = runtime_nan(run.pad0);
  for (var j = 0u; j < n; j++) {
    let t = t_from + f32(j) * step;
    let b = battery(r);
    out[base + j] = b.energy;
    out[base + stride + j] = b.ergotropy;
    out[base + 2u * stride + j] = b.efficiency;
    var c = nan;
    if (WITH_CONCURRENCE) { c = concurrence(r); }
    out[base + 3u * stride + j] = c;
    out[base + 4u * stride + j] = average_power(b.energy, e0, t);
    if (ev.solvable) {
      d = mat16_vec(a, d);
      d.v0.x = 0.0;
      r = vec16_axpy(1.0, ev.steady.r, d);
    } else {
      r = mat16_vec(a, r);
    }
    r.v0.x = 1.0;
  }
}
