// Host <-> kernel data layout. Mirrored by src/core/layout.ts (byte sizes there).

// One grid point: struct PointParams and its accessors point_tau, point_dt, point_psi_re,
// point_psi_im are generated from src/core/layout.ts (ROW, PARAM_STRIDE).

// struct Run (the uniform of every kernel) is generated from src/core/layout.ts RUN_FIELDS.

// Output per point: OUT_STRIDE f32 (src/core/layout.ts OUT, which generates the constant).
//   [0..15]  r(tau), the Pauli vector (r_00 = 1)
//   [16..19] efficiency, E_B/omega, ergotropy/omega, concurrence at tau
//   [20..23] the same for the exact long-time limit (steady kernel)
//   [24]     kernel dimension seen by the steady solve (1, or 2 when G' is numerically singular)
//   [25]     Liouvillian gap (spectrum program; NaN when not computed)
//   [26]     flag bits (src/core/constants.ts FLAG_BITS)
//   [27]     step dt used
//   [28]     spectral radius: the largest |eigenvalue| (spectrum program)
//   [29]     slowest relaxation rate outside the kernel (spectrum program)
//   [30]     flag bits of the steady program, [31] flag bits of the spectrum program
//   [32]     ||A^p||_inf^(n/p), from the leap's last square A^p on traceless vectors (p <= n a
//            power of two): an upper bound on |eig|^n, so < exp(-10) proves the point
//            stationary at tau (leap program)
//   [33..38] the state at tau: battery incoherent, coherent ergotropy, capacity, purity, entropy;
//            rho's smallest eigenvalue; [39], [40] average (ergotropic) charging power
//   [41..46] the same six for the long-time limit; [47..50] its energy currents from reservoirs
//            1..4, [51..54] their excitation-number currents, [55] the entropy production

// The point of this invocation: dispatches are 2-D when a chunk has more than 65535 workgroups.
fn point_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WORKGROUP_SIZE;
}

// A NaN made at run time from Run.pad0 (always 0): a constant NaN is a WGSL error.
fn runtime_nan(pad0: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u | pad0);
}
// FLAG_* bits, LEAP_ORDER, SINGULAR_PIVOT, STATIONARY_DECAYS, DECAYED: src/core/constants.ts
