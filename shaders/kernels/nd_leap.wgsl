// Program "nd_leap" (systems of n > 2 qubits, src/backends/webgpu/nd.ts): one workgroup per
// point. What the n = 2 leap program does, row-parallel over the point's work buffer: the
// exact long-time limit (steady solve of G' r = e0), the Taylor-8 one-step map M = exp(hG),
// h = tau/n, and r(tau) = r_ss + M^n (r0 - r_ss) by repeated squaring with its early stop
// (an A^(2^j) below DECAYED ends it) and the bound ||A^p||^(n/p) on |eig|^n; a plain M^n r0
// where G' is singular (bistable). Writes the record (nd.wgsl write_nd_record).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
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
  let norm = norm_inf(g, entry(g, 0u, 0u), lid);
  let solvable = long_time_nd(p, g, norm, lid);
  let head = work[w + WORK4_TAU];
  let tau = uniform_from_first(head.x, lid);
  let dt = uniform_from_first(head.y, lid);
  let h0 = leap_base_step_nd(norm, dt);
  let n = leap_steps(tau, h0);
  let h = select(h0, tau / n, n > 0.0);
  taylor_step(m, p, g, h, LEAP_ORDER, lid);
  for (var q = lid; q < Q; q += WORKGROUP_SIZE) { vec_a[q] = work[w + WORK4_R0 + q]; }
  workgroupBarrier();
  var steps = u32(n);
  var bound = 3.0e38;
  if (solvable) {
    // the traceless d = r0 - r_ss; column 0 of M (the inhomogeneous part d never sees) dropped
    for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
      vec_a[q] = vec_a[q] - vec_b[q];
      if (q == 0u) { vec_a[0].x = 0.0; }
    }
    for (var k = lid; k < D; k += WORKGROUP_SIZE) { work[m + k * Q].x = select(0.0, 1.0, k == 0u); }
    sync();
    if (steps > 0u) {
      var power = 1.0; // M holds A^power
      var norm_p = 3.0e38;
      loop {
        if (steps == 0u) { break; }
        if ((steps & 1u) == 1u) { apply_to_vec_a(m, 0.0, lid); }
        steps = steps >> 1u;
        if (steps == 0u) { break; }
        mat_mul(p, m, m, 1.0, 0.0, lid);
        mat_copy(m, p, lid);
        power *= 2.0;
        // the (0, 0) entry is the trace's 1, not part of A^power
        norm_p = norm_inf(m, 0.0, lid);
        if (norm_p < DECAYED) {
          // every remaining factor is smaller still: what they leave of d is below f32 resolution
          for (var q = lid; q < Q; q += WORKGROUP_SIZE) { vec_a[q] = vec4<f32>(0.0); }
          workgroupBarrier();
          break;
        }
      }
      if (power == 1.0) { norm_p = norm_inf(m, 0.0, lid); }
      // |eig|^n = (|eig|^power)^(n / power) <= ||A^power||^(n / power), with power <= n
      bound = select(norm_p, exp(log(norm_p) * n / power), norm_p < 1.0);
    }
    for (var q = lid; q < Q; q += WORKGROUP_SIZE) {
      vec_a[q] = vec_b[q] + vec_a[q];
      if (q == 0u) { vec_a[0].x = 1.0; }
    }
    workgroupBarrier();
  } else {
    loop {
      if (steps == 0u) { break; }
      if ((steps & 1u) == 1u) { apply_to_vec_a(m, 1.0, lid); }
      steps = steps >> 1u;
      if (steps == 0u) { break; }
      mat_mul(p, m, m, 1.0, 0.0, lid);
      mat_copy(m, p, lid);
      fix_trace_row(m, lid);
    }
  }
  write_nd_record(base, w, solvable, head.z > 0.5, h, bound, lid);
}
