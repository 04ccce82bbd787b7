// Battery observables and the Wootters concurrence (src/model/observables.ts), in f32.

struct Battery { efficiency: f32, energy: f32, ergotropy: f32, zero_energy: bool }

// z = r_0z, |<s-2>|^2 = (r_0x^2 + r_0y^2)/4: E_B = (1+z)/2, ergotropy = (|r|+z)/2, P = ergotropy/E_B.
fn battery(r: Vec16) -> Battery {
  let b = r.v0.yzw; // (r_0x, r_0y, r_0z)
  let z = b.z;
  let e = 0.5 * (1.0 + z);
  let erg = 0.5 * (length(b) + z);
  let zero = !(e > 0.0);
  return Battery(select(erg / e, 0.0, zero), e, erg, zero);
}

// sigma_y (x) sigma_y: real anti-diagonal (-1, 1, 1, -1)
const SYSY = mat4x4<f32>(0.0, 0.0, 0.0, -1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, -1.0, 0.0, 0.0, 0.0);

// C = max(0, l1 - l2 - l3 - l4), l_i^2 the eigenvalues of rho rho~, rho~ = (sy sy) rho* (sy sy).
// With rho = L L^H (Cholesky), rho rho~ = L (L^H rho~ L) L^-1: the l_i^2 are the eigenvalues of the
// Hermitian L^H rho~ L, one eigenvalue solve (the sqrt(rho) route of Wootters' formula takes two).
fn concurrence(r: Vec16) -> f32 {
  let rho = density_from_vec16(r);
  let l = cholesky4_psd(rho);
  let flipped = CMat4(SYSY * rho.re * SYSY, (-1.0) * (SYSY * rho.im * SYSY));
  let m = cmat4_mul(cmat4_adjoint(l), cmat4_mul(flipped, l));
  // symmetrise away rounding before the Hermitian eigensolver
  let mh = CMat4(0.5 * (m.re + transpose(m.re)), 0.5 * (m.im - transpose(m.im)));
  let lam = sqrt(max(eigvalsh4_hermitian(mh), vec4<f32>(0.0)));
  let lmax = max(max(lam.x, lam.y), max(lam.z, lam.w));
  return max(0.0, 2.0 * lmax - (lam.x + lam.y + lam.z + lam.w));
}

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
