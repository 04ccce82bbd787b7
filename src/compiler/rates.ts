// Reservoir rates, the one definition every backend runs: spectral densities J(w) (J = pi sum
// g^2 delta), Bose-Einstein / Fermi-Dirac occupations with their T = 0 limits, and the products
// J Ncal (emission: the system loses w) and J N (absorption), with the w -> 0 limits of
// MODEL.md. Emitted as one scalar function per spectral-density variant.
//
// Adding a spectral density is one entry in SPECTRAL_DENSITIES.

import { BOSON_EXPONENT_CAP, FERMION_TANH_CAP } from '../core/constants.js';
import { type Dialect, type Emitter, type Expr, ONE, ZERO, lit, scalarFunction } from './emitter.js';

/** Arguments of a rate function, in order (flags are 0.0 / 1.0). */
export const RATE_ARGS = ['emission', 'w', 'alpha', 'omega_c', 's', 'T', 'mu', 'fermion', 'zero_limit'] as const;

export interface SpectralDensity {
  /** one line for docs and `qbsweep systems` */
  formula: string;
  /** J(w) for w > 0; s is a number where the system fixes it (specialised code), else an expression */
  J(em: Emitter, w: Expr, alpha: Expr, omegaC: Expr, s: Expr | number): Expr;
  /** lim_{w->0} J(w) N(w) for bosons at temperature T (J Ncal has the same limit); undefined: it diverges */
  bosonZeroLimit(em: Emitter, alpha: Expr, T: Expr, s: Expr | number): Expr;
  /** whether the spectral density takes the exponent s */
  hasExponent: boolean;
}

/** w^s for a constant s: products for small integers, else pow (w > 0 here). */
function power(w: Expr, s: number): Expr {
  if (s === 1) return w;
  if (Number.isInteger(s) && s > 1 && s <= 6) return `(${Array.from({ length: s }, () => w).join(' * ')})`;
  if (s === 0.5) return `Math.sqrt(${w})`;
  return `Math.pow(${w}, ${lit(s)})`;
}

export const SPECTRAL_DENSITIES: Record<'ohmic' | 'drude-lorentz', SpectralDensity> = {
  ohmic: {
    formula: 'J(w) = alpha omega_c^(1-s) w^s exp(-w/omega_c)',
    J: (em, w, alpha, wc, s) => {
      const prefactor = typeof s === 'number' ? (s === 1 ? alpha : `${alpha} * ${power(wc, 1 - s)}`) : `${alpha} * Math.pow(${wc}, 1.0 - ${s})`;
      const ws = typeof s === 'number' ? power(w, s) : `Math.pow(${w}, ${s})`;
      return `${prefactor} * ${ws} * Math.exp(-${w} / ${wc})`;
    },
    // J N ~ alpha omega_c^(1-s) w^(s-1) T: alpha T at s = 1, 0 above, divergent below
    bosonZeroLimit: (em, alpha, T, s) => (typeof s === 'number' ? (s === 1 ? `${alpha} * ${T}` : ZERO) : em.sel(`${s} == 1.0`, `${alpha} * ${T}`, ZERO)),
    hasExponent: true,
  },
  'drude-lorentz': {
    formula: 'J(w) = alpha w omega_c^2 / (w^2 + omega_c^2)',
    J: (em, w, alpha, wc) => `${alpha} * ${w} * ${wc} * ${wc} / (${w} * ${w} + ${wc} * ${wc})`,
    bosonZeroLimit: (em, alpha, T) => `${alpha} * ${T}`,
    hasExponent: false,
  },
};
export type SpectralKind = keyof typeof SPECTRAL_DENSITIES;

/**
 * exp(x) - 1 without cancellation: Math.expm1 in float64; in f32 a series for small |x|, inline
 * rather than a helper function because gpu.js declares a helper that calls a helper in the wrong
 * order when the kernel also calls the outer one (its traceFunctionCalls moves only the function
 * called again, not its callees): "'expm1_f32' : no matching overloaded function found".
 */
function expm1(em: Emitter, x: Expr): Expr {
  if (em.dialect === 'js64') return `Math.expm1(${x})`;
  const v = em.value('xm1', x);
  return em.sel(`Math.abs(${v}) < 0.01`, `${v} * (1.0 + ${v} * (0.5 + ${v} * (1.0 / 6.0 + ${v} * (1.0 / 24.0))))`, `Math.exp(${v}) - 1.0`);
}

