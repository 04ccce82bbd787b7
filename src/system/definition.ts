// An open system of n qubits as data (the JSON contract of issue 10): parameters, derived names,
// a Hamiltonian and couplings as sums of n-letter Pauli strings with coefficient expressions,
// reservoirs, optional Lindblad jumps. Validated here with one-line errors naming the place.
// n is the strings' length (every string the same, 1 to MAX_QUBITS; "qubits" may state it); a user
// loads n = 1 to 4 (LOADABLE_QUBITS). The battery is declared (default: the last qubit, H_B = Z/2).
// Basis {ee, eg, ge, gg} for n = 2, |e> = (1,0), first letter acts on qubit 1 (the charger); see MODEL.md.

import { readFileSync, statSync } from 'node:fs';
import { type CMat, ckron, czeros } from '../algebra/complex.js';
import { type Dimension, LOADABLE_QUBITS, MAX_QUBITS, dimensionOf } from '../core/dimension.js';
import { InputError } from '../core/errors.js';
import { MAX_JSON_FILE_BYTES, checkJsonText, lineColumn } from '../core/jsonLimits.js';
import { MAX_RESERVOIRS, MAX_SYSTEM_PARAMETERS } from '../core/layout.js';
import { PAULI_1Q } from '../algebra/pauli.js';
import { CONSTANTS, ExprLimitError, ExprSyntaxError, MATH_FUNCTIONS, type Node, constantValue, evaluate, formatExpr, freeNames, isMathFunction, parseExpr, walk } from './expr.js';

export type PauliLetter = 'I' | 'X' | 'Y' | 'Z' | 'P' | 'M';
export const PAULI_LETTERS: readonly PauliLetter[] = ['I', 'X', 'Y', 'Z', 'P', 'M'];

export interface OperatorTerm {
  label: string;
  /** one letter per qubit, the first on qubit 1 */
  letters: readonly PauliLetter[];
  coefficient: Node;
  /** the coefficient as written (a JSON number as String(n)) */
  text: string;
}
export interface ParameterDef {
  name: string;
  default: number;
  unit: string;
  doc: string;
}
export interface DerivedDef {
  name: string;
  expr: Node;
  text: string;
  /** the parameters that setting this name sets, each to the value (T -> T1 = T2 = T); absent: the affine reading */
  sets?: string[];
  unit: string;
  doc: string;
}
export type SpectralDensityKind = 'ohmic' | 'drude-lorentz';
export const SPECTRAL_DENSITY_KINDS: readonly SpectralDensityKind[] = ['ohmic', 'drude-lorentz'];
export interface SpectralDensityDef {
  kind: SpectralDensityKind;
  alpha: Node;
  omega_c: Node;
  /** ohmic exponent; '1' if absent; for drude-lorentz the constant 1 (unused) */
  s: Node;
}
export type Statistics = 'boson' | 'fermion';
export const STATISTICS: readonly Statistics[] = ['boson', 'fermion'];
export interface ReservoirDef {
  /** 1-based (as in emission(k, w)); the JSON place is reservoirs[index - 1] */
  index: number;
  coupling: OperatorTerm[];
  statistics: Statistics;
  T: Node;
  /** '0' if absent; only meaningful for fermions */
  mu: Node;
  spectralDensity: SpectralDensityDef;
}
export interface JumpDef {
  /** 1-based */
  index: number;
  op: OperatorTerm[];
  rate: Node;
}
/** The battery: the qubits its figures of merit are of, and its Hamiltonian H_B (MODEL.md "Systems of n qubits"). */
export interface BatteryDef {
  /** from 1, in the declared order: H_B's first letter acts on qubits[0] */
  qubits: number[];
  /** H_B as Pauli strings of qubits.length letters with constant coefficients */
  hamiltonian: OperatorTerm[];
  /** H_B's 2^m x 2^m matrix (m = qubits.length), in the basis of the battery qubits in that order */
  matrix: CMat;
  /** the default: the last qubit alone with H_B = Z/2 (the battery the emitted two-qubit observables and the GPU kernels report) */
  isDefault: boolean;
}
/** Two qubits with the default battery: the systems the GPU kernels and the emitted two-qubit observables run (others: float64 cpu). */
export const isTwoQubitDefault = (sys: SystemDefinition): boolean => sys.qubits === 2 && sys.battery.isDefault;

export type BlochRedfieldCoupling = 'full' | 'transitions';
export const BLOCH_REDFIELD_COUPLINGS: readonly BlochRedfieldCoupling[] = ['full', 'transitions'];
/** A system; its Dimension (qubits n, 2^n amplitudes, 4^n state components) follows from its strings' length. */
export interface SystemDefinition extends Dimension {
  name: string;
  description: string;
  parameters: ParameterDef[];
  derived: DerivedDef[];
  hamiltonian: OperatorTerm[];
  reservoirs: ReservoirDef[];
  jumps: JumpDef[];
  /** key "bloch_redfield_coupling", default "full" */
  blochRedfieldCoupling: BlochRedfieldCoupling;
  /** key "battery", default the last qubit with H_B = Z/2 */
  battery: BatteryDef;
  /** true when H and every coupling and jump operator is a real matrix (no term has an odd number of Y letters): then the compiled code is real arithmetic only */
  real: boolean;
  /** the JSON object as given (a deep copy; recorded in manifests) */
  json: Record<string, unknown>;
}

