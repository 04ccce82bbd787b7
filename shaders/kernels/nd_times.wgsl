// Programs "nd_times_map", "nd_times_step" (systems of n > 2 qubits): the times program
// (times.wgsl) a workgroup per point, writing the Pauli vector r(t_j) at every time of the grid
// t_j = from + j step (the host turns each into the curve's values, model/charging.ts). Before
// them nd_leap runs to tau = from (the engine sets it): r(from), copied into the r0 slot, and the
// long-time r in its slot (NaN where G' is singular). map: the grid step's map A = exp(step G)
// (the Taylor map of step / 2^k <= the leap's base step, squared k times) into M; where the limit
// is unique, A's column 0 dropped and the r0 slot turned into the evolved d = r - r_ss (as in the
// leap: rounding does not pile up on the steady state). step: Run.steps times from
// Run.first_step (of the grid's Run.times_count), each r(t_j) written to
// out[(i * Run.times_count + j) * STATE_DIM ..] and then stepped by A, the vector kept in the r0
// slot between dispatches (each dispatch stays inside llvmpipe's loop budget). Each ends with
// the budget probe: header .w = -1 where it cut the kernel short. Whether the limit is unique
// each invocation reads from the long-time slot itself, and only values and barrier-free loops
// depend on it: decided after barriers and handed through workgroup storage, it reached half the
// invocations of a point on llvmpipe here. A generator that is not finite gives garbage the host
// discards (NaN curves from its record).

// The long-time limit is unique (nd_leap wrote r_ss, r_0 = 1, not NaN).
fn limit_unique(w: u32) -> bool {
  return work[w + WORK4_STEADY_R].x == 1.0;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn times_map(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let g = w + WORK4_G;
  let m = w + WORK4_M;
  let p = w + WORK4_P;
  let solvable = limit_unique(w);
  if (solvable) {
    for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
      var d = work[w + WORK4_R0 + q] - work[w + WORK4_STEADY_R + q];
      if (q == 0u) { d.x = 0.0; }
      work[w + WORK4_R0 + q] = d;
    }
  }
  let norm = norm_inf(g, entry(g, 0u, 0u), lid);
  let sub = grid_substeps(bitcast<f32>(run.times_step), leap_base_step_nd(norm, uniform_from_first(work[w + WORK4_TAU].y, lid)));
  taylor_step(m, p, g, sub.h, LEAP_ORDER, lid);
  for (var s = 0u; s < sub.k; s++) {
    mat_mul(p, m, m, 1.0, 0.0, lid);
    mat_copy(m, p, lid);
    fix_trace_row(m, lid);
  }
  if (solvable) {
    for (var k = lid; k < D; k += WORKGROUP_SIZE) { work[m + k * Q].x = select(0.0, 1.0, k == 0u); }
  }
  let cut = loop_budget_exhausted(lid);
  if (lid == 0u && cut) { work[w + WORK4_TAU].w = -1.0; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn times_step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  // a point an earlier dispatch cut short keeps its mark (the host refuses the run)
  if (uniform_from_first(work[w + WORK4_TAU].w, lid) < 0.0) { return; }
  let solvable = limit_unique(w);
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
    vec_a[q] = work[w + WORK4_R0 + q];
    vec_b[q] = work[w + WORK4_STEADY_R + q];
  }
  workgroupBarrier();
  let at = i * run.times_count * D;
  let last = min(run.times_count, run.first_step + run.steps);
  for (var j = run.first_step; j < last; j++) {
    for (var k = lid; k < D; k += WORKGROUP_SIZE) {
      let v = vec_a[k / 4u][k & 3u];
      // r = r_ss + d (or the evolved r), r_0...0 = 1
      out[at + j * D + k] = select(select(v, vec_b[k / 4u][k & 3u] + v, solvable), 1.0, k == 0u);
    }
    apply_to_vec_a(w + WORK4_M, select(1.0, 0.0, solvable), lid);
  }
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { work[w + WORK4_R0 + q] = vec_a[q]; }
  let cut = loop_budget_exhausted(lid);
  if (lid == 0u && cut) { work[w + WORK4_TAU].w = -1.0; }
}
