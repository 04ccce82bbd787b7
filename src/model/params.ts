// Point parameters: the JSON schema of `qbsweep point --params` (a system's parameters and
// settable derived names, and the settings; for the default system the keys of
// shared/reference/public-cases.json `inputs`), validation with one-line messages, and setting
// a (derived) name in the system's space (system/space.ts). Every system alike: what the
// paper's names mean (Delta, Tbar, T, ...) is in systems/wang2023.json.

import { basisLabels } from '../algebra/pauli.js';
import type { SystemDefinition } from '../system/definition.js';
import { type Node, evaluate, formatExpr } from '../system/expr.js';
import { DEFAULT_SYSTEM, resolveSystem, systemReference } from '../system/registry.js';
import { describeNames, genericSpace } from '../system/space.js';
import { PARAM_RANGES, checkParamRange } from './ranges.js';

/** A system parameter without a row of its own in PARAM_RANGES stays within +-this. */
const GENERIC_PARAMETER_BOUND = 1e6;

import type { ModelName, Reservoir, ZeroFreq } from '../core/layout.js';
export type { ModelName, Reservoir, ZeroFreq };
/** The frequency of the phenomenological Lindblad rates: a number, or a parameter or derived name of the system. */
export type LindbladFreq = 'lambda' | 'M' | number | string;

export const RESERVOIRS: readonly Reservoir[] = ['boson', 'fermion'];
export const MODELS: readonly ModelName[] = ['redfield', 'bloch-redfield', 'lindblad'];
export const ZERO_FREQS: readonly ZeroFreq[] = ['limit', 'zero'];
export const BASIS_LABELS = basisLabels(2);

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
  /** the system's parameters and settable derived names by name (numbers) */
  [name: string]: unknown;
  reservoir?: Reservoir;
  model?: ModelName;
  lindblad_freq?: LindbladFreq;
  zero_freq?: ZeroFreq;
  tau?: number;
  initial_state?: InitialStateInput;
}

export interface PointParams {
  /** the system, whose parameters `values` holds (valuesByName: by name) */
  system: SystemDefinition;
  /** the system's parameters in the order its definition declares them (the kernels' row order) */
  values: number[];
  /** every reservoir's statistics set to this (by default the statistics its reservoirs share, if they do) */
  reservoir: Reservoir | undefined;
  model: ModelName;
  lindblad_freq: LindbladFreq;
  zero_freq: ZeroFreq;
  tau: number;
  /** normalised amplitudes in the basis {ee, eg, ge, gg} */
  psi_real: number[];
  psi_imag: number[];
  /** what the state was called (label, theta/phi, or "psi") */
  state_label: string;
  /** the angles as given, where the state is cos(theta)|eg> + sin(theta) e^{i phi}|ge> (an axis over one keeps the other) */
  angles?: { theta?: number; phi?: number };
}

const STATE_KEYS = ['label', 'theta', 'phi', 'psi_real', 'psi_imag', 'basis'];

/** A point's settings when it does not give them (its parameters default as its system says). */
export const DEFAULTS = {
  model: 'redfield' as ModelName,
  lindblad_freq: 'lambda' as LindbladFreq,
  zero_freq: 'limit' as ZeroFreq,
  tau: 20000,
  state: 'eg',
};

/** Units and meanings of the names a point has besides its system's: the charging time and the state angles. */
export const POINT_NAME_DOCS: Record<string, { unit: string; about: string }> = {
  tau: { unit: '1/lambda', about: 'charging time' },
  theta: { unit: 'rad', about: 'initial state cos(theta)|eg> + sin(theta) e^{i phi}|ge>' },
  phi: { unit: 'rad', about: 'initial state phase' },
};

/** Whether a point has the name: a parameter or derived name of its system, tau, theta or phi. */
export function isPointName(system: SystemDefinition, name: string): boolean {
  return Object.hasOwn(POINT_NAME_DOCS, name) || genericSpace(system).has(name);
}

/** The unit and meaning of a name of a point: a system parameter or derived name (as its file says), tau, theta or phi. */
export function nameDoc(system: SystemDefinition, name: string): { unit?: string; about?: string } {
  const param = system.parameters.find((p) => p.name === name);
  if (param) return { unit: param.unit, about: param.doc };
  const derived = system.derived.find((d) => d.name === name);
  if (derived) return { unit: derived.unit || sharedUnit(system, name), about: derived.doc || `${name} = ${derived.text}` };
  return POINT_NAME_DOCS[name] ?? {};
}