// the limits of the kernels' records and rows
export { MAX_RESERVOIRS, MAX_SYSTEM_PARAMETERS };
/** The most derived names a system may define (the built-ins need a handful). */
export const MAX_DERIVED_NAMES = 256;
/** Functions a jump rate may call besides the math functions: f(k, w) with k a 1-based reservoir index. */
export const RATE_FUNCTIONS: Readonly<Record<string, number>> = Object.freeze({ emission: 2, absorption: 2 });
/** The run-time Lindblad frequency, a name jump rates may use. */
export const LINDBLAD_FREQUENCY_NAME = 'w_lindblad';

const TOP_KEYS = ['name', 'description', 'parameters', 'derived', 'hamiltonian', 'reservoirs', 'jumps', 'bloch_redfield_coupling', 'qubits', 'battery'];
const BATTERY_KEYS = ['qubits', 'hamiltonian'];
/** H_B of each battery qubit where the file gives none: the paper's omega = 1 units. */
const DEFAULT_CELL_ENERGY = '1/2';
const PARAMETER_KEYS = ['default', 'unit', 'doc'];
const DERIVED_KEYS = ['expr', 'sets', 'unit', 'doc'];
const RESERVOIR_KEYS = ['coupling', 'statistics', 'T', 'mu', 'spectral_density'];
const SPECTRAL_KEYS: Record<SpectralDensityKind, string[]> = { ohmic: ['kind', 'alpha', 'omega_c', 's'], 'drude-lorentz': ['kind', 'alpha', 'omega_c'] };
const JUMP_KEYS = ['op', 'rate'];
const SYSTEM_NAME = /^[A-Za-z0-9_.-]+$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why each reserved name is taken; the message reads "name clashes with a built-in <what> (<why>)". */
const RESERVED: Readonly<Record<string, { what: 'key' | 'function' | 'constant' | 'name'; why: string }>> = {
  tau: { what: 'key', why: 'tau is the charging time' },
  dt: { what: 'key', why: 'dt is the integration time step' },
  model: { what: 'key', why: 'model selects the master equation' },
  reservoir: { what: 'key', why: 'reservoir selects boson or fermion statistics' },
  zero_freq: { what: 'key', why: 'zero_freq selects the rate at zero frequency' },
  lindblad_freq: { what: 'key', why: 'lindblad_freq selects the Lindblad frequency' },
  initial_state: { what: 'key', why: 'initial_state is the initial state' },
  theta: { what: 'key', why: 'theta is an initial-state angle' },
  phi: { what: 'key', why: 'phi is an initial-state angle' },
  state: { what: 'key', why: 'state is the initial-state label' },
  system: { what: 'key', why: 'system selects the system definition' },
  t: { what: 'name', why: 't is the time' },
  w: { what: 'name', why: 'w is the frequency argument of rates' },
  [LINDBLAD_FREQUENCY_NAME]: { what: 'name', why: `${LINDBLAD_FREQUENCY_NAME} is the Lindblad frequency chosen at run time` },
  ...Object.fromEntries(Object.keys(CONSTANTS).map((c) => [c, { what: 'constant' as const, why: `${c} = ${CONSTANTS[c]}` }])),
  ...Object.fromEntries(Object.keys(MATH_FUNCTIONS).map((f) => [f, { what: 'function' as const, why: `${f} is a math function` }])),
  emission: { what: 'function', why: 'emission(k, w) is the emission rate of reservoir k' },
  absorption: { what: 'function', why: 'absorption(k, w) is the absorption rate of reservoir k' },
};

/** Names a parameter or derived name may not take. */
export const RESERVED_NAMES: readonly string[] = Object.freeze(Object.keys(RESERVED));

// ---------------------------------------------------------------------------------------------
// Operator matrices

const SIGMA_PLUS: CMat = { re: Float64Array.of(0, 1, 0, 0), im: new Float64Array(4) }; // |e><g|
const SIGMA_MINUS: CMat = { re: Float64Array.of(0, 0, 1, 0), im: new Float64Array(4) }; // |g><e|
const ONE_QUBIT: Readonly<Record<PauliLetter, CMat>> = {
  I: PAULI_1Q[0],
  X: PAULI_1Q[1],
  Y: PAULI_1Q[2],
  Z: PAULI_1Q[3],
  P: SIGMA_PLUS,
  M: SIGMA_MINUS,
};
const LETTER_NAME: Readonly<Record<PauliLetter, string>> = { I: '1', X: 'sigma_x', Y: 'sigma_y', Z: 'sigma_z', P: 'sigma_+', M: 'sigma_-' };
const CONJUGATE_LETTER: Readonly<Record<PauliLetter, PauliLetter>> = { I: 'I', X: 'X', Y: 'Y', Z: 'Z', P: 'M', M: 'P' };

