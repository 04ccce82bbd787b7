// Point parameters: the JSON schema of `qbsweep point --params` (the keys of
// shared/reference/public-cases.json `inputs`), the paper's defaults, validation with
// one-line messages, and the derived sweep parameters (Delta, dT, mubar, ...).

import type { SystemDefinition } from '../system/definition.js';
import { type Node, evaluate } from '../system/expr.js';
import { isPaperSystem, resolveSystem, systemReference } from '../system/registry.js';
import { describeNames, genericSpace } from '../system/space.js';
import { PARAM_RANGES, checkParamRange, checkParamRanges } from './ranges.js';

/** A system parameter without a row of its own in PARAM_RANGES stays within +-this. */
const GENERIC_PARAMETER_BOUND = 1e6;

import type { ModelName, Reservoir, ZeroFreq } from '../core/layout.js';
export type { ModelName, Reservoir, ZeroFreq };
/** The frequency of the phenomenological Lindblad rates: a number, or a parameter or derived name of the system. */
export type LindbladFreq = 'lambda' | 'M' | number | string;

export const RESERVOIRS: readonly Reservoir[] = ['boson', 'fermion'];
export const MODELS: readonly ModelName[] = ['redfield', 'bloch-redfield', 'lindblad'];
export const ZERO_FREQS: readonly ZeroFreq[] = ['limit', 'zero'];
export const BASIS_LABELS = ['ee', 'eg', 'ge', 'gg'] as const;

import { InputError } from '../core/errors.js';
export { InputError };

/** Initial state as a user writes it. Where psi_* is present it wins. */
export interface InitialStateInput {
  label?: string;
  theta?: number;
  phi?: number;
  psi_real?: number[];
  psi_imag?: number[];
  basis?: string[];
}

export interface PointInput {
  /** a built-in system name, a system file, or a definition (default: the paper's wang2023) */
  system?: unknown;
  /** any other system's own parameters (and settable derived names) by name */
  [name: string]: unknown;
  reservoir?: Reservoir;
  Delta1?: number;
  Delta2?: number;
  F?: number;
  lambda?: number;
  alpha1?: number;
  alpha2?: number;
  omega_c?: number;
  T1?: number;
  T2?: number;
  mu1?: number;
  mu2?: number;
  model?: ModelName;
  lindblad_freq?: LindbladFreq;
  zero_freq?: ZeroFreq;
  tau?: number;
  initial_state?: InitialStateInput;
}

export interface PointParams {
  /** the system (for every system but the paper's, the paper's named fields below are NaN) */
  system: SystemDefinition;
  /** the system's parameters in the order its definition declares them (the kernels' row order) */
  values: number[];
  /** every reservoir's statistics set to this (the paper's system: always set, boson by default) */
  reservoir: Reservoir | undefined;
  Delta1: number;
  Delta2: number;
  F: number;
  lambda: number;
  alpha1: number;
  alpha2: number;
  omega_c: number;
  T1: number;
  T2: number;
  mu1: number;
  mu2: number;
  model: ModelName;
  lindblad_freq: LindbladFreq;
  zero_freq: ZeroFreq;
  tau: number;
  /** normalised amplitudes in the basis {ee, eg, ge, gg} */
  psi_real: number[];
  psi_imag: number[];
  /** what the state was called (label, theta/phi, or "psi") */
  state_label: string;
}

export const POINT_KEYS = [
  'system', 'reservoir', 'Delta1', 'Delta2', 'F', 'lambda', 'alpha1', 'alpha2', 'omega_c', 'T1', 'T2',
  'mu1', 'mu2', 'model', 'lindblad_freq', 'zero_freq', 'tau', 'initial_state',
] as const;
export const NUMERIC_KEYS = ['Delta1', 'Delta2', 'F', 'lambda', 'alpha1', 'alpha2', 'omega_c', 'T1', 'T2', 'mu1', 'mu2', 'tau'] as const;
export type NumericKey = (typeof NUMERIC_KEYS)[number];
const STATE_KEYS = ['label', 'theta', 'phi', 'psi_real', 'psi_imag', 'basis'];