/** A settable derived name without a unit of its own (Delta = Delta1 - Delta2): the unit of the parameters it moves, where they share one. */
function sharedUnit(system: SystemDefinition, name: string): string {
  const space = genericSpace(system);
  const units = space.settable.includes(name) ? space.moves(name).map((n) => system.parameters.find((p) => p.name === n)!.unit) : [];
  return units.length && units.every((u) => u === units[0]) ? units[0] : '';
}

/** The statistics every reservoir of a system has, where they share one (the point's default "reservoir"). */
export function sharedStatistics(system: SystemDefinition): Reservoir | undefined {
  const s = system.reservoirs.map((r) => r.statistics);
  return s.every((x) => x === s[0]) ? s[0] : undefined;
}

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

function requireAmplitudes(name: string, v: unknown, qubits: number): number[] {
  const basis = basisLabels(qubits);
  if (!Array.isArray(v) || v.length !== basis.length) throw new InputError(`parameter ${name}: must be an array of ${basis.length} numbers in the basis ${basis.join(', ')} (got ${fmt(v)})`);
  return v.map((x, k) => requireNumber(`${name}[${k}]`, x));
}

/** The default initial state of n qubits: the first excited, the others in the ground state (`eg` for two). */
export const defaultStateLabel = (qubits: number): string => 'e' + 'g'.repeat(qubits - 1);

/** The basis state of a label of n letters e/g (first letter: qubit 1); the only named states of n != 2 qubits. */
function basisState(label: unknown, qubits: number): ResolvedState {
  if (typeof label !== 'string' || !/^[eg]+$/.test(label) || label.length !== qubits) {
    throw new InputError(`parameter initial_state.label: a state of this system's ${qubits} qubits is a label of ${qubits} letters e/g such as ${JSON.stringify(defaultStateLabel(qubits))}, or psi_real/psi_imag (got ${fmt(label)})`);
  }
  const index = parseInt(label.replace(/e/g, '0').replace(/g/g, '1'), 2);
  const re = Array.from({ length: 2 ** qubits }, (_, k) => (k === index ? 1 : 0));
  return { psi_real: re, psi_imag: re.map(() => 0), state_label: label };
}

type ResolvedState = Pick<PointParams, 'psi_real' | 'psi_imag' | 'state_label' | 'angles'>;

/** The state cos(theta)|eg> + sin(theta) e^{i phi}|ge> as a point holds it (an undefined angle takes its default: thetaPhiAmplitudes). */
export function angleState(theta: number | undefined, phi: number | undefined): ResolvedState {
  const { re, im } = thetaPhiAmplitudes(theta, phi);
  return { psi_real: re, psi_imag: im, state_label: `theta=${theta},phi=${phi}`, angles: { theta, phi } };
}