/** The 2^n x 2^n matrix of one Pauli string of n letters (first letter on qubit 1). */
export function pauliStringMatrix(letters: readonly PauliLetter[]): CMat {
  return letters.slice(1).reduce((m, l) => ckron(m, ONE_QUBIT[l]), ONE_QUBIT[letters[0]]);
}

/** The complex 2^n x 2^n matrix (row-major re/im Float64Arrays) of a non-empty operator with given numeric coefficients. */
export function operatorMatrix(terms: OperatorTerm[], coefficient: (t: OperatorTerm) => number): { re: Float64Array; im: Float64Array } {
  const out = czeros(2 ** terms[0].letters.length);
  for (const term of terms) {
    const c = coefficient(term);
    const m = pauliStringMatrix(term.letters);
    for (let k = 0; k < m.re.length; k++) {
      out.re[k] += c * m.re[k];
      out.im[k] += c * m.im[k];
    }
  }
  return out;
}

/** A term's matrix is real unless it has an odd number of Y letters (P, M, X, Z, I are real). */
export function isRealTerm(term: OperatorTerm): boolean {
  return term.letters.filter((l) => l === 'Y').length % 2 === 0;
}

// ---------------------------------------------------------------------------------------------
// Parsing

function show(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? s.slice(0, 37) + '...' : s;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Record<string, unknown>, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;
/** A key as it appears in a place: bare when it is an identifier, else quoted. */
const keyPart = (k: string): string => (IDENTIFIER.test(k) ? k : JSON.stringify(k));

interface Scope {
  /** names an expression may use, in the order to list them */
  parameters: string[];
  derived: string[];
  /** derived names not yet defined (for derived expressions); they get their own message */
  later?: { has(name: string): boolean };
  self?: string;
  /** jump rates: emission/absorption calls and w_lindblad */
  rates: boolean;
}

/**
 * Parses a system definition; throws InputError with ONE line `${where}: ${place}: ${problem}`.
 * `qubits`: the sizes accepted (a user's file: LOADABLE_QUBITS, every size 1 to 4; tests narrow it).
 */
export function parseSystem(json: unknown, where: string, qubits: readonly number[] = LOADABLE_QUBITS): SystemDefinition {
  const fail = (place: string, problem: string): never => {
    throw new InputError(`${where}: ${place ? `${place}: ` : ''}${problem}`.replace(/[\r\n]+/g, ' '));
  };
  if (!isObject(json)) return fail('', `must be a JSON object with keys ${TOP_KEYS.join(', ')} (got ${show(json)})`);
  const top = json;
  rejectUnknown('', top, TOP_KEYS, fail);

  // name, description
  if (!has(top, 'name')) fail('', 'missing "name"');
  if (typeof top.name !== 'string' || !SYSTEM_NAME.test(top.name)) fail('name', `must be a string of letters, digits, "_", "." and "-" (got ${show(top.name)})`);
  if (has(top, 'description') && typeof top.description !== 'string') fail('description', `must be a string (got ${show(top.description)})`);

  // parameters
  if (!has(top, 'parameters')) fail('', 'missing "parameters"');
  if (!isObject(top.parameters) || Object.keys(top.parameters).length === 0) {
    fail('parameters', `must be a non-empty object such as {"F": {"default": 0.5, "unit": "lambda", "doc": "driving strength"}} (got ${show(top.parameters)})`);
  }
  const parameters: ParameterDef[] = [];
  for (const [name, spec] of Object.entries(top.parameters as Record<string, unknown>)) {
    const place = `parameters.${keyPart(name)}`;
    checkName(place, name, fail);
    if (!isObject(spec)) fail(place, `must be an object such as {"default": 1, "unit": "lambda", "doc": "..."} (got ${show(spec)})`);
    const p = spec as Record<string, unknown>;
    rejectUnknown(place, p, PARAMETER_KEYS, fail);
    if (!has(p, 'default')) fail(place, 'missing "default"');
    if (typeof p.default !== 'number' || !Number.isFinite(p.default)) fail(`${place}.default`, `must be a finite number (got ${show(p.default)})`);
    for (const k of ['unit', 'doc']) if (has(p, k) && typeof p[k] !== 'string') fail(`${place}.${k}`, `must be a string (got ${show(p[k])})`);
    parameters.push({ name, default: p.default as number, unit: (p.unit as string | undefined) ?? '', doc: (p.doc as string | undefined) ?? '' });
  }
  if (parameters.length > MAX_SYSTEM_PARAMETERS) fail('parameters', `at most ${MAX_SYSTEM_PARAMETERS} parameters (the kernels' parameter row has room for ${MAX_SYSTEM_PARAMETERS}; got ${parameters.length})`);
  const parameterNames = parameters.map((p) => p.name);

  // derived: each may use parameters and earlier derived names
  const derived: DerivedDef[] = [];
  if (has(top, 'derived')) {
    if (!isObject(top.derived)) fail('derived', `must be an object of name -> expression, such as {"Delta": "Delta1 - Delta2"} (got ${show(top.derived)})`);
    const entries = Object.entries(top.derived as Record<string, unknown>);
    if (entries.length > MAX_DERIVED_NAMES) fail('derived', `at most ${MAX_DERIVED_NAMES} derived names (got ${entries.length})`);
    const allDerived = new Set(entries.map(([n]) => n));
    // the names defined so far, grown one at a time (a fresh list per name was quadratic: 97 s for 20,000)
    const earlier: string[] = [];
    const later = { has: (n: string) => allDerived.has(n) && !earlier.includes(n) };
    for (const [name, value] of entries) {
      const place = `derived.${keyPart(name)}`;
      checkName(place, name, fail);
      if (parameterNames.includes(name)) fail(place, 'name already used by a parameter');
      // an expression, or {expr, sets?, unit?, doc?}
      const entry: Record<string, unknown> = isObject(value) ? value : { expr: value };
      if (isObject(value)) {
        const unknownKey = Object.keys(entry).find((k) => !DERIVED_KEYS.includes(k));
        if (unknownKey !== undefined) fail(place, `unknown key ${JSON.stringify(unknownKey)} (allowed: ${DERIVED_KEYS.join(', ')})`);
        if (!has(entry, 'expr')) fail(place, 'missing "expr"');
        for (const k of ['unit', 'doc']) if (has(entry, k) && typeof entry[k] !== 'string') fail(`${place}.${k}`, `must be a string (got ${show(entry[k])})`);
      }
      const { node, text } = parseExpression(isObject(value) ? `${place}.expr` : place, entry.expr, fail);
      checkExpression(place, node, { parameters: parameterNames, derived: earlier, later, self: name, rates: false }, 0, fail);
      let sets: string[] | undefined;
      if (has(entry, 'sets')) {
        const list = entry.sets;
        if (!Array.isArray(list) || list.length === 0 || list.some((n) => typeof n !== 'string' || !parameterNames.includes(n)) || new Set(list).size !== list.length) {
          fail(`${place}.sets`, `must be a non-empty array of distinct parameter names, such as ["T1", "T2"] (got ${show(list)})`);
        }
        sets = list as string[];
        // setting the name sets each of them to the value: reading it back must give that value
        for (const v of [0.5, 2]) {
          const back = evaluate(node, (n) => (sets!.includes(n) ? v : (parameters.find((p) => p.name === n)?.default ?? Number.NaN)));
          if (!(Math.abs(back - v) <= 1e-12 * Math.abs(v))) fail(`${place}.sets`, `with ${sets.join(' = ')} = ${v}, ${text} reads ${back}, not ${v}: a name that sets parameters must read back the value it set`);
        }
      }
      derived.push({ name, expr: node, text, ...(sets ? { sets } : {}), unit: (entry.unit as string | undefined) ?? '', doc: (entry.doc as string | undefined) ?? '' });
      earlier.push(name);
    }
  }
  const derivedNames = derived.map((d) => d.name);
  const scope: Scope = { parameters: parameterNames, derived: derivedNames, rates: false };

  // values at the defaults, for the numeric checks
  const defaults = new Map<string, number>(parameters.map((p) => [p.name, p.default]));
  for (const d of derived) defaults.set(d.name, evaluate(d.expr, (n) => defaults.get(n)!));
  const atDefaults = (node: Node): number => evaluate(node, (n) => defaults.get(n)!);

  const size: SystemSize = { accepted: qubits };
  if (has(top, 'qubits')) {
    const n = top.qubits;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_QUBITS) fail('qubits', `must be a whole number of qubits from 1 to ${MAX_QUBITS} (got ${show(n)})`);
    if (!qubits.includes(n as number)) fail('qubits', `systems of ${qubits.join(' or ')} qubits can be loaded (got ${n})`);
    size.qubits = n as number;
    size.declared = true;
  }
  const operator = (place: string, value: unknown, hermitian: boolean, sizeOf: SystemSize = size, constant = false): OperatorTerm[] => {
    if (!isObject(value) || Object.keys(value).length === 0) {
      fail(place, `must be a non-empty object of Pauli strings -> coefficient expressions, such as {"XI": "1"} (got ${show(value)})`);
    }
    const terms: OperatorTerm[] = [];
    for (const [label, coef] of Object.entries(value as Record<string, unknown>)) {
      const termPlace = `${place}.${JSON.stringify(label)}`;
      const letters = parseLabel(termPlace, label, sizeOf, fail);
      const { node, text } = parseExpression(termPlace, coef, fail);
      if (constant && constantValue(node) === undefined) fail(termPlace, `must be a constant such as "1/2": the battery's Hamiltonian does not depend on the point (got ${text})`);
      checkExpression(termPlace, node, scope, 0, fail);
      const v = atDefaults(node);
      if (!Number.isFinite(v)) fail(termPlace, `coefficient ${text} is ${v} at the parameter defaults`);
      terms.push({ label, letters, coefficient: node, text });
    }
    if (hermitian) checkHermitian(place, terms, atDefaults, fail);
    return terms;
  };

  // hamiltonian (P/M allowed in conjugate pairs with equal coefficients, as for couplings)
  if (!has(top, 'hamiltonian')) fail('', 'missing "hamiltonian"');
  const hamiltonian = operator('hamiltonian', top.hamiltonian, true);

  // reservoirs
  if (!has(top, 'reservoirs')) fail('', 'missing "reservoirs"');
  if (!Array.isArray(top.reservoirs) || top.reservoirs.length === 0 || top.reservoirs.length > MAX_RESERVOIRS) {
    fail('reservoirs', `must be a non-empty array of at most ${MAX_RESERVOIRS} reservoirs (got ${Array.isArray(top.reservoirs) ? `${top.reservoirs.length} entries` : show(top.reservoirs)})`);
  }
  const reservoirs: ReservoirDef[] = (top.reservoirs as unknown[]).map((r, i) => {
    const place = `reservoirs[${i}]`;
    if (!isObject(r)) fail(place, `must be an object with keys ${RESERVOIR_KEYS.join(', ')} (got ${show(r)})`);
    const res = r as Record<string, unknown>;
    rejectUnknown(place, res, RESERVOIR_KEYS, fail);
    for (const k of ['coupling', 'statistics', 'T', 'spectral_density']) if (!has(res, k)) fail(place, `missing "${k}"`);
    const coupling = operator(`${place}.coupling`, res.coupling, true);
    const statistics = choice(`${place}.statistics`, res.statistics, STATISTICS, fail);
    const expr = (key: string, value: unknown): Node => {
      const { node } = parseExpression(key, value, fail);
      checkExpression(key, node, scope, 0, fail);
      return node;
    };
    const T = expr(`${place}.T`, res.T);
    const mu = has(res, 'mu') ? expr(`${place}.mu`, res.mu) : num(0);
    const sdPlace = `${place}.spectral_density`;
    if (!isObject(res.spectral_density)) fail(sdPlace, `must be an object such as {"kind": "ohmic", "alpha": "alpha1", "omega_c": "omega_c", "s": "1"} (got ${show(res.spectral_density)})`);
    const sd = res.spectral_density as Record<string, unknown>;
    if (!has(sd, 'kind')) fail(sdPlace, 'missing "kind"');
    const kind = choice(`${sdPlace}.kind`, sd.kind, SPECTRAL_DENSITY_KINDS, fail);
    if (kind === 'drude-lorentz' && has(sd, 's')) fail(`${sdPlace}.s`, 'only for kind ohmic (drude-lorentz has no exponent s)');
    rejectUnknown(sdPlace, sd, SPECTRAL_KEYS[kind], fail);
    for (const k of ['alpha', 'omega_c']) if (!has(sd, k)) fail(sdPlace, `missing "${k}"`);
    const alpha = expr(`${sdPlace}.alpha`, sd.alpha);
    const omega_c = expr(`${sdPlace}.omega_c`, sd.omega_c);
    const s = has(sd, 's') ? expr(`${sdPlace}.s`, sd.s) : num(1);
    const sConst = constantValue(s);
    // J(w) ~ w^s must vanish at w = 0; s <= 0 is no spectral density (an s that depends on parameters can only be checked per point)
    if (sConst !== undefined && !(sConst > 0)) fail(`${sdPlace}.s`, `the Ohmic exponent must be > 0 (got ${sConst})`);
    return { index: i + 1, coupling, statistics, T, mu, spectralDensity: { kind, alpha, omega_c, s } };
  });

  // jumps (Lindblad): any operator; rates may call emission(k, w), absorption(k, w) and use w_lindblad
  const jumps: JumpDef[] = [];
  if (has(top, 'jumps')) {
    if (!Array.isArray(top.jumps)) fail('jumps', `must be an array such as [{"op": {"MI": "1"}, "rate": "emission(1, w_lindblad)"}] (got ${show(top.jumps)})`);
    (top.jumps as unknown[]).forEach((j, i) => {
      const place = `jumps[${i}]`;
      if (!isObject(j)) fail(place, `must be an object with keys ${JUMP_KEYS.join(', ')} (got ${show(j)})`);
      const jump = j as Record<string, unknown>;
      rejectUnknown(place, jump, JUMP_KEYS, fail);
      for (const k of JUMP_KEYS) if (!has(jump, k)) fail(place, `missing "${k}"`);
      const op = operator(`${place}.op`, jump.op, false);
      const { node } = parseExpression(`${place}.rate`, jump.rate, fail);
      checkExpression(`${place}.rate`, node, { ...scope, rates: true }, reservoirs.length, fail);
      jumps.push({ index: i + 1, op, rate: node });
    });
  }

  const blochRedfieldCoupling = has(top, 'bloch_redfield_coupling') ? choice('bloch_redfield_coupling', top.bloch_redfield_coupling, BLOCH_REDFIELD_COUPLINGS, fail) : 'full';

  // battery: qubits from 1 (default the last), H_B on them in that order (default Z/2 on each)
  const n = hamiltonian[0].letters.length;
  const battery = top.battery;
  if (has(top, 'battery') && !isObject(battery)) fail('battery', `must be an object such as {"qubits": [2, 3], "hamiltonian": {"ZI": "1/2", "IZ": "1/2"}} (got ${show(battery)})`);
  const declared = (battery ?? {}) as Record<string, unknown>;
  rejectUnknown('battery', declared, BATTERY_KEYS, fail);
  const cells = has(declared, 'qubits') ? declared.qubits : [n];
  if (!Array.isArray(cells) || cells.length === 0 || cells.some((q) => !Number.isInteger(q))) {
    fail('battery.qubits', `must be a non-empty array of qubit numbers from 1 to ${n}, such as [${n}] (got ${show(cells)})`);
  }
  const batteryQubits = cells as number[];
  const outside = batteryQubits.find((q) => q < 1 || q > n);
  if (outside !== undefined) fail('battery.qubits', `qubit ${outside} is out of range (this system has qubits 1 to ${n})`);
  const repeated = batteryQubits.find((q, i) => batteryQubits.indexOf(q) !== i);
  if (repeated !== undefined) fail('battery.qubits', `qubit ${repeated} is repeated`);
  const m = batteryQubits.length;
  const cellSize: SystemSize = { accepted: [m], battery: batteryQubits };
  const batteryHamiltonian = has(declared, 'hamiltonian')
    ? operator('battery.hamiltonian', declared.hamiltonian, true, cellSize, true)
    : batteryQubits.map((_, k): OperatorTerm => {
        const letters = Array.from({ length: m }, (_, j): PauliLetter => (j === k ? 'Z' : 'I'));
        return { label: letters.join(''), letters, coefficient: parseExpr(DEFAULT_CELL_ENERGY), text: DEFAULT_CELL_ENERGY };
      });
  const batteryMatrix = operatorMatrix(batteryHamiltonian, (t) => constantValue(t.coefficient)!);
  const isDefault = m === 1 && batteryQubits[0] === n && batteryMatrix.im.every((x) => x === 0) && [0.5, 0, 0, -0.5].every((x, k) => batteryMatrix.re[k] === x);

  const allTerms = [...hamiltonian, ...reservoirs.flatMap((r) => r.coupling), ...jumps.flatMap((j) => j.op)];
  return {
    ...dimensionOf(n),
    name: top.name as string,
    description: (top.description as string | undefined) ?? '',
    parameters,
    derived,
    hamiltonian,
    reservoirs,
    jumps,
    blochRedfieldCoupling,
    battery: { qubits: batteryQubits, hamiltonian: batteryHamiltonian, matrix: batteryMatrix, isDefault },
    real: allTerms.every(isRealTerm),
    json: structuredClone(top),
  };
}