/** The paper's defaults (energies in units of lambda). */
export const DEFAULTS = {
  reservoir: 'boson' as Reservoir,
  Delta1: 0,
  Delta2: 0,
  F: 0.5,
  lambda: 1,
  alpha1: 0.1,
  alpha2: 0.1,
  omega_c: 5,
  T1: 1,
  T2: 1,
  mu1: 0,
  mu2: 0,
  model: 'redfield' as ModelName,
  lindblad_freq: 'lambda' as LindbladFreq,
  zero_freq: 'limit' as ZeroFreq,
  tau: 20000,
  state: 'eg',
};

/** Named initial states: label -> amplitudes on {ee, eg, ge, gg}. */
const S = Math.SQRT1_2;
export const NAMED_STATES: Record<string, { re: number[]; im: number[]; about: string }> = {
  ee: { re: [1, 0, 0, 0], im: [0, 0, 0, 0], about: '|ee>' },
  eg: { re: [0, 1, 0, 0], im: [0, 0, 0, 0], about: '|eg> (charger excited, battery empty)' },
  ge: { re: [0, 0, 1, 0], im: [0, 0, 0, 0], about: '|ge>' },
  gg: { re: [0, 0, 0, 1], im: [0, 0, 0, 0], about: '|gg>' },
  plus: { re: [0, S, S, 0], im: [0, 0, 0, 0], about: '(|eg> + |ge>)/sqrt2' },
  minus: { re: [0, S, -S, 0], im: [0, 0, 0, 0], about: '(|eg> - |ge>)/sqrt2' },
};

function fmt(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + '...' : s;
}

function requireNumber(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new InputError(`parameter ${name}: must be a number (got ${fmt(v)})`);
  if (!Number.isFinite(v)) throw new InputError(`parameter ${name}: must be finite (got ${fmt(v)})`);
  return v;
}

function requireChoice<T extends string>(name: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    throw new InputError(`parameter ${name}: unknown value ${fmt(v)} (expected ${choices.join(', ')})`);
  }
  return v as T;
}

function requireAmplitudes(name: string, v: unknown): number[] {
  if (!Array.isArray(v) || v.length !== 4) throw new InputError(`parameter ${name}: must be an array of 4 numbers in the basis ee, eg, ge, gg (got ${fmt(v)})`);
  return v.map((x, k) => requireNumber(`${name}[${k}]`, x));
}

function resolveState(input: unknown): { re: number[]; im: number[]; label: string } {
  if (input === undefined) input = { label: DEFAULTS.state };
  if (typeof input === 'string') input = { label: input };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError(`parameter initial_state: must be an object such as {"label": "eg"} or {"theta": 0.785, "phi": 0} (got ${fmt(input)})`);
  }
  const st = input as Record<string, unknown>;
  const unknown = Object.keys(st).filter((k) => !STATE_KEYS.includes(k));
  if (unknown.length) throw new InputError(`parameter initial_state: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${STATE_KEYS.join(', ')})`);
  if (st.basis !== undefined && JSON.stringify(st.basis) !== JSON.stringify(BASIS_LABELS)) {
    throw new InputError(`parameter initial_state.basis: must be ["ee","eg","ge","gg"], the only basis order qbsweep uses (got ${fmt(st.basis)})`);
  }
  if (st.psi_real !== undefined || st.psi_imag !== undefined) {
    const re = st.psi_real === undefined ? [0, 0, 0, 0] : requireAmplitudes('initial_state.psi_real', st.psi_real);
    const im = st.psi_imag === undefined ? [0, 0, 0, 0] : requireAmplitudes('initial_state.psi_imag', st.psi_imag);
    const norm = Math.sqrt(re.reduce((s, x, k) => s + x * x + im[k] * im[k], 0));
    if (!(norm > 0)) throw new InputError('parameter initial_state.psi_real/psi_imag: the state vector is all zero');
    if (!Number.isFinite(norm)) throw new InputError('parameter initial_state.psi_real/psi_imag: amplitudes too large');
    const label = typeof st.label === 'string' ? st.label : 'psi';
    return { re: re.map((x) => x / norm), im: im.map((x) => x / norm), label };
  }
  if (st.theta !== undefined || st.phi !== undefined) {
    const theta = st.theta === undefined ? 0 : requireNumber('initial_state.theta', st.theta);
    const phi = st.phi === undefined ? 0 : requireNumber('initial_state.phi', st.phi);
    return { ...thetaPhiAmplitudes(theta, phi), label: `theta=${theta},phi=${phi}` };
  }
  const label = st.label === undefined ? DEFAULTS.state : st.label;
  if (typeof label !== 'string' || !(label in NAMED_STATES)) {
    throw new InputError(`parameter initial_state.label: unknown state ${fmt(label)} (expected ${Object.keys(NAMED_STATES).join(', ')}, or give theta/phi or psi_real/psi_imag)`);
  }
  return { re: [...NAMED_STATES[label].re], im: [...NAMED_STATES[label].im], label };
}

