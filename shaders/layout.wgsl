// Host <-> kernel data layout. Mirrored by src/core/layout.ts (byte sizes there).

// One grid point: struct PointParams and its accessors point_tau, point_dt, point_psi_re,
// point_psi_im are generated from src/core/layout.ts (ROW, PARAM_STRIDE).

// Run constants, 64 bytes (uniform).
struct Run {
  model: u32,          // 0 redfield, 1 bloch-redfield, 2 lindblad (the generator is generated per model)
  statistics: u32,     // 0 as the system defines, 1 every reservoir boson, 2 every reservoir fermion
  zero_freq: u32,      // 0 limit (rates -> their w -> 0 limit), 1 zero
  pad5: u32,
  pad6: u32,
  count: u32,          // points in this dispatch chunk
  steps: u32,          // rk4: steps per dispatch
  record_every: u32,   // rk4: trajectory sample every this many steps (0 = none)
  first_step: u32,     // rk4: index of the first step of this dispatch
  record_slots: u32,   // rk4: samples per point in the trajectory buffer
  pad0: u32,           // always 0: makes a runtime NaN (a constant NaN is a WGSL error)
  spectrum_mode: u32,  // spectrum: 0 every point, 1 only where the leap left |gap| tau >= 10 undecided
  outputs: u32,        // bits: 1 concurrence at tau, 2 long-time concurrence (skip the work if unasked)
  pad2: u32,
  pad3: u32,
  pad4: u32,
}

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