type Fail = (place: string, problem: string) => never;

function num(value: number): Node {
  return { kind: 'num', value };
}

function rejectUnknown(place: string, o: Record<string, unknown>, allowed: readonly string[], fail: Fail): void {
  const unknown = Object.keys(o).filter((k) => !allowed.includes(k));
  if (unknown.length) fail(place, `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')} (allowed: ${allowed.join(', ')})`);
}

function choice<T extends string>(place: string, v: unknown, choices: readonly T[], fail: Fail): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) {
    fail(place, typeof v === 'string' ? `unknown ${show(v)} (expected ${choices.join(', ')})` : `must be one of the strings ${choices.join(', ')} (got ${show(v)})`);
  }
  return v as T;
}

function checkName(place: string, name: string, fail: Fail): void {
  if (!IDENTIFIER.test(name)) fail(place, 'not a valid name (letters, digits and "_", not starting with a digit)');
  // every plain object has these (a lookup by name would find a function): refused up front
  if (name in Object.prototype) fail(place, `name clashes with a property every JavaScript object has (${name}); choose another name`);
  const reserved = Object.prototype.hasOwnProperty.call(RESERVED, name) ? RESERVED[name] : undefined;
  if (reserved) fail(place, `name clashes with a built-in ${reserved.what} (${reserved.why})`);
}

