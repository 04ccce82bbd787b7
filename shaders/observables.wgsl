// Long-time output slots and finiteness; fn battery and fn concurrence are generated from
// src/compiler/observables.ts (the definition every backend runs).

// The long-time slots (src/core/layout.ts STEADY_SLOTS: [20..24] then [41..55]) and, last, their
// flag bits: efficiency, E_B/omega, ergotropy/omega, concurrence (NaN unless asked), kernel
// dimension; the state observables, the energy and excitation currents, the entropy production.
// NaN and dimension 2 where the steady solve found G' singular (bistable). Shared by the leap
// and steady programs.
const STEADY_SLOT_COUNT: u32 = 20u;
fn long_time_slots(gen: Generator, r_ss: Vec16, solvable: bool, with_concurrence: bool, nan: f32) -> array<f32, 21> {
  var out: array<f32, 21>;
  for (var k = 0u; k < 21u; k++) { out[k] = nan; }
  out[4] = 2.0;
  out[20] = f32(FLAG_BISTABLE);
  if (!solvable) { return out; }
  let b = battery(r_ss);
  let st = state_observables(r_ss);
  let th = steady_thermodynamics(gen, r_ss);
  out[0] = b.efficiency;
  out[1] = b.energy;
  out[2] = b.ergotropy;
  out[3] = select(nan, concurrence(r_ss), with_concurrence);
  out[4] = 1.0;
  for (var k = 0u; k < 6u; k++) { out[5u + k] = st[k]; }
  for (var k = 0u; k < 9u; k++) { out[11u + k] = th[k]; }
  var flags = 0u;
  if (st[5] < -NON_POSITIVE_F32) { flags |= FLAG_NON_POSITIVE; }
  if (th[9] > 0.5) { flags |= FLAG_FIRST_LAW; }
  if (th[10] > 0.5) { flags |= FLAG_SECOND_LAW; }
  out[20] = f32(flags);
  return out;
}

// The long-time slot of index k of long_time_slots (src/core/layout.ts STEADY_SLOTS).
fn steady_slot(k: u32) -> u32 {
  return select(OUT_STEADY_INCOHERENT + (k - 5u), OUT_STEADY_EFFICIENCY + k, k < 5u);
}

// The state at tau: [33..38] its observables, [39..40] the average charging powers; returns its flag bits.
fn write_state_at_tau(base: u32, r: Vec16, r0: Vec16, tau: f32) -> u32 {
  let st = state_observables(r);
  for (var k = 0u; k < 6u; k++) { out[base + OUT_INCOHERENT + k] = st[k]; }
  let b = battery(r);
  let b0 = battery(r0);
  out[base + OUT_AVERAGE_POWER] = select((b.energy - b0.energy) / tau, 0.0, tau <= 0.0);
  out[base + OUT_AVERAGE_ERGOTROPIC_POWER] = select((b.ergotropy - b0.ergotropy) / tau, 0.0, tau <= 0.0);
  return select(0u, FLAG_NON_POSITIVE, st[5] < -NON_POSITIVE_F32);
}

fn vec16_finite(r: Vec16) -> bool {
  // NaN and inf fail |x| <= 3e38
  let lim = vec4<f32>(3.0e38);
  return all(abs(r.v0) <= lim) && all(abs(r.v1) <= lim) && all(abs(r.v2) <= lim) && all(abs(r.v3) <= lim);
}
