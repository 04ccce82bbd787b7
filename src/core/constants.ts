// Every constant that more than one language uses, defined once here and injected into the
// WGSL (wgslConstants) and the generated JavaScript (src/compiler).

/** Point flags: bit values shared by the record layout, the WGSL kernels and the gpu.js kernel. */
export const FLAG_BITS = {
  degenerate: 1,
  bistable: 2,
  'zero-energy': 4,
  'non-finite': 8,
  'not-stationary-at-tau': 16,
  /** rho has an eigenvalue below -PRECISION_OBSERVABLES.nonPositive (at tau or in the long-time limit) */
  'non-positive': 32,
  /** the long-time energy currents do not sum to zero */
  'first-law': 64,
  /** the long-time entropy production is negative */
  'second-law': 128,
  /**
   * the spectrum has a real part above rounding (PRECISION_OBSERVABLES.unstable of the spectral
   * radius): the state grows without bound, there is no long-time limit (steady.* are NaN)
   */
  unstable: 256,
} as const;
export type FlagName = keyof typeof FLAG_BITS;

/** Taylor order of the leap's one-step map exp(hG). */
export const LEAP_ORDER = 8;

/** The leap's step when none is given: min(LEAP_MAX_STEP, 1 / ||G||_inf) (src/compiler/steps.ts). */
export const LEAP_MAX_STEP = 0.2;

/**
 * A steady-state pivot below this fraction of ||G||_inf: G' is singular in f32, the kernel of G
 * is (numerically) at least two-dimensional and the long-time limit depends on the initial state.
 */
export const SINGULAR_PIVOT = 1e-5;

/** A point is "not stationary at tau" when the slowest mode outside the kernel has decayed less than e^-this. */
export const STATIONARY_DECAYS = 10;

/** Once a squared power of the leap map is below this norm, what it leaves is below f32 resolution. */
export const LEAP_DECAYED = 1e-9;

/** Precision-dependent tolerances of the generated physics code (one set per precision). */
export const PRECISION = {
  f64: {
    /** Jacobi: a rotation is skipped when |a_pq| <= this (|a_pp| + |a_qq|) */
    jacobiSkip: 1e-18,
    jacobiSweeps: 10,
    /** sweeps stop when sum |a_pq|^2 <= this sum a_pp^2 */
    jacobiConverged: 1e-32,
    /** level crossing: |E_i - E_j| <= this max(1, |E|) */
    degenerateEnergy: 1e-9,
    /** ... with a coupling element (or diagonal difference) above this */
    degenerateCoupling: 1e-9,
    /** the leap's step count ceil(tau / h0 - this): tau a whole multiple of h0 up to rounding takes no extra step */
    stepSlack: 1e-9,
  },
  f32: {
    jacobiSkip: 1e-9,
    jacobiSweeps: 6,
    jacobiConverged: 1e-16,
    degenerateEnergy: 1e-5,
    degenerateCoupling: 1e-3,
    stepSlack: 1e-6,
  },
} as const;

/** float32 cannot tell a gap (or any real part) below this fraction of the spectral radius from zero (README, known limits). */
export const GAP_RESOLUTION_F32 = 1e-5;

/** Tolerances of the emitted observables, per precision. */
export const PRECISION_OBSERVABLES = {
  // nonPositive: rho's smallest eigenvalue below minus this is flagged (f32: its measured
  // resolution on the reference cases is ~1e-6, so 1e-5 flags only what float32 can see);
  // law*: |sum J_k| (and -sigma) allowed up to lawRelative (sum |J_k|) + lawAbsolute + lawRounding
  // (the size of the terms the currents sum; divided by T_k for sigma): at equilibrium the currents
  // are rounding residues, which 1/T amplifies (f32, T = 0.01, alpha = 1: sigma = -9e-6 was flagged)
  // energyResolution: E_B/omega at or below it is zero-energy (efficiency W/E_B unresolved, reported as 0)
  // unstable: the largest real part of the spectrum above this times the spectral radius (f64:
  // QR's backward error is ~1e-16 of the radius, a near-zero eigenvalue moves by far less than
  // 1e-9 of it; f32: GAP_RESOLUTION_F32, below which float32 cannot tell a real part from 0)
  f64: { nonPositive: 1e-9, lawRelative: 1e-9, lawAbsolute: 1e-13, lawRounding: 1e-12, energyResolution: 0, unstable: 1e-9 },
  f32: { nonPositive: 1e-5, lawRelative: 1e-3, lawAbsolute: 1e-6, lawRounding: 1e-4, energyResolution: 1e-6, unstable: GAP_RESOLUTION_F32 },
} as const;

/** The boson occupation 1/(e^x - 1) is evaluated at min(x, this): beyond it the rate is ~0 in either precision. */
export const BOSON_EXPONENT_CAP = 80;
/** The fermion occupation 0.5 (1 - tanh(x / 2)) at |x / 2| <= this (tanh is +-1 beyond it in either precision). */
export const FERMION_TANH_CAP = 40;

/** WGSL declarations of the constants above (prepended to every shader module). */
export function wgslConstants(): string {
  const f = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x));
  return [
    ...Object.entries(FLAG_BITS).map(([k, v]) => `const FLAG_${k.toUpperCase().replace(/-/g, '_').replace('NOT_STATIONARY_AT_TAU', 'NOT_STATIONARY').replace('NON_FINITE', 'NONFINITE')}: u32 = ${v}u;`),
    `const NON_POSITIVE_F32: f32 = ${f(PRECISION_OBSERVABLES.f32.nonPositive)};`,
    `const UNSTABLE_F32: f32 = ${f(PRECISION_OBSERVABLES.f32.unstable)};`,
    `const LEAP_ORDER: u32 = ${LEAP_ORDER}u;`,
    `const SINGULAR_PIVOT: f32 = ${f(SINGULAR_PIVOT)};`,
    `const STATIONARY_DECAYS: f32 = ${f(STATIONARY_DECAYS)};`,
    `const DECAYED: f32 = ${f(LEAP_DECAYED)};`,
    // float32's machine epsilon, the QR iterations' test for a negligible entry (shaders/spectrum.wgsl, nd_spectrum.wgsl)
    `const EPS_F32: f32 = 1.1920929e-7;`,
  ].join('\n');
}
