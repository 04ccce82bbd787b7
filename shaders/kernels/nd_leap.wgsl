// Program "nd_leap" (systems of n > 2 qubits, src/backends/webgpu/nd.ts): one workgroup per
// point. What the n = 2 leap program does, row-parallel over the point's work buffer: the
// exact long-time limit (steady solve of G' r = e0), the Taylor-8 one-step map M = exp(hG),
// h = tau/n, and r(tau) = r_ss + M^n (r0 - r_ss) by repeated squaring with its early stop
// (an A^(2^j) below DECAYED ends it) and the bound ||A^p||^(n/p) on |eig|^n; a plain M^n r0
// where G' is singular (bistable). Writes the r blocks, the flags, the step and the bound;
// the spectrum slots start as NaN (nd_spectrum overwrites them).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = nd_point(wid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let g = w + WORK4_G;
  let m = w + WORK4_M;
  let p = w + WORK4_P;
  let base = i * REC_STRIDE;
  let nan = runtime_nan(run.pad0);
  if (!finite_matrix(g, lid)) {
    // no loop on NaN (records.wgsl write_non_finite_record says why): NaN, the non-finite flag alone
    for (var k = lid; k < REC_STRIDE; k += WORKGROUP_SIZE) { out[base + k] = nan; }
    sync();
    if (lid == 0u) {
      out[base + REC_FLAGS] = f32(FLAG_NONFINITE);
      out[base + REC_STEADY_FLAGS] = 0.0;
      out[base + REC_SPECTRUM_FLAGS] = 0.0;
    }
    return;
  }
  let norm = norm_inf(g, entry(g, 0u, 0u), lid);
  let solvable = uniform_from_first(solve_steady_nd(p, g, lid), lid) >= SINGULAR_PIVOT * max(norm, 1e-30);
  let head = work[w + WORK4_TAU];
  let tau = uniform_from_first(head.x, lid);
  let dt = uniform_from_first(head.y, lid);
  let h0 = select(default_step_of(norm), dt, dt > 0.0);
  let n = leap_steps(tau, h0);
  let h = select(h0, tau / n, n > 0.0);
  taylor_step(m, p, g, h, lid);
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
  for (var k = lid; k < D; k += WORKGROUP_SIZE) {
    out[base + REC_R + k] = vec_a[k / 4u][k & 3u];
    out[base + REC_STEADY_R + k] = select(nan, vec_b[k / 4u][k & 3u], solvable);
  }
  // llvmpipe gives an invocation one budget of loop iterations and, past it, ends every loop at
  // once and carries on: a probe loop after all the work finishes only if that happened nowhere
  // before (the bound is run-time, so no compiler folds it); then the record says so (kernel
  // dimension 0, which the host refuses) rather than hold a state cut short.
  var probe = 0u;
  for (var k = 0u; k < 256u + run.pad0; k++) { probe += 1u; }
  let cut = max_all(select(0.0, 1.0, probe != 256u), lid) > 0.0;
  if (lid == 0u) {
    var flags = 0u;
    if (head.z > 0.5) { flags |= FLAG_DEGENERATE; }
    for (var q = 0u; q < Q; q++) {
      if (!all(abs(vec_a[q]) <= vec4<f32>(3.0e38))) { flags |= FLAG_NONFINITE; }
    }
    out[base + REC_FLAGS] = f32(flags);
    out[base + REC_STEADY_FLAGS] = f32(select(FLAG_BISTABLE, 0u, solvable));
    out[base + REC_KERNEL_DIM] = select(select(2.0, 1.0, solvable), 0.0, cut);
    out[base + REC_DT] = h;
    out[base + REC_TRANSIENT_BOUND] = bound;
    out[base + REC_GAP] = nan;
    out[base + REC_SPECTRAL_RADIUS] = nan;
    out[base + REC_SLOWEST] = nan;
    out[base + REC_SPECTRUM_FLAGS] = 0.0;
  }
}