function resolveState(input: unknown, qubits: number): ResolvedState {
  if (input === undefined) input = { label: defaultStateLabel(qubits) };
  if (typeof input === 'string') input = { label: input };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError(`parameter initial_state: must be an object such as {"label": "eg"} or {"theta": 0.785, "phi": 0} (got ${fmt(input)})`);
  }
  const st = input as Record<string, unknown>;
  const unknown = Object.keys(st).filter((k) => !STATE_KEYS.includes(k));
  if (unknown.length) throw new InputError(`parameter initial_state: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (allowed: ${STATE_KEYS.join(', ')})`);
  const basis = basisLabels(qubits);
  if (st.basis !== undefined && JSON.stringify(st.basis) !== JSON.stringify(basis)) {
    throw new InputError(`parameter initial_state.basis: must be ${JSON.stringify(basis)}, the only basis order qbsweep uses (got ${fmt(st.basis)})`);
  }
  if (st.psi_real !== undefined || st.psi_imag !== undefined) {
    const zero = new Array<number>(2 ** qubits).fill(0);
    const re = st.psi_real === undefined ? zero : requireAmplitudes('initial_state.psi_real', st.psi_real, qubits);
    const im = st.psi_imag === undefined ? zero : requireAmplitudes('initial_state.psi_imag', st.psi_imag, qubits);
    const norm = Math.sqrt(re.reduce((s, x, k) => s + x * x + im[k] * im[k], 0));
    if (!(norm > 0)) throw new InputError('parameter initial_state.psi_real/psi_imag: the state vector is all zero');
    if (!Number.isFinite(norm)) throw new InputError('parameter initial_state.psi_real/psi_imag: amplitudes too large');
    const label = typeof st.label === 'string' ? st.label : 'psi';
    return { psi_real: re.map((x) => x / norm), psi_imag: im.map((x) => x / norm), state_label: label };
  }
  if (st.theta !== undefined || st.phi !== undefined) {
    if (qubits !== 2) throw new InputError(`parameter initial_state: theta/phi give a two-qubit state (this system has ${qubits} qubits): give a label of ${qubits} letters e/g, or psi_real/psi_imag`);
    // the state at theta = 0 where only phi is given; the angles kept as given (a grid's default theta is pi/4)
    const theta = st.theta === undefined ? undefined : requireNumber('initial_state.theta', st.theta);
    const phi = st.phi === undefined ? undefined : requireNumber('initial_state.phi', st.phi);
    return { ...angleState(theta ?? 0, phi ?? 0), angles: { theta, phi } };
  }
  const label = st.label === undefined ? defaultStateLabel(qubits) : st.label;
  if (qubits !== 2) return basisState(label, qubits);
  if (typeof label !== 'string' || !(label in NAMED_STATES)) {
    throw new InputError(`parameter initial_state.label: unknown state ${fmt(label)} (expected ${Object.keys(NAMED_STATES).join(', ')}, or give theta/phi or psi_real/psi_imag)`);
  }
  return { psi_real: [...NAMED_STATES[label].re], psi_imag: [...NAMED_STATES[label].im], state_label: label };
}

const COMMON_KEYS = ['system', 'reservoir', 'model', 'lindblad_freq', 'zero_freq', 'tau', 'initial_state'];

/**
 * Validates a point and fills in the defaults of its system. Its keys: the system's parameters,
 * its settable derived names (normalizeBase), and the settings. Throws InputError with a one-line message.
 */
export function resolvePoint(input: unknown, baseDir?: string): PointParams {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError(`point parameters: must be a JSON object (got ${fmt(input)})`);
  }
  const system = resolveSystem((input as Record<string, unknown>).system, 'parameter system', baseDir);
  const space = genericSpace(system);
  const obj = normalizeBase(input as Record<string, unknown>, system, 'point parameters') as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !COMMON_KEYS.includes(k) && !space.params.includes(k));
  if (unknown.length) {
    throw new InputError(`point parameters: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for system ${system.name} (${describeNames(system)}; and ${COMMON_KEYS.join(', ')})`);
  }
  const values = space.defaults();
  space.params.forEach((k, i) => {
    if (obj[k] !== undefined) values[i] = requireNumber(k, obj[k]);
  });
  const reservoir = obj.reservoir === undefined ? sharedStatistics(system) : requireChoice('reservoir', obj.reservoir, RESERVOIRS);
  const model = requireChoice('model', obj.model ?? DEFAULTS.model, MODELS);
  const zero_freq = requireChoice('zero_freq', obj.zero_freq ?? DEFAULTS.zero_freq, ZERO_FREQS);
  if (model === 'lindblad' && system.jumps.length === 0) throw new InputError(`parameter model: system ${system.name} defines no "jumps", so it has no lindblad model`);
  // the frequency of the jump rates (the name w_lindblad in them): a number > 0, or a name of the
  // system, checked where the model uses it (the default "lambda" is a name of some systems only)
  const lindblad_freq = (obj.lindblad_freq ?? DEFAULTS.lindblad_freq) as LindbladFreq;
  if (typeof lindblad_freq === 'number') {
    requireNumber('lindblad_freq', lindblad_freq);
    if (!(lindblad_freq > 0)) throw new InputError(`parameter lindblad_freq: a frequency must be > 0 (got ${lindblad_freq})`);
    checkParamRange('lindblad_freq', lindblad_freq);
  } else if (typeof lindblad_freq !== 'string' || (model === 'lindblad' && !space.has(lindblad_freq))) {
    throw new InputError(`parameter lindblad_freq: unknown value ${fmt(lindblad_freq)} (expected a number > 0 or a name of system ${system.name})`);
  }
  const tau = obj.tau === undefined ? DEFAULTS.tau : requireNumber('tau', obj.tau);
  checkPointValues({ system, values, reservoir, zero_freq, tau });
  return { system, values, reservoir, model, zero_freq, lindblad_freq, tau, ...resolveState(obj.initial_state, system.qubits) };
}