/** The number of qubits: "qubits" where given, else the length of the first Pauli string, which every other string must have. */
interface SystemSize {
  accepted: readonly number[];
  qubits?: number;
  /** true when "qubits" stated it */
  declared?: boolean;
  /** the battery's qubits, for the strings of its Hamiltonian (one letter per battery qubit) */
  battery?: readonly number[];
}

function parseLabel(place: string, label: string, size: SystemSize, fail: Fail): PauliLetter[] {
  for (const c of label) {
    if (!(PAULI_LETTERS as readonly string[]).includes(c)) fail(place, `unknown Pauli letter ${JSON.stringify(c)} (expected ${PAULI_LETTERS.join(', ')})`);
  }
  if (size.battery) {
    if (label.length !== size.battery.length) fail(place, `a string of the battery's Hamiltonian has one letter per battery qubit: ${size.battery.length} for qubits [${size.battery.join(', ')}] (got ${label.length})`);
    return [...label] as PauliLetter[];
  }
  if (label.length > MAX_QUBITS) fail(place, `a system has at most ${MAX_QUBITS} qubits: a Pauli string has at most ${MAX_QUBITS} letters (got ${label.length})`);
  if (!size.accepted.includes(label.length)) {
    const two = size.accepted.length === 1 && size.accepted[0] === 2;
    fail(place, `a Pauli string has ${two ? 'exactly 2 letters, the first on qubit 1 and the second on qubit 2' : `${size.accepted.join(' or ')} letters, the first on qubit 1`} (got ${label.length})`);
  }
  size.qubits ??= label.length;
  if (label.length !== size.qubits) {
    fail(place, `every Pauli string of a system has the same length: ${size.declared ? `"qubits" is ${size.qubits}` : `this system's first has ${size.qubits} letters`} (got ${label.length})`);
  }
  return [...label] as PauliLetter[];
}

function parseExpression(place: string, value: unknown, fail: Fail): { node: Node; text: string } {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return fail(place, `must be an expression string or a finite number (got ${show(value)})`);
  try {
    return { node: parseExpr(text), text };
  } catch (e) {
    if (e instanceof ExprLimitError) return fail(place, e.message);
    if (e instanceof ExprSyntaxError) return fail(place, `syntax error at column ${e.column}: ${e.message}`);
    throw e;
  }
}

/** Names must be in scope; calls must be math functions (or, in jump rates, emission/absorption of an existing reservoir) with the right arity. */
function checkExpression(place: string, node: Node, scope: Scope, reservoirCount: number, fail: Fail): void {
  // (no set of every name per expression: that made checking n derived names take n^2 steps)
  const known = (name: string) => scope.parameters.includes(name) || scope.derived.includes(name) || (scope.rates && name === LINDBLAD_FREQUENCY_NAME);
  for (const [name, col] of freeNames(node)) {
    if (known(name)) continue;
    if (name === scope.self) fail(place, `"${name}" at column ${col} refers to itself`);
    if (scope.later?.has(name)) fail(place, `"${name}" at column ${col} is defined later (a derived name may use parameters and earlier derived names only)`);
    const lists = [`parameters: ${scope.parameters.join(', ')}`];
    if (scope.derived.length) lists.push(`derived: ${scope.derived.join(', ')}`);
    if (scope.rates) lists.push(`and ${LINDBLAD_FREQUENCY_NAME}`);
    fail(place, `unknown name "${name}" at column ${col} (${lists.join('; ')})`);
  }
  const calls: Extract<Node, { kind: 'call' }>[] = [];
  walk(node, (n) => {
    if (n.kind === 'call') calls.push(n);
  });
  calls.sort((a, b) => a.col - b.col);
  const functions = [...Object.keys(MATH_FUNCTIONS), ...(scope.rates ? Object.keys(RATE_FUNCTIONS) : [])];
  for (const call of calls) {
    const at = `${call.fn} at column ${call.col}`;
    if (isMathFunction(call.fn)) {
      const arity = MATH_FUNCTIONS[call.fn];
      if (call.args.length !== arity) fail(place, `${at} takes ${arity} argument${arity === 1 ? '' : 's'} (got ${call.args.length})`);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(RATE_FUNCTIONS, call.fn)) {
      if (!scope.rates) fail(place, `${at}: ${call.fn}(k, w) is only allowed in jump rates`);
      if (call.args.length !== RATE_FUNCTIONS[call.fn]) fail(place, `${at} takes 2 arguments, a reservoir index and a frequency (got ${call.args.length})`);
      const k = constantValue(call.args[0]);
      if (k === undefined || !Number.isInteger(k)) fail(place, `${at}: the reservoir index must be a constant integer (got ${formatExpr(call.args[0])})`);
      if (k! < 1 || k! > reservoirCount) fail(place, `${at}: no reservoir ${k} (reservoirs are numbered 1 to ${reservoirCount})`);
      continue;
    }
    fail(place, `unknown function "${call.fn}" at column ${call.col} (functions: ${functions.join(', ')})`);
  }
}

function describeLabel(letters: readonly PauliLetter[]): string {
  const acting = letters.filter((l) => l !== 'I');
  return acting.length === 0 ? LETTER_NAME.I : acting.map((l) => LETTER_NAME[l]).join(' (x) ');
}

/**
 * Coefficients are real, so I/X/Y/Z terms are Hermitian; a term with P or M needs its conjugate
 * (P <-> M) with the same coefficient expression. Then, as a second check, A = A^+ numerically at
 * the parameter defaults.
 */
function checkHermitian(place: string, terms: OperatorTerm[], atDefaults: (n: Node) => number, fail: Fail): void {
  const byLabel = new Map(terms.map((t) => [t.label, t]));
  for (const t of terms) {
    const conj = t.letters.map((l) => CONJUGATE_LETTER[l]).join('');
    if (conj === t.label) continue;
    const partner = byLabel.get(conj);
    if (!partner) fail(place, `not Hermitian ("${t.label}" alone is ${describeLabel(t.letters)}; add its conjugate "${conj}")`);
    if (formatExpr(partner!.coefficient) !== formatExpr(t.coefficient)) {
      fail(place, `not Hermitian ("${t.label}" has coefficient ${t.text} but its conjugate "${conj}" has ${partner!.text}; write the same expression for both)`);
    }
  }
  const m = operatorMatrix(terms, (t) => atDefaults(t.coefficient));
  const n = 2 ** terms[0].letters.length;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      worst = Math.max(worst, Math.abs(m.re[i * n + j] - m.re[j * n + i]), Math.abs(m.im[i * n + j] + m.im[j * n + i]));
      scale = Math.max(scale, Math.abs(m.re[i * n + j]), Math.abs(m.im[i * n + j]));
    }
  }
  if (worst > 1e-12 * Math.max(1, scale)) fail(place, `not Hermitian at the parameter defaults (largest |A - A^+| entry ${worst})`);
}