/** Validates a point and fills in the defaults of its system. Throws InputError with a one-line message. */
export function resolvePoint(input: unknown, baseDir?: string): PointParams {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError(`point parameters: must be a JSON object (got ${fmt(input)})`);
  }
  const obj = input as Record<string, unknown>;
  const system = resolveSystem(obj.system, 'parameter system', baseDir);
  if (!isPaperSystem(system)) return resolveSystemPoint(system, obj);
  const unknown = Object.keys(obj).filter((k) => !(POINT_KEYS as readonly string[]).includes(k));
  if (unknown.length) {
    throw new InputError(`point parameters: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${POINT_KEYS.join(', ')})`);
  }
  const num = (k: NumericKey): number => (obj[k] === undefined ? DEFAULTS[k] : requireNumber(k, obj[k]));
  const reservoir = requireChoice('reservoir', obj.reservoir ?? DEFAULTS.reservoir, RESERVOIRS);
  const model = requireChoice('model', obj.model ?? DEFAULTS.model, MODELS);
  const zero_freq = requireChoice('zero_freq', obj.zero_freq ?? DEFAULTS.zero_freq, ZERO_FREQS);
  let lindblad_freq: LindbladFreq = DEFAULTS.lindblad_freq;
  if (obj.lindblad_freq !== undefined) {
    const lf = obj.lindblad_freq;
    if (lf === 'lambda' || lf === 'M') lindblad_freq = lf;
    else if (typeof lf === 'number') {
      requireNumber('lindblad_freq', lf);
      if (!(lf > 0)) throw new InputError(`parameter lindblad_freq: a frequency must be > 0 (got ${lf})`);
      lindblad_freq = lf;
    } else throw new InputError(`parameter lindblad_freq: unknown value ${fmt(lf)} (expected "lambda", "M" or a number > 0)`);
  }
  const p = {
    reservoir, model, zero_freq, lindblad_freq,
    Delta1: num('Delta1'), Delta2: num('Delta2'), F: num('F'), lambda: num('lambda'),
    alpha1: num('alpha1'), alpha2: num('alpha2'), omega_c: num('omega_c'),
    T1: num('T1'), T2: num('T2'), mu1: num('mu1'), mu2: num('mu2'), tau: num('tau'),
  };
  for (const k of ['alpha1', 'alpha2'] as const) if (p[k] < 0) throw new InputError(`parameter ${k}: coupling strength must be >= 0 (got ${p[k]})`);
  if (!(p.omega_c > 0)) throw new InputError(`parameter omega_c: cutoff frequency must be > 0 (got ${p.omega_c})`);
  if (p.tau < 0) throw new InputError(`parameter tau: evolution time must be >= 0 (got ${p.tau})`);
  if (reservoir === 'boson') {
    for (const k of ['T1', 'T2'] as const) {
      if (p[k] < 0) throw new InputError(`parameter ${k}: a boson reservoir needs temperature >= 0 (got ${p[k]}); negative temperatures give negative rates`);
    }
  }
  checkParamRanges(p);
  const st = resolveState(obj.initial_state);
  const values = system.parameters.map((d) => (p as unknown as Record<string, number>)[d.name]);
  return { ...p, system, values, psi_real: st.re, psi_imag: st.im, state_label: st.label };
}

