// Reservoir rates (src/model/reservoir.ts): Ohmic J(w) = alpha w exp(-w/omega_c) times N or Ncal.

// exp(x) - 1 without cancellation for small x (WGSL has no expm1).
fn expm1_f32(x: f32) -> f32 {
  if (abs(x) < 1e-2) {
    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0))));
  }
  return exp(x) - 1.0;
}

struct Bath { alpha: f32, omega_c: f32, T: f32, mu: f32 }

// Occupation N(w) and its complement Ncal(w), for w > 0.
fn occupations(fermion: bool, b: Bath, w: f32) -> vec2<f32> {
  if (!fermion) {
    if (b.T <= 0.0) { return vec2<f32>(0.0, 1.0); }
    let n = 1.0 / expm1_f32(min(w / b.T, 80.0));
    return vec2<f32>(n, n + 1.0);
  }
  let x = w - b.mu;
  if (b.T == 0.0) {
    let n = select(select(0.5, 0.0, x > 0.0), 1.0, x < 0.0);
    return vec2<f32>(n, 1.0 - n);
  }
  // 0.5 (1 -+ tanh(x / 2T)) stays finite for huge |x|/T
  let th = tanh(clamp(x / (2.0 * b.T), -40.0, 40.0));
  return vec2<f32>(0.5 * (1.0 - th), 0.5 * (1.0 + th));
}

// (J Ncal, J N) at w >= 0: emission (lowers the energy by w) and absorption rates.
fn bath_rates(fermion: bool, zero_limit: bool, b: Bath, w: f32) -> vec2<f32> {
  if (w <= 0.0) {
    let z = select(0.0, b.alpha * b.T, !fermion && zero_limit);
    return vec2<f32>(z, z);
  }
  let j = b.alpha * w * exp(-w / b.omega_c);
  let n = occupations(fermion, b, w);
  return vec2<f32>(j * n.y, j * n.x);
}