// ---------------------------------------------------------------------------------------------
// Files

/** Reads and parses a system file; InputError for a missing file or bad JSON (with line and column). */
export function loadSystemFile(path: string): SystemDefinition {
  const where = `system file ${path}`;
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_JSON_FILE_BYTES) throw new InputError(`${where}: ${size} bytes, more than the ${MAX_JSON_FILE_BYTES} a system file may have`);
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, ''); // editors on Windows may write a byte-order mark
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${where}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (code ?? String(e))})`);
  }
  checkJsonText(text, where);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${where}: not valid JSON: ${jsonErrorText(text, (e as Error).message)}`);
  }
  // JSON.parse keeps only the last of repeated keys; a repeated "XX" term would vanish silently
  const duplicate = locateJsonError(text, { duplicateKeys: true });
  if (duplicate) throw new InputError(`${where}: ${lineColumn(text, duplicate.offset)}: ${duplicate.problem}`);
  return parseSystem(json, where);
}

/** "line 3, column 16: expected ":" after a key": where JSON.parse failed, found by a small scanner (V8's messages do not always carry a position). */
function jsonErrorText(text: string, message: string): string {
  const found = locateJsonError(text);
  if (!found) return message.replace(/[\r\n]+/g, ' ');
  return `${lineColumn(text, found.offset)}: ${found.problem}`;
}