const COMMON_KEYS = ['system', 'reservoir', 'model', 'lindblad_freq', 'zero_freq', 'tau', 'initial_state'];

/** A point of any system but the paper's: its own parameter names, and derived names that can be set. */
function resolveSystemPoint(system: SystemDefinition, obj: Record<string, unknown>): PointParams {
  const space = genericSpace(system);
  const unknown = Object.keys(obj).filter((k) => !COMMON_KEYS.includes(k) && !space.params.includes(k) && !space.settable.includes(k));
  if (unknown.length) {
    throw new InputError(`point parameters: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for system ${system.name} (${describeNames(system)}; and ${COMMON_KEYS.join(', ')})`);
  }
  const rec = space.defaults();
  for (const k of space.params) if (obj[k] !== undefined) rec[k] = requireNumber(k, obj[k]);
  for (const k of space.settable) if (obj[k] !== undefined) space.set(rec, k, requireNumber(k, obj[k]));
  const reservoir = obj.reservoir === undefined ? undefined : requireChoice('reservoir', obj.reservoir, RESERVOIRS);
  const model = requireChoice('model', obj.model ?? DEFAULTS.model, MODELS);
  const zero_freq = requireChoice('zero_freq', obj.zero_freq ?? DEFAULTS.zero_freq, ZERO_FREQS);
  if (model === 'lindblad' && system.jumps.length === 0) throw new InputError(`parameter model: system ${system.name} defines no "jumps", so it has no lindblad model`);
  // the frequency of the jump rates (the name w_lindblad in them): checked where the model uses it
  const lindblad_freq = (obj.lindblad_freq ?? DEFAULTS.lindblad_freq) as LindbladFreq;
  if (model === 'lindblad') {
    const lf = lindblad_freq;
    if (typeof lf === 'number') {
      requireNumber('lindblad_freq', lf);
      if (!(lf > 0)) throw new InputError(`parameter lindblad_freq: a frequency must be > 0 (got ${lf})`);
    } else if (typeof lf !== 'string' || !space.has(lf)) {
      throw new InputError(`parameter lindblad_freq: must be a number > 0 or a name of system ${system.name} (got ${fmt(lf)})`);
    }
  }
  const tau = obj.tau === undefined ? DEFAULTS.tau : requireNumber('tau', obj.tau);
  if (tau < 0) throw new InputError(`parameter tau: evolution time must be >= 0 (got ${tau})`);
  checkParamRange('tau', tau);
  if (typeof lindblad_freq === 'number') checkParamRange('lindblad_freq', lindblad_freq);
  // a system's own parameters: its known names by their row of the table, the others within 1e6
  for (const k of space.params) {
    if (k in PARAM_RANGES) checkParamRange(k, rec[k]);
    else if (!(Math.abs(rec[k]) <= GENERIC_PARAMETER_BOUND)) throw new InputError(`parameter ${k}: ${rec[k]} is outside the valid range (-1e6 to 1e6) of a system parameter: beyond it float64 cannot evaluate the rates meaningfully`);
  }
  const values = space.params.map((k) => rec[k]);
  checkReservoirs(system, values, reservoir, zero_freq);
  const st = resolveState(obj.initial_state);
  const nan = Number.NaN;
  return {
    system, values, reservoir, model, zero_freq, lindblad_freq, tau,
    Delta1: nan, Delta2: nan, F: nan, lambda: nan, alpha1: nan, alpha2: nan, omega_c: nan, T1: nan, T2: nan, mu1: nan, mu2: nan,
    psi_real: st.re, psi_imag: st.im, state_label: st.label,
  };
}

