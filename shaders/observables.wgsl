// Long-time output slots and finiteness; fn battery and fn concurrence are generated from
// src/compiler/observables.ts (the definition every backend runs).

// Output slots [20..24] (layout.wgsl): the long-time limit's efficiency, E_B/omega,
// ergotropy/omega, concurrence (NaN unless asked) and the kernel dimension; NaN and dimension 2
// where the steady solve found G' singular (bistable). Shared by the leap and steady programs.
fn long_time_slots(r_ss: Vec16, solvable: bool, with_concurrence: bool, nan: f32) -> array<f32, 5> {
  if (!solvable) { return array<f32, 5>(nan, nan, nan, nan, 2.0); }
  let b = battery(r_ss);
  return array<f32, 5>(b.efficiency, b.energy, b.ergotropy, select(nan, concurrence(r_ss), with_concurrence), 1.0);
}

fn vec16_finite(r: Vec16) -> bool {
  // NaN and inf fail |x| <= 3e38
  let lim = vec4<f32>(3.0e38);
  return all(abs(r.v0) <= lim) && all(abs(r.v1) <= lim) && all(abs(r.v2) <= lim) && all(abs(r.v3) <= lim);
}
