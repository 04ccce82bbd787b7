// The valid range of every numeric parameter and of a sweep's size: one table, checked before
// any work. Beyond these bounds float64 stops evaluating the model meaningfully (measured with
// the CPU reference: |Delta| 1e5 or F 1e10 give NaN or a positive gap, tau 1e20 an efficiency of
// 500, F 1e160 a QR iteration that does not converge, F 1e308 a hang), so a value outside is
// refused with one line instead of producing a number that looks like a result. Keyed by
// parameter name so that other systems can add their own rows.

import { InputError } from '../core/errors.js';

export interface ParamRange {
  min: number;
  max: number;
  unit: string;
  /** why the bound is where it is, for the message and the README */
  why: string;
}

const ENERGY = 'an energy beyond 1e3 lambda leaves the spectrum of the generator below float64 resolution';

export const PARAM_RANGES: Record<string, ParamRange> = {
  Delta1: { min: -1e3, max: 1e3, unit: 'lambda', why: ENERGY },
  Delta2: { min: -1e3, max: 1e3, unit: 'lambda', why: ENERGY },
  F: { min: -1e3, max: 1e3, unit: 'lambda', why: ENERGY },
  lambda: { min: -1e3, max: 1e3, unit: 'lambda', why: ENERGY },
  alpha1: { min: 0, max: 1e3, unit: '1', why: 'a coupling must be >= 0; far above 1 the Redfield equation has long lost its meaning' },
  alpha2: { min: 0, max: 1e3, unit: '1', why: 'a coupling must be >= 0; far above 1 the Redfield equation has long lost its meaning' },
  omega_c: { min: Number.MIN_VALUE, max: 1e6, unit: 'lambda', why: 'a cutoff frequency must be > 0' },
  lindblad_freq: { min: Number.MIN_VALUE, max: 1e6, unit: 'lambda', why: 'a frequency must be > 0; beyond 1e6 the rates no longer change' },
  T1: { min: -1e6, max: 1e6, unit: 'lambda', why: 'rates grow as T: beyond 1e6 the generator loses its slow modes to rounding' },
  T2: { min: -1e6, max: 1e6, unit: 'lambda', why: 'rates grow as T: beyond 1e6 the generator loses its slow modes to rounding' },
  mu1: { min: -1e6, max: 1e6, unit: 'lambda', why: 'beyond 1e6 the Fermi factors are exactly 0 or 1 in float64' },
  mu2: { min: -1e6, max: 1e6, unit: 'lambda', why: 'beyond 1e6 the Fermi factors are exactly 0 or 1 in float64' },
  // what the CLI flags and sweep axes set; checked where a flag is given, so the message names it
  Delta: { min: -2e3, max: 2e3, unit: 'lambda', why: ENERGY },
  Delta_bar: { min: -1e3, max: 1e3, unit: 'lambda', why: ENERGY },
  T: { min: -1e6, max: 1e6, unit: 'lambda', why: 'rates grow as T: beyond 1e6 the generator loses its slow modes to rounding' },
  Tbar: { min: -1e6, max: 1e6, unit: 'lambda', why: 'rates grow as T: beyond 1e6 the generator loses its slow modes to rounding' },
  dT: { min: -2e6, max: 2e6, unit: 'lambda', why: 'rates grow as T: beyond 1e6 the generator loses its slow modes to rounding' },
  mu: { min: -1e6, max: 1e6, unit: 'lambda', why: 'beyond 1e6 the Fermi factors are exactly 0 or 1 in float64' },
  mubar: { min: -1e6, max: 1e6, unit: 'lambda', why: 'beyond 1e6 the Fermi factors are exactly 0 or 1 in float64' },
  dmu: { min: -2e6, max: 2e6, unit: 'lambda', why: 'beyond 1e6 the Fermi factors are exactly 0 or 1 in float64' },
  alpha: { min: 0, max: 1e3, unit: '1', why: 'a coupling must be >= 0; far above 1 the Redfield equation has long lost its meaning' },
  tau: { min: 0, max: 1e8, unit: '1/lambda', why: 'rounding in the exponential map grows with tau (an efficiency of 500 at tau = 1e20); the long-time limit is reported as steady' },
};

/** Refuses a value outside its parameter's range with one line naming the parameter. */
export function checkParamRange(name: string, value: number): void {
  const r = PARAM_RANGES[name];
  // NaN and infinities have their own message where numbers are read ("must be finite")
  if (r === undefined || !Number.isFinite(value) || (value >= r.min && value <= r.max)) return;
  const fmt = (x: number) => (Math.abs(x) >= 1e6 ? x.toExponential().replace('e+', 'e') : String(x));
  const lo = r.min === Number.MIN_VALUE ? '> 0' : `from ${fmt(r.min)}`;
  throw new InputError(`parameter ${name}: ${fmt(value)} is outside the valid range (${lo} to ${fmt(r.max)} ${r.unit}): ${r.why}`);
}

/** Every numeric parameter of a point against its range. */
export function checkParamRanges(point: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(point)) if (typeof value === 'number') checkParamRange(name, value);
}

/** Points along one axis: the axis values are allocated, so this is checked before that. */
export const MAX_AXIS_POINTS = 1 << 20;
/** Points in one sweep (flat indices are 32-bit on the GPU); memory is checked separately. */
export const MAX_SWEEP_POINTS = 2 ** 32 - 1;

/**
 * Axes that set the same underlying parameters and cannot be swept together: T sets T1 and T2,
 * so a second axis on T1, T2, Tbar or dT would overwrite it (the CSV's T column would hold the
 * mean, not the axis value). The coordinate pairs that do go together are listed as such.
 */
export const PARAM_FAMILIES: { params: string[]; pairs: string[][] }[] = [
  { params: ['Delta', 'Delta_bar', 'Delta1', 'Delta2'], pairs: [['Delta', 'Delta_bar'], ['Delta1', 'Delta2']] },
  { params: ['T', 'Tbar', 'dT', 'T1', 'T2'], pairs: [['Tbar', 'dT'], ['T1', 'T2']] },
  { params: ['mu', 'mubar', 'dmu', 'mu1', 'mu2'], pairs: [['mubar', 'dmu'], ['mu1', 'mu2']] },
  { params: ['alpha', 'alpha1', 'alpha2'], pairs: [['alpha1', 'alpha2']] },
];

/** Refuses two axes that set overlapping parameters (T with T1, mu with dmu, Delta with Delta1, ...). */
export function checkAxisOverlap(params: string[]): void {
  for (const fam of PARAM_FAMILIES) {
    const mine = params.filter((p) => fam.params.includes(p));
    if (mine.length < 2) continue;
    const isPair = mine.length === 2 && fam.pairs.some((pair) => pair.includes(mine[0]) && pair.includes(mine[1]));
    if (!isPair) {
      throw new InputError(
        `spec axes: ${mine.join(' and ')} set the same parameters and cannot be swept together (sweep one of them, or a pair of coordinates: ${fam.pairs.map((p) => p.join(' with ')).join(', ')})`,
      );
    }
  }
}