/**
 * The checks of a point's numbers (its parameters, tau, its reservoirs), which a sweep's axes
 * change: resolvePoint runs them once on the base, Grid.validate at the grid's corners.
 */
export function checkPointValues(p: Pick<PointParams, 'system' | 'values' | 'reservoir' | 'zero_freq' | 'tau'>): void {
  const params = p.system.parameters;
  params.forEach((d, i) => requireNumber(d.name, p.values[i]));
  requireNumber('tau', p.tau);
  if (p.tau < 0) throw new InputError(`parameter tau: evolution time must be >= 0 (got ${p.tau})`);
  checkParamRange('tau', p.tau);
  // the reservoirs first: a negative coupling or temperature has its own message, before the ranges
  checkReservoirs(p.system, p.values, p.reservoir, p.zero_freq);
  // a system's own parameters: its known names by their row of the table, the others within 1e6
  params.forEach(({ name: k }, i) => {
    const v = p.values[i];
    if (k in PARAM_RANGES) checkParamRange(k, v);
    else if (!(Math.abs(v) <= GENERIC_PARAMETER_BOUND)) throw new InputError(`parameter ${k}: ${v} is outside the valid range (-1e6 to 1e6) of a system parameter: beyond it float64 cannot evaluate the rates meaningfully`);
  });
}

/** A point's parameters by name ({Delta1: 0, F: 0.5, ...} for the paper's system). */
export function valuesByName(p: Pick<PointParams, 'system' | 'values'>): Record<string, number> {
  return Object.fromEntries(p.system.parameters.map((d, i) => [d.name, p.values[i]]));
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
    // "parameter T1" where the quantity is a parameter itself (the paper's T1, alpha1, omega_c), else the reservoir's
    const who = (name: string, n: Node) => (n.kind === 'name' && system.parameters.some((d) => d.name === n.name) ? `parameter ${n.name}` : `${at}: ${name} = ${formatExpr(n)}`);
    for (const [name, x] of [['T', T], ['alpha', alpha], ['omega_c', wc], ['s', s], ['mu', v(r.mu)]] as const) {
      if (!Number.isFinite(x)) throw new InputError(`${at}: ${name} evaluates to ${x}`);
    }
    if (alpha < 0) throw new InputError(`${who('alpha', r.spectralDensity.alpha)}: coupling strength must be >= 0 (got ${alpha})`);
    if (!(wc > 0)) throw new InputError(`${who('omega_c', r.spectralDensity.omega_c)}: cutoff frequency must be > 0 (got ${wc})`);
    if (statistics === 'boson' && T < 0) throw new InputError(`${who('T', r.T)}: a boson reservoir needs temperature >= 0 (got ${T}); negative temperatures give negative rates`);
    for (const [name, x, n] of [['T', T, r.T], ['alpha', alpha, r.spectralDensity.alpha], ['omega_c', wc, r.spectralDensity.omega_c], ['mu', v(r.mu), r.mu]] as const) {
      try {
        checkParamRange(name, x);
      } catch (e) {
        throw new InputError(`${who(name, n)}: ${(e as Error).message.replace(/^parameter \w+: /, '')}`);
      }
    }
    if (!(s > 0)) throw new InputError(`${at}: spectral exponent s must be > 0 (got ${s})`);
    if (statistics === 'boson' && s < 1 && zeroFreq === 'limit' && T > 0) {
      throw new InputError(`${at}: with s = ${s} < 1 the boson rate diverges at w -> 0; set zero_freq to "zero" to drop zero-frequency processes`);
    }
  });
}

/** Values of every parameter and derived name at a point (for host-side evaluation). */
export function pointEnvironment(system: SystemDefinition, values: number[]): (name: string) => number {
  const space = genericSpace(system);
  return (name: string) => space.get(values, name);
}

/** The Lindblad frequency w* of a point (a number, or a name of its system evaluated there). */
export function lindbladFrequencyOf(p: Pick<PointParams, 'system' | 'values' | 'lindblad_freq'>): number {
  const lf = p.lindblad_freq;
  return typeof lf === 'number' ? lf : genericSpace(p.system).get(p.values, lf);
}