/** The reservoirs at a point: what makes rates negative or infinite is refused, naming the reservoir. */
export function checkReservoirs(system: SystemDefinition, values: number[], reservoir: Reservoir | undefined, zeroFreq: ZeroFreq): void {
  const env = pointEnvironment(system, values);
  system.reservoirs.forEach((r, k) => {
    const at = `system ${system.name} reservoirs[${k}]`;
    const v = (n: Node) => evaluate(n, env);
    const T = v(r.T);
    const alpha = v(r.spectralDensity.alpha);
    const wc = v(r.spectralDensity.omega_c);
    const s = v(r.spectralDensity.s);
    const statistics = reservoir ?? r.statistics;
    for (const [name, x] of [['T', T], ['alpha', alpha], ['omega_c', wc], ['s', s], ['mu', v(r.mu)]] as const) {
      if (!Number.isFinite(x)) throw new InputError(`${at}: ${name} evaluates to ${x}`);
    }
    if (statistics === 'boson' && T < 0) throw new InputError(`${at}: a boson reservoir needs temperature >= 0 (T = ${T}); negative temperatures give negative rates`);
    for (const [name, x] of [['T', T], ['alpha', alpha], ['omega_c', wc], ['mu', v(r.mu)]] as const) {
      try {
        checkParamRange(name, x);
      } catch (e) {
        throw new InputError(`${at}: ${(e as Error).message.replace(/^parameter /, '')}`);
      }
    }
    if (alpha < 0) throw new InputError(`${at}: coupling strength alpha must be >= 0 (got ${alpha})`);
    if (!(wc > 0)) throw new InputError(`${at}: cutoff frequency omega_c must be > 0 (got ${wc})`);
    if (!(s > 0)) throw new InputError(`${at}: spectral exponent s must be > 0 (got ${s})`);
    if (statistics === 'boson' && s < 1 && zeroFreq === 'limit' && T > 0) {
      throw new InputError(`${at}: with s = ${s} < 1 the boson rate diverges at w -> 0; set zero_freq to "zero" to drop zero-frequency processes`);
    }
  });
}

/** Values of every parameter and derived name at a point (for host-side evaluation). */
export function pointEnvironment(system: SystemDefinition, values: number[]): (name: string) => number {
  const space = genericSpace(system);
  const rec: Record<string, number> = {};
  space.params.forEach((k, i) => (rec[k] = values[i]));
  return (name: string) => space.get(rec, name);
}

/** The Lindblad frequency w* of a point (a number, or a name of its system evaluated there). */
export function lindbladFrequencyOf(p: Pick<PointParams, 'system' | 'values' | 'lindblad_freq'>): number {
  const lf = p.lindblad_freq;
  if (typeof lf === 'number') return lf;
  return pointEnvironment(p.system, p.values)(lf);
}

/** Back to the JSON form (what `point --json` echoes and what sweeps store). */
export function pointToInput(p: PointParams): PointInput & Record<string, unknown> {
  const { psi_real, psi_imag, state_label, system, values, ...rest } = p;
  const initial_state = { label: state_label, psi_real, psi_imag };
  if (isPaperSystem(system)) {
    const { reservoir, ...named } = rest;
    return { reservoir: reservoir ?? DEFAULTS.reservoir, ...named, initial_state };
  }
  const out: PointInput & Record<string, unknown> = { system: systemReference(system) };
  if (p.reservoir !== undefined) out.reservoir = p.reservoir;
  Object.assign(out, { model: p.model, lindblad_freq: p.lindblad_freq, zero_freq: p.zero_freq, tau: p.tau });
  system.parameters.forEach((d, i) => (out[d.name] = values[i]));
  out.initial_state = initial_state;
  return out;
}

