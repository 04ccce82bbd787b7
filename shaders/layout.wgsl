// Host <-> kernel data layout. Mirrored by src/core/layout.ts (byte sizes there).

// One grid point: struct PointParams and its accessors point_tau, point_dt, point_psi_re,
// point_psi_im are generated from src/core/layout.ts (ROW, PARAM_STRIDE).

// struct Run (the uniform of every kernel) is generated from src/core/layout.ts RUN_FIELDS.

// Output per point: OUT_STRIDE f32, r(tau) (the Pauli vector, r_00 = 1) then every value of the
// output registry (src/core/outputs.ts RECORD_ENTRIES, which generates OUT_STRIDE, the OUT_*
// slot constants and the record writers of records.wgsl; docs/OUTPUTS.md lists the outputs).

// The point of this invocation: dispatches are 2-D when a chunk has more than 65535 workgroups.
fn point_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WORKGROUP_SIZE;
}

// A NaN made at run time from Run.pad0 (always 0): a constant NaN is a WGSL error.
fn runtime_nan(pad0: u32) -> f32 {
  return bitcast<f32>(0x7fc00000u | pad0);
}
// FLAG_* bits, LEAP_ORDER, SINGULAR_PIVOT, STATIONARY_DECAYS, DECAYED: src/core/constants.ts