/** Back to the JSON form (what `point --json` echoes and what sweeps store); the default system is not named. */
export function pointToInput(p: PointParams): PointInput & Record<string, unknown> {
  const out: PointInput & Record<string, unknown> = {};
  if (systemReference(p.system) !== DEFAULT_SYSTEM) out.system = systemReference(p.system);
  if (p.reservoir !== undefined) out.reservoir = p.reservoir;
  Object.assign(out, { model: p.model, zero_freq: p.zero_freq, lindblad_freq: p.lindblad_freq });
  p.system.parameters.forEach((d, i) => (out[d.name] = p.values[i]));
  out.tau = p.tau;
  out.initial_state = { label: p.state_label, psi_real: p.psi_real, psi_imag: p.psi_imag };
  return out;
}

/** The parameters a sweep's axes set ('state' for an axis over the initial state): what its base does not fix. */
export function variedKeys(axes: readonly { param: string }[], system: SystemDefinition): Set<string> {
  const space = genericSpace(system);
  return new Set(axes.flatMap((a) => (a.param === 'theta' || a.param === 'phi' ? ['state'] : space.settable.includes(a.param) ? [...space.moves(a.param)] : [a.param])));
}

/**
 * A point's settable derived names (Delta, Tbar, T, ..., theta, phi) applied onto its system's
 * parameters: first the names that set several parameters to one value (T: T1 = T2 = T), then the
 * others in the system's order, each keeping its partner (Tbar keeps dT). A name and a parameter it
 * moves both given (T1 with Tbar) is refused.
 */
export function normalizeBase(input: Record<string, unknown>, system: SystemDefinition, where: string): PointInput {
  const space = genericSpace(system);
  const several = space.settable.filter((k) => system.derived.find((d) => d.name === k)?.sets);
  const order = [...several, ...space.settable.filter((k) => !several.includes(k)), 'theta', 'phi'];
  const derived = order.filter((k) => input[k] !== undefined);
  if (!derived.length) return input as PointInput;
  const out: Record<string, unknown> = { ...input };
  for (const k of derived) {
    const clash = (k === 'theta' || k === 'phi' ? ['initial_state'] : space.moves(k)).find((d) => input[d] !== undefined);
    if (clash) throw new InputError(`${where}: ${k} and ${clash} both set the ${clash === 'initial_state' ? 'initial state' : clash.replace(/\d$/, '') + ' pair'}; give one spelling`);
    delete out[k];
  }
  let base = { ...out, system } as PointInput;
  for (const k of derived) {
    const v = input[k];
    if (typeof v !== 'number') throw new InputError(`${where} ${k}: must be a number (got ${fmt(v)})`);
    if (!Number.isFinite(v)) throw new InputError(`${where} ${k}: must be finite (got ${v})`);
    base = setParam(base, k, v);
  }
  if (input.system === undefined) delete base.system;
  else base.system = input.system;
  return base;
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

/** Sets one (possibly derived) parameter on a point input, in its system's space (missing values take the defaults). */
export function setParam(input: PointInput, name: string, value: number): PointInput {
  const space = genericSpace(resolveSystem(input.system, 'parameter system'));
  // a derived parameter (Delta, T, ...) is named in its own message; point keys are checked by resolvePoint
  if (!space.params.includes(name) && name !== 'tau') checkParamRange(name, value);
  const out: PointInput = { ...input };
  if (name === 'theta' || name === 'phi') {
    const angles = { theta: Math.PI / 4, phi: 0, ...definedAngles(input.initial_state), [name]: value };
    out.initial_state = { theta: angles.theta, phi: angles.phi };
    return out;
  }
  if (name === 'tau') return { ...out, tau: value };
  const values = space.defaults();
  space.params.forEach((k, i) => {
    if (typeof input[k] === 'number') values[i] = input[k] as number;
  });
  space.set(values, name, value);
  const defaults = space.defaults();
  space.params.forEach((k, i) => {
    if (input[k] !== undefined || values[i] !== defaults[i]) out[k] = values[i];
  });
  return out;
}

/** theta/phi of a state input, those it gives. */
function definedAngles(st: InitialStateInput | undefined): { theta?: number; phi?: number } {
  const { theta, phi } = stateAngles(st);
  return { ...(theta !== undefined ? { theta } : {}), ...(phi !== undefined ? { phi } : {}) };
}