/** Name of the rate function of a spectral density with s fixed (a number) or per point. */
export function rateFunctionName(kind: SpectralKind, s: number | undefined): string {
  const base = `rate_${kind.replace(/-/g, '_')}`;
  return s === undefined || !SPECTRAL_DENSITIES[kind].hasExponent ? base : `${base}_s${String(s).replace('.', 'p').replace('-', 'm')}`;
}

/** Bose-Einstein or Fermi-Dirac occupation N(w) at w > 0, with the T = 0 limits (0 for bosons, a step for fermions). */
export function occupationFunction(dialect: Dialect): string {
  return scalarFunction(dialect, 'occupation', ['w', 'T', 'mu', 'fermion'], (em) => {
    em.open('if (fermion > 0.5) {');
    em.value('x', 'w - mu');
    em.open('if (T == 0.0) {');
    em.line(`return ${em.sel('x > 0.0', ZERO, em.sel('x < 0.0', ONE, '0.5'))};`);
    em.close();
    // 0.5 (1 - tanh(x / 2T)) stays finite for huge |x|/T
    const cap = lit(FERMION_TANH_CAP);
    em.line(`return 0.5 * (1.0 - Math.tanh(Math.min(Math.max(x / (2.0 * T), -${cap}), ${cap})));`);
    em.close();
    em.open('if (T <= 0.0) {');
    em.line(`return ${ZERO};`);
    em.close();
    em.line(`return 1.0 / ${expm1(em, `Math.min(w / T, ${lit(BOSON_EXPONENT_CAP)})`)};`);
  });
}

/** lim_{w->0} of J N (= of J Ncal): bosons with the "limit" rule, else 0. */
export function zeroFrequencyRate(em: Emitter, kind: SpectralKind, alpha: Expr, T: Expr, s: Expr | number, fermion: Expr, zeroLimit: Expr): Expr {
  return em.sel(`${fermion} < 0.5 && ${zeroLimit} > 0.5`, SPECTRAL_DENSITIES[kind].bosonZeroLimit(em, alpha, T, s), ZERO);
}

/**
 * Both rates of a transition of energy w >= 0 from one J and one occupation: absorption J N,
 * emission J Ncal = J + J N (bosons), J - J N (fermions); their common limit at w = 0.
 */
export function emitRatePair(em: Emitter, name: string, kind: SpectralKind, w: Expr, a: { alpha: Expr; wc: Expr; s: Expr | number; T: Expr; mu: Expr; fermion: Expr; zeroLimit: Expr }): { emission: Expr; absorption: Expr } {
  const j = em.value(`${name}j`, SPECTRAL_DENSITIES[kind].J(em, w, a.alpha, a.wc, a.s));
  const jn = em.value(`${name}n`, `${j} * occupation(${w}, ${a.T}, ${a.mu}, ${a.fermion})`);
  const zl = zeroFrequencyRate(em, kind, a.alpha, a.T, a.s, a.fermion, a.zeroLimit);
  const positive = `${w} > 0.0`;
  return {
    absorption: em.value(`${name}a`, em.sel(positive, jn, zl)),
    emission: em.value(`${name}e`, em.sel(positive, em.sel(`${a.fermion} > 0.5`, `${j} - ${jn}`, `${j} + ${jn}`), zl)),
  };
}

/** The rate function of the jump rates: J Ncal (emission = 1) or J N (emission = 0) at w >= 0 (emitRatePair's rates). */
export function rateFunction(dialect: Dialect, kind: SpectralKind, s: number | undefined): string {
  return scalarFunction(dialect, rateFunctionName(kind, s), [...RATE_ARGS], (em) => {
    const sArg = s ?? 's';
    em.open('if (w <= 0.0) {');
    em.line(`return ${zeroFrequencyRate(em, kind, 'alpha', 'T', sArg, 'fermion', 'zero_limit')};`);
    em.close();
    const r = emitRatePair(em, 'r', kind, 'w', { alpha: 'alpha', wc: 'omega_c', s: sArg, T: 'T', mu: 'mu', fermion: 'fermion', zeroLimit: 'zero_limit' });
    em.line(`return ${em.sel('emission > 0.5', r.emission, r.absorption)};`);
  });
}