/**
 * Parameters a sweep axis (or a CLI flag) may set besides the point keys; each maps onto them.
 * Delta = D1 - D2, Delta_bar = (D1 + D2)/2, T1,2 = Tbar +- dT/2, mu1,2 = mubar +- dmu/2.
 */
export const DERIVED_PARAMS = ['Delta', 'Delta_bar', 'Tbar', 'dT', 'T', 'mubar', 'dmu', 'mu', 'theta', 'phi', 'alpha'] as const;
export type DerivedParam = (typeof DERIVED_PARAMS)[number];
export const SWEEPABLE_PARAMS: readonly string[] = [...NUMERIC_KEYS, ...DERIVED_PARAMS];

/** The point keys each derived parameter sets (a parameter not listed sets itself). */
export const DERIVED_SETS: Record<DerivedParam, string[]> = {
  Delta: ['Delta1', 'Delta2'], Delta_bar: ['Delta1', 'Delta2'], T: ['T1', 'T2'], Tbar: ['T1', 'T2'], dT: ['T1', 'T2'],
  mu: ['mu1', 'mu2'], mubar: ['mu1', 'mu2'], dmu: ['mu1', 'mu2'], alpha: ['alpha1', 'alpha2'], theta: ['state'], phi: ['state'],
};

/** The base keys a sweep's axes set ('state' for an axis over the initial state): what its base does not fix. */
export function variedKeys(axes: readonly { param: string }[]): Set<string> {
  return new Set(axes.flatMap((a) => (DERIVED_SETS as Record<string, string[]>)[a.param] ?? [a.param]));
}

export const PARAM_DOCS: Record<string, { unit: string; about: string }> = {
  Delta1: { unit: 'lambda', about: 'charger detuning omega1 - omega_d' },
  Delta2: { unit: 'lambda', about: 'battery detuning omega2 - omega_d' },
  Delta: { unit: 'lambda', about: 'charger-battery detuning Delta1 - Delta2' },
  Delta_bar: { unit: 'lambda', about: 'mean detuning (Delta1 + Delta2)/2' },
  F: { unit: 'lambda', about: 'driving strength' },
  lambda: { unit: 'energy unit', about: 'charger-battery coupling' },
  alpha1: { unit: '1', about: 'Ohmic coupling of the charger reservoir' },
  alpha2: { unit: '1', about: 'Ohmic coupling of the battery reservoir' },
  alpha: { unit: '1', about: 'Ohmic coupling of both reservoirs' },
  omega_c: { unit: 'lambda', about: 'Ohmic cutoff frequency' },
  T1: { unit: 'lambda', about: 'charger reservoir temperature' },
  T2: { unit: 'lambda', about: 'battery reservoir temperature' },
  T: { unit: 'lambda', about: 'temperature of both reservoirs' },
  Tbar: { unit: 'lambda', about: 'mean temperature (T1 + T2)/2' },
  dT: { unit: 'lambda', about: 'temperature difference T1 - T2' },
  mu1: { unit: 'lambda', about: 'charger reservoir chemical potential (fermion)' },
  mu2: { unit: 'lambda', about: 'battery reservoir chemical potential (fermion)' },
  mu: { unit: 'lambda', about: 'chemical potential of both reservoirs' },
  mubar: { unit: 'lambda', about: 'mean chemical potential (mu1 + mu2)/2' },
  dmu: { unit: 'lambda', about: 'chemical potential difference mu1 - mu2' },
  tau: { unit: '1/lambda', about: 'charging time' },
  theta: { unit: 'rad', about: 'initial state cos(theta)|eg> + sin(theta) e^{i phi}|ge>' },
  phi: { unit: 'rad', about: 'initial state phase' },
};

/** The numeric parameters of a point, mutable, plus theta/phi when a sweep sets them. */
export type NumericRecord = Record<NumericKey, number> & { theta?: number; phi?: number };