/** The first syntax error of a JSON text (RFC 8259), or undefined if it has none; with duplicateKeys, a key repeated within one object counts as an error. */
export function locateJsonError(text: string, options: { duplicateKeys?: boolean } = {}): { offset: number; problem: string } | undefined {
  let i = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly problem: string,
    ) {}
  }
  const stop = (problem: string, at = i): never => {
    throw new Stop(at, problem);
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const found = (): string => (i >= text.length ? 'end of file' : JSON.stringify(text[i]));
  const expect = (c: string, what: string): void => {
    ws();
    if (text[i] !== c) stop(`expected "${c}" ${what} (found ${found()})`);
    i++;
  };
  const string = (): void => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) stop('control character in a string (escape it, e.g. \\n)');
      if (text[i] === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) stop('bad \\u escape in a string');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) stop(`bad escape \\${e ?? ''} in a string`);
        i += 2;
        continue;
      }
      i++;
    }
    if (i >= text.length) stop('unterminated string', start);
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (text[i] !== '"') stop(`expected a double-quoted key (found ${found()})`);
        const keyStart = i;
        string();
        if (options.duplicateKeys) {
          const key = JSON.parse(text.slice(keyStart, i)) as string;
          if (keys.has(key)) stop(`duplicate key ${JSON.stringify(key)} (each key may appear once in an object; JSON would keep only the last)`, keyStart);
          keys.add(key);
        }
        expect(':', 'after a key');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        stop(`expected "," or "}" after a value (found ${found()})`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        stop(`expected "," or "]" after a value (found ${found()})`);
      }
    }
    if (c === '"') return string();
    const number = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
    if (number && number[0] !== '-' && number[0] !== '') {
      i += number[0].length;
      return;
    }
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return;
      }
    }
    stop(i >= text.length ? 'unexpected end of file' : `unexpected ${found()} (expected a value)`);
  };
  try {
    value();
    ws();
    if (i < text.length) stop(`unexpected ${found()} after the end of the JSON value`);
  } catch (e) {
    if (e instanceof Stop) return { offset: e.offset, problem: e.problem };
    throw e;
  }
  return undefined;
}
