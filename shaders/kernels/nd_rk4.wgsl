// Programs "nd_rk4_init", "nd_rk4_step", "nd_rk4_finish" (systems of n > 2 qubits): the rk4
// integrator of the n = 2 programs (rk4.wgsl), a workgroup per point. init: the step h (the
// row's dt, else rk4_default_step's min(0.05, 0.25 / ||G||_inf)) and RK4's one-step map M (the
// order-4 Taylor polynomial of hG) into the work buffer, the whole steps of tau = steps h + last
// into its header (.y h, .w steps); step: Run.steps steps r <- M r from Run.first_step, with r
// kept in the r0 slot between dispatches (one dispatch stays far inside llvmpipe's loop budget);
// finish: the remainder `last` by RK4's map of that size, the long-time limit, the record.

// The whole steps and the remainder of tau at step h (propagate.wgsl step_plan).
fn rk4_plan(tau: f32, h: f32) -> vec2<f32> {
  let plan = step_plan(tau, h);
  return vec2<f32>(f32(plan.steps), plan.last);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4_init(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let g = w + WORK4_G;
  // no steps on a generator that is not finite (finish writes its NaN record)
  if (!finite_matrix(g, lid)) {
    if (lid == 0u) { work[w + WORK4_TAU].w = 0.0; }
    return;
  }
  let norm = norm_inf(g, entry(g, 0u, 0u), lid);
  let head = work[w + WORK4_TAU];
  let dt = uniform_from_first(head.y, lid);
  let h = select(min(0.05, 0.25 / max(norm, 1e-30)), dt, dt > 0.0);
  taylor_step(w + WORK4_M, w + WORK4_P, g, h, 4u, lid);
  if (lid == 0u) { work[w + WORK4_TAU] = vec4<f32>(head.x, h, head.z, rk4_plan(head.x, h).x); }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4_step(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let steps = u32(uniform_from_first(work[w + WORK4_TAU].w, lid));
  let last = min(steps, run.first_step + run.steps);
  if (run.first_step >= last) { return; }
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { vec_a[q] = work[w + WORK4_R0 + q]; }
  workgroupBarrier();
  for (var s = run.first_step; s < last; s++) { apply_to_vec_a(w + WORK4_M, 1.0, lid); }
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { work[w + WORK4_R0 + q] = vec_a[q]; }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn rk4_finish(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let g = w + WORK4_G;
  let m = w + WORK4_M;
  let p = w + WORK4_P;
  let base = i * REC_STRIDE;
  if (!finite_matrix(g, lid)) {
    write_nd_non_finite(base, lid);
    return;
  }
  let head = work[w + WORK4_TAU];
  let h = uniform_from_first(head.y, lid);
  let rest = uniform_from_first(rk4_plan(head.x, h).y, lid);
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { vec_a[q] = work[w + WORK4_R0 + q]; }
  workgroupBarrier();
  if (rest > 0.0) {
    taylor_step(m, p, g, rest, 4u, lid);
    apply_to_vec_a(m, 1.0, lid);
  }
  let solvable = long_time_nd(p, g, norm_inf(g, entry(g, 0u, 0u), lid), lid);
  write_nd_record(base, w, solvable, head.z > 0.5, h, 3.0e38, lid);
}