/**
 * Sets one (possibly derived) parameter, keeping its partner fixed: setting dT keeps Tbar,
 * setting Tbar keeps dT, and so on. The one definition of the derived parameters, used by the
 * CLI flags and by every sweep.
 */
export function applyParam(rec: NumericRecord, name: string, value: number): void {
  switch (name) {
    case 'Delta': {
      const bar = (rec.Delta1 + rec.Delta2) / 2;
      rec.Delta1 = bar + value / 2;
      rec.Delta2 = bar - value / 2;
      return;
    }
    case 'Delta_bar': {
      const d = rec.Delta1 - rec.Delta2;
      rec.Delta1 = value + d / 2;
      rec.Delta2 = value - d / 2;
      return;
    }
    case 'Tbar': {
      const d = rec.T1 - rec.T2;
      rec.T1 = value + d / 2;
      rec.T2 = value - d / 2;
      return;
    }
    case 'dT': {
      const bar = (rec.T1 + rec.T2) / 2;
      rec.T1 = bar + value / 2;
      rec.T2 = bar - value / 2;
      return;
    }
    case 'T':
      rec.T1 = rec.T2 = value;
      return;
    case 'mubar': {
      const d = rec.mu1 - rec.mu2;
      rec.mu1 = value + d / 2;
      rec.mu2 = value - d / 2;
      return;
    }
    case 'dmu': {
      const bar = (rec.mu1 + rec.mu2) / 2;
      rec.mu1 = bar + value / 2;
      rec.mu2 = bar - value / 2;
      return;
    }
    case 'mu':
      rec.mu1 = rec.mu2 = value;
      return;
    case 'alpha':
      rec.alpha1 = rec.alpha2 = value;
      return;
    case 'theta':
      rec.theta = value;
      return;
    case 'phi':
      rec.phi = value;
      return;
    default:
      if (!(NUMERIC_KEYS as readonly string[]).includes(name)) {
        throw new InputError(`parameter ${name}: unknown (sweepable: ${SWEEPABLE_PARAMS.join(', ')})`);
      }
      rec[name as NumericKey] = value;
  }
}

/** theta/phi of a state input, where it has them. */
export function stateAngles(st: InitialStateInput | undefined): { theta?: number; phi?: number } {
  if (!st || st.psi_real !== undefined || st.psi_imag !== undefined) return {};
  return { theta: st.theta, phi: st.phi };
}

/**
 * Amplitudes of cos(theta)|eg> + sin(theta) e^{i phi}|ge>. Sweeping only phi keeps theta from the
 * base state, else pi/4; sweeping only theta keeps phi, else 0.
 */
export function thetaPhiAmplitudes(theta = Math.PI / 4, phi = 0): { re: number[]; im: number[] } {
  return { re: [0, Math.cos(theta), Math.sin(theta) * Math.cos(phi), 0], im: [0, 0, Math.sin(theta) * Math.sin(phi), 0] };
}

/** Sets one (possibly derived) parameter on a point input (missing values take the defaults). */
export function setParam(input: PointInput, name: string, value: number): PointInput {
  // a derived parameter (Delta, T, ...) is named in its own message; point keys are checked by resolvePoint
  if (!(NUMERIC_KEYS as readonly string[]).includes(name)) checkParamRange(name, value);
  const rec = { ...stateAngles(input.initial_state) } as NumericRecord;
  for (const k of NUMERIC_KEYS) rec[k] = typeof input[k] === 'number' ? (input[k] as number) : DEFAULTS[k];
  applyParam(rec, name, value);
  const out: PointInput = { ...input };
  for (const k of NUMERIC_KEYS) if (input[k] !== undefined || rec[k] !== DEFAULTS[k]) out[k] = rec[k];
  if (name === 'theta' || name === 'phi') out.initial_state = { theta: rec.theta ?? Math.PI / 4, phi: rec.phi ?? 0 };
  return out;
}
