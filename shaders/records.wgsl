// What the programs that evolve a state write into its record besides r: the state at tau and
// the long-time limit (leap, steady, rk4). Uses the generated observables and currents.

// A point whose generator has an entry that is not finite (a coefficient or rate that is not
// finite there): NaN in every slot, the non-finite flag alone. The programs write this and
// return before any loop: on llvmpipe the lanes of one SIMD batch share a single budget of loop
// iterations, so a lane iterating on NaN would end its neighbours' loops early.
fn write_non_finite_record(base: u32, nan: f32) {
  for (var k = 0u; k < OUT_STRIDE; k++) { out[base + k] = nan; }
  out[base + OUT_FLAGS] = f32(FLAG_NONFINITE);
  out[base + OUT_STEADY_FLAGS] = 0.0;
  out[base + OUT_SPECTRUM_FLAGS] = 0.0;
}

// Writes the long-time slots (src/core/layout.ts STEADY_SLOTS) straight into the record and
// returns their flag bits: efficiency, E_B/omega, ergotropy/omega, concurrence (NaN unless
// asked), kernel dimension; the state observables, the energy and excitation currents, the
// entropy production. NaN and dimension 2 where the steady solve found G' singular (bistable).
// Shared by the leap and steady programs.
fn write_long_time(base: u32, i: u32, r_ss: Vec16, solvable: bool, with_concurrence: bool, nan: f32) -> u32 {
  for (var k = OUT_STEADY_INCOHERENT; k <= OUT_STEADY_ENTROPY_PRODUCTION; k++) { out[base + k] = nan; }
  if (!solvable) {
    out[base + OUT_STEADY_EFFICIENCY] = nan;
    out[base + OUT_STEADY_ENERGY] = nan;
    out[base + OUT_STEADY_ERGOTROPY] = nan;
    out[base + OUT_STEADY_CONCURRENCE] = nan;
    out[base + OUT_KERNEL_DIM] = 2.0;
    return FLAG_BISTABLE;
  }
  let b = battery(r_ss);
  out[base + OUT_STEADY_EFFICIENCY] = b.efficiency;
  out[base + OUT_STEADY_ENERGY] = b.energy;
  out[base + OUT_STEADY_ERGOTROPY] = b.ergotropy;
  // a branch, not select(): select would evaluate the concurrence even when it is not asked for
  var c = nan;
  if (with_concurrence) { c = concurrence(r_ss); }
  out[base + OUT_STEADY_CONCURRENCE] = c;
  out[base + OUT_KERNEL_DIM] = 1.0;
  // the figures of merit and the currents whatever the outputs asked: the non-positive,
  // first-law and second-law flags come from them, and a point's flags never depend on its outputs
  var flags = write_state_observables(base + OUT_STEADY_INCOHERENT, state_observables(r_ss));
  // read again from the buffer: a kernel keeps nothing of the row alive through the evolution
  let th = steady_thermodynamics(point_currents(run, params[i]), r_ss);
  out[base + OUT_STEADY_HEAT] = th[0];
  out[base + OUT_STEADY_HEAT + 1u] = th[1];
  out[base + OUT_STEADY_HEAT + 2u] = th[2];
  out[base + OUT_STEADY_HEAT + 3u] = th[3];
  out[base + OUT_STEADY_PARTICLES] = th[4];
  out[base + OUT_STEADY_PARTICLES + 1u] = th[5];
  out[base + OUT_STEADY_PARTICLES + 2u] = th[6];
  out[base + OUT_STEADY_PARTICLES + 3u] = th[7];
  out[base + OUT_STEADY_ENTROPY_PRODUCTION] = th[8];
  if (th[9] > 0.5) { flags |= FLAG_FIRST_LAW; }
  if (th[10] > 0.5) { flags |= FLAG_SECOND_LAW; }
  return flags;
}

// The state at tau: [33..38] its observables, [39..40] the average charging powers; returns its
// flag bits (non-positive: computed whatever the outputs asked, like the long-time ones).
fn write_state_at_tau(base: u32, i: u32, r: Vec16) -> u32 {
  let flags = write_state_observables(base + OUT_INCOHERENT, state_observables(r));
  let r0 = initial_vector(params[i]);
  let tau = point_tau(params[i]);
  let b = battery(r);
  let b0 = battery(r0);
  out[base + OUT_AVERAGE_POWER] = average_power(b.energy, b0.energy, tau);
  out[base + OUT_AVERAGE_ERGOTROPIC_POWER] = average_power(b.ergotropy, b0.ergotropy, tau);
  return flags;
}

// The six state observables into six consecutive slots from `at` (incoherent ... rho min, in the
// order of OUT, constant indices); returns the non-positive flag of the state.
fn write_state_observables(at: u32, st: array<f32, 6>) -> u32 {
  out[at] = st[0];
  out[at + 1u] = st[1];
  out[at + 2u] = st[2];
  out[at + 3u] = st[3];
  out[at + 4u] = st[4];
  out[at + 5u] = st[5];
  return select(0u, FLAG_NON_POSITIVE, st[5] < -NON_POSITIVE_F32);
}

