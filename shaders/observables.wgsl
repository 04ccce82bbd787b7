// Finiteness of a state; fn battery, fn concurrence and the other observables are generated
// from src/compiler/observables.ts (the definition every backend runs).

fn vec16_finite(r: Vec16) -> bool {
  // NaN and inf fail |x| <= 3e38
  let lim = vec4<f32>(3.0e38);
  return all(abs(r.v0) <= lim) && all(abs(r.v1) <= lim) && all(abs(r.v2) <= lim) && all(abs(r.v3) <= lim);
}
