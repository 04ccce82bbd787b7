// Program "nd_spectrum" (systems of n > 2 qubits): the gap, spectral radius, slowest decay
// outside the kernel and the spectrum flags of each point (spectrum.wgsl's Hessenberg + QR,
// one invocation per point, on G from the point's work buffer), after nd_leap in the same
// submission: the kernel dimension comes from nd_leap's steady solve, as for n = 2. With
// Run.spectrum_mode 1 only where the leap's bound leaves |gap| tau >= STATIONARY_DECAYS undecided.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = point_index(gid, nwg);
  if (i >= run.count) { return; }
  let w = i * WORK4_STRIDE;
  let base = i * REC_STRIDE;
  // nd_leap wrote a NaN record for a generator that is not finite: no QR iteration on NaN
  for (var k = 0u; k < D * Q; k++) {
    if (!all(abs(work[w + WORK4_G + k]) <= vec4<f32>(3.0e38))) { return; }
  }
  if (run.spectrum_mode == 1u && out[base + REC_TRANSIENT_BOUND] < exp(-STATIONARY_DECAYS)) { return; }
  for (var r = 0; r < N; r++) {
    for (var c = 0; c < N; c++) { a[r * N + c] = entry(w + WORK4_G, u32(r + 1), u32(c + 1)); }
  }
  let sp = spectrum_of_block(u32(out[base + REC_KERNEL_DIM]));
  var flags = 0u;
  if (!sp.ok) { flags |= FLAG_NONFINITE; }
  if (abs(sp.slowest) * work[w + WORK4_TAU].x < STATIONARY_DECAYS) { flags |= FLAG_NOT_STATIONARY; }
  // a real part above f32 rounding: the state grows, there is no long-time limit (the host blanks it)
  if (sp.ok && sp.largest > UNSTABLE_F32 * sp.radius) { flags |= FLAG_UNSTABLE; }
  out[base + REC_GAP] = sp.gap;
  out[base + REC_SPECTRAL_RADIUS] = sp.radius;
  out[base + REC_SLOWEST] = sp.slowest;
  out[base + REC_SPECTRUM_FLAGS] = f32(flags);
}
