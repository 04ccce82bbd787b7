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

// Writes the long-time values (the registry's long-time entries, src/core/outputs.ts) straight
// into the record and returns their flag bits: the figures of merit, the concurrence (NaN unless
// asked), the kernel dimension, the state observables, the energy and excitation currents, the
// entropy production. NaN and dimension 2 where the steady solve found G' singular (bistable).
// Shared by the leap and steady programs.
fn write_long_time(base: u32, i: u32, r_ss: Vec16, solvable: bool, with_concurrence: bool, nan: f32) -> u32 {
  if (!solvable) {
    write_long_time_nan(base, nan);
    out[base + OUT_KERNEL_DIM] = 2.0;
    return FLAG_BISTABLE;
  }
  // a branch, not select(): select would evaluate the concurrence even when it is not asked for
  var c = nan;
  if (with_concurrence) { c = concurrence(r_ss); }
  // the figures of merit and the currents whatever the outputs asked: the non-positive,
  // first-law and second-law flags come from them, and a point's flags never depend on its outputs
  let st = state_observables(r_ss);
  // read again from the buffer: a kernel keeps nothing of the row alive through the evolution
  let th = steady_thermodynamics(point_currents(run, params[i]), r_ss);
  write_outputs_long_time(base, battery(r_ss), c, st, th);
  out[base + OUT_KERNEL_DIM] = 1.0;
  var flags = non_positive(st);
  if (th[9] > 0.5) { flags |= FLAG_FIRST_LAW; }
  if (th[10] > 0.5) { flags |= FLAG_SECOND_LAW; }
  return flags;
}

// The state at tau: its figures of merit, concurrence c (NaN where not asked), observables and
// average charging powers; returns its flag bits (non-positive: computed whatever the outputs
// asked, like the long-time ones).
fn write_state_at_tau(base: u32, i: u32, r: Vec16, c: f32) -> u32 {
  let st = state_observables(r);
  write_outputs_at_tau(base, battery(r), c, st, battery(initial_vector(params[i])), point_tau(params[i]));
  return non_positive(st);
}

