// System definitions: the built-in files parse, operator matrices follow MODEL.md's basis and
// signs, and every kind of bad system file gets its exact one-line message.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/model/params.js';
import { type OperatorTerm, RESERVED_NAMES, type SystemDefinition, loadSystemFile, locateJsonError, operatorMatrix, parseSystem } from '../../src/system/definition.js';
import { constantValue, evaluate, formatExpr, parseExpr } from '../../src/system/expr.js';

const SYSTEMS_DIR = join(import.meta.dirname, '../../systems');
const WHERE = 'system file my.json';

/** A small valid system (the XXZ example); each error test breaks one thing in a copy. */
function base(): Record<string, any> {
  return {
    name: 'xxz-charger-battery',
    description: 'charger (qubit 1) and battery (qubit 2) with XXZ exchange, drive on the charger',
    parameters: {
      Delta1: { default: 0, unit: 'lambda', doc: 'charger detuning' },
      Delta2: { default: 0, unit: 'lambda' },
      J: { default: 1 },
      Jz: { default: 0.5 },
      F: { default: 0.5 },
      alpha1: { default: 0.1 },
      alpha2: { default: 0.1 },
      omega_c: { default: 5 },
      T1: { default: 1 },
      T2: { default: 1 },
    },
    derived: { Delta: 'Delta1 - Delta2' },
    hamiltonian: { ZI: 'Delta1/2', IZ: 'Delta2/2', XX: 'J/2', YY: 'J/2', ZZ: 'Jz', XI: 'F/2' },
    reservoirs: [
      { coupling: { XI: '1' }, statistics: 'boson', T: 'T1', spectral_density: { kind: 'ohmic', alpha: 'alpha1', omega_c: 'omega_c', s: '1' } },
      { coupling: { IX: '1' }, statistics: 'boson', T: 'T2', spectral_density: { kind: 'ohmic', alpha: 'alpha2', omega_c: 'omega_c', s: '1' } },
    ],
  };
}

/** The message parseSystem gives for a copy of base() changed by `edit`; it must be an InputError of one line. */
function errorOf(edit: (s: Record<string, any>) => unknown): string {
  const s = base();
  const replaced = edit(s);
  try {
    parseSystem(replaced === undefined ? s : replaced, WHERE);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const message = (e as Error).message;
    expect(message).not.toMatch(/[\r\n]/);
    return message;
  }
  throw new Error('parsed without error');
}

const PARAMS = 'parameters: Delta1, Delta2, J, Jz, F, alpha1, alpha2, omega_c, T1, T2';

/** A 4x4 entry (row, column) of an operator as [re, im]. */
const entry = (m: { re: Float64Array; im: Float64Array }, r: number, c: number): [number, number] => [m.re[r * 4 + c], m.im[r * 4 + c]];
const matrixOf = (terms: Record<string, string>): { re: Float64Array; im: Float64Array } => {
  const s = base();
  s.hamiltonian = terms;
  const sys = parseSystem(s, WHERE);
  return operatorMatrix(sys.hamiltonian, (t: OperatorTerm) => evaluate(t.coefficient, () => NaN));
};
/** Every entry of m except the listed ones is exactly 0. */
function expectOnly(m: { re: Float64Array; im: Float64Array }, nonzero: [number, number, number, number][]): void {
  const expected = { re: new Float64Array(16), im: new Float64Array(16) };
  for (const [r, c, re, im] of nonzero) {
    expected.re[r * 4 + c] = re;
    expected.im[r * 4 + c] = im;
  }
  expect([...m.re]).toEqual([...expected.re]);
  expect([...m.im]).toEqual([...expected.im]);
}

describe('built-in system files', () => {
  const files = readdirSync(SYSTEMS_DIR).filter((f) => f.endsWith('.json')).sort();

  it('are the three of issue 10 and the two of issue 20', () => {
    expect(files).toEqual(['central-spin.json', 'charger-two-cells.json', 'common-bath.json', 'wang2023.json', 'xxz.json']);
  });

  // the physics QuTiP 4.7 checks (test/data/qutip-nqubits.json): the built-ins add names and docs, nothing else
  it.each([
    ['charger-two-cells.json', 'n3-charger-two-cells.json', 3, [2, 3]],
    ['central-spin.json', 'n4-central-spin.json', 4, [2, 3, 4]],
  ] as const)('%s is the QuTiP-checked test/data/systems/%s', (file, reference, qubits, battery) => {
    const sys = loadSystemFile(join(SYSTEMS_DIR, file));
    const ref = loadSystemFile(join(SYSTEMS_DIR, '..', 'test', 'data', 'systems', reference));
    expect([sys.qubits, sys.battery.qubits]).toEqual([qubits, battery]);
    const physics = (s: typeof sys) => ({
      defaults: s.parameters.map((p) => [p.name, p.default]),
      hamiltonian: s.json.hamiltonian,
      reservoirs: s.json.reservoirs,
      battery: s.battery.matrix,
      jumps: s.json.jumps,
      coupling: s.blochRedfieldCoupling,
    });
    expect(physics(sys)).toEqual(physics(ref));
  });

  it.each(files)('%s parses, is real, and its name matches the file', (file) => {
    const sys = loadSystemFile(join(SYSTEMS_DIR, file));
    expect(sys.name).toBe(file.replace(/\.json$/, ''));
    expect(sys.real).toBe(true);
    expect(sys.reservoirs.length).toBeGreaterThan(0);
    expect(sys.json.name).toBe(sys.name);
  });

  it('wang2023 is the paper system with its keys', () => {
    const sys = loadSystemFile(join(SYSTEMS_DIR, 'wang2023.json'));
    expect(sys.parameters.map((p) => p.name)).toEqual(['Delta1', 'Delta2', 'F', 'lambda', 'alpha1', 'alpha2', 'omega_c', 'T1', 'T2', 'mu1', 'mu2']);
    expect(sys.blochRedfieldCoupling).toBe('transitions');
    expect(sys.hamiltonian.map((t) => `${t.label}=${formatExpr(t.coefficient)}`)).toEqual(['ZI=Delta1 / 2', 'IZ=Delta2 / 2', 'XX=lambda / 2', 'YY=lambda / 2', 'XI=F / 2']);
    expect(sys.reservoirs.map((r) => [r.index, r.statistics, formatExpr(r.T), formatExpr(r.mu), r.spectralDensity.kind, formatExpr(r.spectralDensity.s)])).toEqual([
      [1, 'boson', 'T1', 'mu1', 'ohmic', '1'],
      [2, 'boson', 'T2', 'mu2', 'ohmic', '1'],
    ]);
    // the phenomenological Eq. (4): sigma_+- of each qubit at the rates of its own reservoir at w*
    expect(sys.jumps.map((j) => `${j.op.map((t) => t.label).join('+')}: ${formatExpr(j.rate)}`)).toEqual([
      'PI: absorption(1, w_lindblad)',
      'MI: emission(1, w_lindblad)',
      'IP: absorption(2, w_lindblad)',
      'IM: emission(2, w_lindblad)',
    ]);
  });

  it('xxz and common-bath: derived names, defaults for absent keys', () => {
    const xxz = loadSystemFile(join(SYSTEMS_DIR, 'xxz.json'));
    expect(xxz.derived.map((d) => `${d.name}=${formatExpr(d.expr)}`)).toEqual(['Delta=Delta1 - Delta2', 'Tbar=(T1 + T2) / 2', 'dT=T1 - T2']);
    expect(xxz.blochRedfieldCoupling).toBe('full');
    expect(xxz.reservoirs[0].mu).toEqual({ kind: 'num', value: 0 });
    const common = loadSystemFile(join(SYSTEMS_DIR, 'common-bath.json'));
    expect(common.reservoirs).toHaveLength(1);
    expect(common.reservoirs[0].coupling.map((t) => `${t.label}=${t.text}`)).toEqual(['XI=g1', 'IX=g2']);
  });
});

describe('operator matrices in the basis {ee, eg, ge, gg}, |e> = (1, 0)', () => {
  it('XX/2 + YY/2 = s+ s- + s- s+ (the XY exchange |eg><ge| + |ge><eg|)', () => {
    expectOnly(matrixOf({ XX: '1/2', YY: '1/2' }), [[1, 2, 1, 0], [2, 1, 1, 0]]);
  });

  it('PM + MP written with sigma_+/- is the same matrix', () => {
    expectOnly(matrixOf({ PM: '1', MP: '1' }), [[1, 2, 1, 0], [2, 1, 1, 0]]);
  });

  it('P on qubit 1 is |e><g| (x) 1: entries [0][2] and [1][3]', () => {
    const s = base();
    s.jumps = [{ op: { PI: '1' }, rate: '1' }];
    const sys = parseSystem(s, WHERE);
    expectOnly(operatorMatrix(sys.jumps[0].op, () => 1), [[0, 2, 1, 0], [1, 3, 1, 0]]);
  });

  it('M on qubit 2 is 1 (x) |g><e|: ee -> eg, ge -> gg', () => {
    const s = base();
    s.jumps = [{ op: { IM: '2' }, rate: '1' }];
    const sys = parseSystem(s, WHERE);
    expectOnly(operatorMatrix(sys.jumps[0].op, (t) => evaluate(t.coefficient, () => NaN)), [[1, 0, 2, 0], [3, 2, 2, 0]]);
  });

  it('sigma_y = [[0, -i], [i, 0]] on (e, g): Y|e> = i|g>', () => {
    // YI: |eg> (1) -> i|gg> (3), |gg> -> -i|eg>, |ee> (0) -> i|ge> (2), |ge> -> -i|ee>
    expectOnly(matrixOf({ YI: '1' }), [[3, 1, 0, 1], [1, 3, 0, -1], [2, 0, 0, 1], [0, 2, 0, -1]]);
    // IY: |ee> -> i|eg>
    expectOnly(matrixOf({ IY: '1' }), [[1, 0, 0, 1], [0, 1, 0, -1], [3, 2, 0, 1], [2, 3, 0, -1]]);
    expect(entry(matrixOf({ IY: '1' }), 1, 0)).toEqual([0, 1]);
  });

  it('sigma_z|e> = +|e> and coefficients are evaluated', () => {
    expectOnly(matrixOf({ ZI: 'sqrt(4)', II: '-1' }), [[0, 0, 1, 0], [1, 1, 1, 0], [2, 2, -3, 0], [3, 3, -3, 0]]);
  });

  it('real is false exactly when a term has an odd number of Y letters', () => {
    const real = (edit: (s: Record<string, any>) => void): boolean => {
      const s = base();
      edit(s);
      return parseSystem(s, WHERE).real;
    };
    expect(real(() => {})).toBe(true);
    expect(real((s) => (s.hamiltonian.YI = 'F'))).toBe(false);
    expect(real((s) => (s.reservoirs[0].coupling = { XY: '1', YX: '1' }))).toBe(false);
    expect(real((s) => (s.jumps = [{ op: { YZ: '1' }, rate: '1' }]))).toBe(false);
    expect(real((s) => (s.reservoirs[0].coupling = { YY: '1', PI: '1', MI: '1' }))).toBe(true);
  });
});

describe('accepted forms', () => {
  it('numbers as coefficients, optional keys and their defaults', () => {
    const s = base();
    s.hamiltonian = { ZZ: 0.25, XI: '-F/2' };
    delete s.derived;
    delete s.description;
    s.reservoirs[1] = { coupling: { IX: 1, IZ: '0.5' }, statistics: 'fermion', T: 2, mu: 'Delta1 + 1', spectral_density: { kind: 'drude-lorentz', alpha: 'alpha2', omega_c: '2*omega_c' } };
    const sys: SystemDefinition = parseSystem(s, WHERE);
    expect(sys.description).toBe('');
    expect(sys.derived).toEqual([]);
    expect(sys.hamiltonian[0].text).toBe('0.25');
    expect(sys.parameters[1]).toEqual({ name: 'Delta2', default: 0, unit: 'lambda', doc: '' });
    const r = sys.reservoirs[1];
    expect([r.index, r.statistics, constantValue(r.T), formatExpr(r.mu), r.spectralDensity.kind, constantValue(r.spectralDensity.s)]).toEqual([2, 'fermion', 2, 'Delta1 + 1', 'drude-lorentz', 1]);
    expect(sys.reservoirs[0].spectralDensity.s).toEqual({ kind: 'num', value: 1 });
  });

  it('jump rates may call emission/absorption of an existing reservoir and use w_lindblad', () => {
    const s = base();
    s.jumps = [
      { op: { MI: '1' }, rate: 'emission(1, w_lindblad)' },
      { op: { PI: '1' }, rate: 'absorption(2, sqrt(F^2 + J^2)) + 0*Delta' },
    ];
    const sys = parseSystem(s, WHERE);
    expect(sys.jumps.map((j) => j.index)).toEqual([1, 2]);
    const seen: string[] = [];
    const rate = evaluate(sys.jumps[1].rate, (n) => ({ F: 3, J: 4, Delta: 0 })[n]!, (fn, args) => (seen.push(`${fn}(${args.join(', ')})`), 7));
    expect(rate).toBe(7);
    expect(seen).toEqual(['absorption(2, 5)']);
  });

  it('keeps a deep copy of the JSON as given', () => {
    const s = base();
    const sys = parseSystem(s, WHERE);
    s.parameters.F.default = 99;
    expect((sys.json.parameters as any).F.default).toBe(0.5);
    expect(sys.json).toEqual(base());
  });

  it('reserves the built-in keys, the constant pi and the function names', () => {
    for (const name of ['tau', 'dt', 'model', 'reservoir', 'zero_freq', 'lindblad_freq', 'initial_state', 'theta', 'phi', 'state', 'system', 't', 'w', 'w_lindblad', 'pi', 'sqrt', 'exp', 'log', 'sin', 'cos', 'abs', 'emission', 'absorption']) {
      expect(RESERVED_NAMES).toContain(name);
    }
  });
});

describe('bad system files: one line naming the place', () => {
  const cases: [string, (s: Record<string, any>) => unknown, string][] = [
    // top level
    ['not an object', () => [1, 2], `${WHERE}: must be a JSON object with keys name, description, parameters, derived, hamiltonian, reservoirs, jumps, bloch_redfield_coupling, qubits, battery (got [1,2])`],
    ['unknown top-level key', (s) => void (s.hamiltonain = {}), `${WHERE}: unknown key "hamiltonain" (allowed: name, description, parameters, derived, hamiltonian, reservoirs, jumps, bloch_redfield_coupling, qubits, battery)`],
    ['missing name', (s) => void delete s.name, `${WHERE}: missing "name"`],
    ['bad name', (s) => void (s.name = 'my system'), `${WHERE}: name: must be a string of letters, digits, "_", "." and "-" (got "my system")`],
    ['description not a string', (s) => void (s.description = 3), `${WHERE}: description: must be a string (got 3)`],
    ['missing hamiltonian', (s) => void delete s.hamiltonian, `${WHERE}: missing "hamiltonian"`],
    ['unknown bloch_redfield_coupling', (s) => void (s.bloch_redfield_coupling = 'secular'), `${WHERE}: bloch_redfield_coupling: unknown "secular" (expected full, transitions)`],
    // parameters
    ['empty parameters', (s) => void (s.parameters = {}), `${WHERE}: parameters: must be a non-empty object such as {"F": {"default": 0.5, "unit": "lambda", "doc": "driving strength"}} (got {})`],
    ['parameter default not finite', (s) => void (s.parameters.F.default = 'abc'), `${WHERE}: parameters.F.default: must be a finite number (got "abc")`],
    ['parameter default infinite', (s) => void (s.parameters.F.default = Infinity), `${WHERE}: parameters.F.default: must be a finite number (got Infinity)`],
    ['parameter without default', (s) => void (s.parameters.F = { unit: 'lambda' }), `${WHERE}: parameters.F: missing "default"`],
    ['parameter as a bare number', (s) => void (s.parameters.F = 0.5), `${WHERE}: parameters.F: must be an object such as {"default": 1, "unit": "lambda", "doc": "..."} (got 0.5)`],
    ['parameter unknown key', (s) => void (s.parameters.F.min = 0), `${WHERE}: parameters.F: unknown key "min" (allowed: default, unit, doc)`],
    ['parameter unit not a string', (s) => void (s.parameters.F.unit = 1), `${WHERE}: parameters.F.unit: must be a string (got 1)`],
    ['parameter named tau', (s) => void (s.parameters.tau = { default: 1 }), `${WHERE}: parameters.tau: name clashes with a built-in key (tau is the charging time)`],
    ['parameter named sqrt', (s) => void (s.parameters.sqrt = { default: 1 }), `${WHERE}: parameters.sqrt: name clashes with a built-in function (sqrt is a math function)`],
    ['parameter named pi', (s) => void (s.parameters.pi = { default: 3 }), `${WHERE}: parameters.pi: name clashes with a built-in constant (pi = ${Math.PI})`],
    ['parameter named w_lindblad', (s) => void (s.parameters.w_lindblad = { default: 1 }), `${WHERE}: parameters.w_lindblad: name clashes with a built-in name (w_lindblad is the Lindblad frequency chosen at run time)`],
    ['parameter named t', (s) => void Object.assign(s.parameters, { t: { default: 0 } }), `${WHERE}: parameters.t: name clashes with a built-in name (t is the time)`],
    // they passed once, then failed at the first point with "got function Object()"
    ['parameter named constructor', (s) => void Object.assign(s.parameters, { constructor: { default: 1 } }), `${WHERE}: parameters.constructor: name clashes with a property every JavaScript object has (constructor); choose another name`],
    ['parameter named toString', (s) => void Object.assign(s.parameters, { toString: { default: 1 } }), `${WHERE}: parameters.toString: name clashes with a property every JavaScript object has (toString); choose another name`],
    ['derived named valueOf', (s) => void (s.derived = { valueOf: 'J' }), `${WHERE}: derived.valueOf: name clashes with a property every JavaScript object has (valueOf); choose another name`],
    ['derived named __proto__', (s) => void (s.derived = JSON.parse('{"__proto__": "J"}')), `${WHERE}: derived.__proto__: name clashes with a property every JavaScript object has (__proto__); choose another name`],
    ['parameter name not an identifier', (s) => void (s.parameters['2F'] = { default: 1 }), `${WHERE}: parameters."2F": not a valid name (letters, digits and "_", not starting with a digit)`],
    // derived
    ['derived syntax error', (s) => void (s.derived.Delta = 'Delta1 -)'), `${WHERE}: derived.Delta: syntax error at column 9: unexpected ")"`],
    ['derived empty', (s) => void (s.derived.Delta = ''), `${WHERE}: derived.Delta: syntax error at column 1: empty expression`],
    ['derived unknown name', (s) => void (s.derived.Delta = 'Delta1 - Delta3'), `${WHERE}: derived.Delta: unknown name "Delta3" at column 10 (${PARAMS})`],
    ['derived uses a later name', (s) => void (s.derived = { A: 'B + 1', B: 'F' }), `${WHERE}: derived.A: "B" at column 1 is defined later (a derived name may use parameters and earlier derived names only)`],
    ['derived uses itself', (s) => void (s.derived = { A: '2*A' }), `${WHERE}: derived.A: "A" at column 3 refers to itself`],
    ['derived clashes with a parameter', (s) => void (s.derived = { F: 'J' }), `${WHERE}: derived.F: name already used by a parameter`],
    ['derived named dt', (s) => void (s.derived = { dt: 'J' }), `${WHERE}: derived.dt: name clashes with a built-in key (dt is the integration time step)`],
    // limits (issue 17: 20,000 derived names took 97 s to check; deep expressions overflowed the stack)
    ['257 derived names', (s) => void (s.derived = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`d${i}`, 'J']))), `${WHERE}: derived: at most 256 derived names (got 257)`],
    ['expression of 1001 characters', (s) => void (s.hamiltonian.ZZ = `Jz${' '.repeat(997)}+1`), `${WHERE}: hamiltonian."ZZ": expression of 1001 characters, more than the 1000 allowed`],
    ['65 nested parentheses', (s) => void (s.hamiltonian.ZZ = `${'('.repeat(65)}Jz${')'.repeat(65)}`), `${WHERE}: hamiltonian."ZZ": nested more than 64 levels deep (parentheses, signs, powers and each term of a sum or product count)`],
    ['65 signs', (s) => void (s.derived.Delta = `${'-'.repeat(65)}Delta1`), `${WHERE}: derived.Delta: nested more than 64 levels deep (parentheses, signs, powers and each term of a sum or product count)`],
    ['a flat sum of 65 terms', (s) => void (s.hamiltonian.ZZ = Array(65).fill('Jz').join('+')), `${WHERE}: hamiltonian."ZZ": nested more than 64 levels deep (parentheses, signs, powers and each term of a sum or product count)`],
    ['a flat sum of 2,000 terms', (s) => void (s.hamiltonian.ZZ = Array(2000).fill('J').join('+')), `${WHERE}: hamiltonian."ZZ": expression of 3999 characters, more than the 1000 allowed`],
    ['derived not an object', (s) => void (s.derived = ['Delta1 - Delta2']), `${WHERE}: derived: must be an object of name -> expression, such as {"Delta": "Delta1 - Delta2"} (got ["Delta1 - Delta2"])`],
    // hamiltonian
    ['unknown Pauli letter', (s) => void (s.hamiltonian.QX = '1'), `${WHERE}: hamiltonian."QX": unknown Pauli letter "Q" (expected I, X, Y, Z, P, M)`],
    ['lower-case Pauli letter', (s) => void (s.hamiltonian.xi = '1'), `${WHERE}: hamiltonian."xi": unknown Pauli letter "x" (expected I, X, Y, Z, P, M)`],
    ['three letters among two', (s) => void (s.hamiltonian.XYZ = '1'), `${WHERE}: hamiltonian."XYZ": every Pauli string of a system has the same length: this system's first has 2 letters (got 3)`],
    ['unknown name in the hamiltonian', (s) => void (s.hamiltonian.ZI = 'Delta3/2'), `${WHERE}: hamiltonian."ZI": unknown name "Delta3" at column 1 (${PARAMS}; derived: Delta)`],
    ['coefficient of the wrong type', (s) => void (s.hamiltonian.ZI = true), `${WHERE}: hamiltonian."ZI": must be an expression string or a finite number (got true)`],
    ['coefficient not finite at the defaults', (s) => void (s.hamiltonian.ZI = 'sqrt(-F)'), `${WHERE}: hamiltonian."ZI": coefficient sqrt(-F) is NaN at the parameter defaults`],
    ['unknown function', (s) => void (s.hamiltonian.ZI = 'tanh(F)'), `${WHERE}: hamiltonian."ZI": unknown function "tanh" at column 1 (functions: sqrt, exp, log, sin, cos, abs)`],
    ['math function arity', (s) => void (s.hamiltonian.ZI = 'F + sqrt(F, J)'), `${WHERE}: hamiltonian."ZI": sqrt at column 5 takes 1 argument (got 2)`],
    ['emission outside a jump rate', (s) => void (s.hamiltonian.ZI = 'emission(1, F)'), `${WHERE}: hamiltonian."ZI": emission at column 1: emission(k, w) is only allowed in jump rates`],
    ['w_lindblad outside a jump rate', (s) => void (s.hamiltonian.ZI = 'w_lindblad'), `${WHERE}: hamiltonian."ZI": unknown name "w_lindblad" at column 1 (${PARAMS}; derived: Delta)`],
    ['sigma_+ alone in H', (s) => void (s.hamiltonian.PX = 'F'), `${WHERE}: hamiltonian: not Hermitian ("PX" alone is sigma_+ (x) sigma_x; add its conjugate "MX")`],
    ['conjugate pair with different coefficients', (s) => void Object.assign(s.hamiltonian, { PM: 'J', MP: '2*J' }), `${WHERE}: hamiltonian: not Hermitian ("PM" has coefficient J but its conjugate "MP" has 2*J; write the same expression for both)`],
    ['empty hamiltonian', (s) => void (s.hamiltonian = {}), `${WHERE}: hamiltonian: must be a non-empty object of Pauli strings -> coefficient expressions, such as {"XI": "1"} (got {})`],
    // reservoirs
    ['non-Hermitian coupling', (s) => void (s.reservoirs[1].coupling = { PI: '1' }), `${WHERE}: reservoirs[1].coupling: not Hermitian ("PI" alone is sigma_+; add its conjugate "MI")`],
    ['non-Hermitian coupling on qubit 2', (s) => void (s.reservoirs[0].coupling = { XI: '1', IM: 'alpha1' }), `${WHERE}: reservoirs[0].coupling: not Hermitian ("IM" alone is sigma_-; add its conjugate "IP")`],
    ['unknown letter in a coupling', (s) => void (s.reservoirs[0].coupling = { XS: '1' }), `${WHERE}: reservoirs[0].coupling."XS": unknown Pauli letter "S" (expected I, X, Y, Z, P, M)`],
    ['missing T', (s) => void delete s.reservoirs[0].T, `${WHERE}: reservoirs[0]: missing "T"`],
    ['missing spectral_density', (s) => void delete s.reservoirs[1].spectral_density, `${WHERE}: reservoirs[1]: missing "spectral_density"`],
    ['unknown reservoir key', (s) => void (s.reservoirs[0].temperature = 1), `${WHERE}: reservoirs[0]: unknown key "temperature" (allowed: coupling, statistics, T, mu, spectral_density)`],
    ['statistics not a string', (s) => void (s.reservoirs[0].statistics = 1), `${WHERE}: reservoirs[0].statistics: must be one of the strings boson, fermion (got 1)`],
    ['unknown statistics', (s) => void (s.reservoirs[0].statistics = 'anyon'), `${WHERE}: reservoirs[0].statistics: unknown "anyon" (expected boson, fermion)`],
    ['unknown spectral density', (s) => void (s.reservoirs[0].spectral_density.kind = 'super-ohmic'), `${WHERE}: reservoirs[0].spectral_density.kind: unknown "super-ohmic" (expected ohmic, drude-lorentz)`],
    ['s for drude-lorentz', (s) => void (s.reservoirs[0].spectral_density.kind = 'drude-lorentz'), `${WHERE}: reservoirs[0].spectral_density.s: only for kind ohmic (drude-lorentz has no exponent s)`],
    ['missing alpha', (s) => void delete s.reservoirs[1].spectral_density.alpha, `${WHERE}: reservoirs[1].spectral_density: missing "alpha"`],
    ['unknown spectral key', (s) => void (s.reservoirs[0].spectral_density.gamma = '1'), `${WHERE}: reservoirs[0].spectral_density: unknown key "gamma" (allowed: kind, alpha, omega_c, s)`],
    ['negative Ohmic exponent', (s) => void (s.reservoirs[0].spectral_density.s = '-1'), `${WHERE}: reservoirs[0].spectral_density.s: the Ohmic exponent must be > 0 (got -1)`],
    ['syntax error in T', (s) => void (s.reservoirs[1].T = 'T2 *'), `${WHERE}: reservoirs[1].T: syntax error at column 5: unexpected end of expression`],
    ['unknown name in alpha', (s) => void (s.reservoirs[1].spectral_density.alpha = 'alpha3'), `${WHERE}: reservoirs[1].spectral_density.alpha: unknown name "alpha3" at column 1 (${PARAMS}; derived: Delta)`],
    ['37 parameters', (s) => void Array.from({ length: 37 - Object.keys(s.parameters).length }, (_, i) => (s.parameters[`extra${i}`] = { default: 0 })), `${WHERE}: parameters: at most 36 parameters (the kernels' parameter row has room for 36; got 37)`],
    ['no reservoirs', (s) => void (s.reservoirs = []), `${WHERE}: reservoirs: must be a non-empty array of at most 4 reservoirs (got 0 entries)`],
    ['five reservoirs', (s) => void (s.reservoirs = [0, 1, 2, 3, 4].map(() => base().reservoirs[0])), `${WHERE}: reservoirs: must be a non-empty array of at most 4 reservoirs (got 5 entries)`],
    ['reservoir not an object', (s) => void (s.reservoirs[1] = 'boson'), `${WHERE}: reservoirs[1]: must be an object with keys coupling, statistics, T, mu, spectral_density (got "boson")`],
    // jumps
    ['jump missing rate', (s) => void (s.jumps = [{ op: { MI: '1' } }]), `${WHERE}: jumps[0]: missing "rate"`],
    ['jump unknown key', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: '1', frequency: 1 }]), `${WHERE}: jumps[0]: unknown key "frequency" (allowed: op, rate)`],
    ['jumps not an array', (s) => void (s.jumps = { op: { MI: '1' }, rate: '1' }), `${WHERE}: jumps: must be an array such as [{"op": {"MI": "1"}, "rate": "emission(1, w_lindblad)"}] (got {"op":{"MI":"1"},"rate":"1"})`],
    ['emission arity', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: 'emission(w_lindblad)' }]), `${WHERE}: jumps[0].rate: emission at column 1 takes 2 arguments, a reservoir index and a frequency (got 1)`],
    ['reservoir index not constant', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: '2*absorption(J, w_lindblad)' }]), `${WHERE}: jumps[0].rate: absorption at column 3: the reservoir index must be a constant integer (got J)`],
    ['reservoir index not an integer', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: 'emission(1.5, 1)' }]), `${WHERE}: jumps[0].rate: emission at column 1: the reservoir index must be a constant integer (got 1.5)`],
    ['reservoir index out of range', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: 'emission(3, w_lindblad)' }]), `${WHERE}: jumps[0].rate: emission at column 1: no reservoir 3 (reservoirs are numbered 1 to 2)`],
    ['reservoir index 0', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: 'emission(0, w_lindblad)' }]), `${WHERE}: jumps[0].rate: emission at column 1: no reservoir 0 (reservoirs are numbered 1 to 2)`],
    ['unknown name in a rate', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: 'gamma' }]), `${WHERE}: jumps[0].rate: unknown name "gamma" at column 1 (${PARAMS}; derived: Delta; and w_lindblad)`],
    ['unknown function in a rate', (s) => void (s.jumps = [{ op: { MI: '1' }, rate: 'rate(1, 2)' }]), `${WHERE}: jumps[0].rate: unknown function "rate" at column 1 (functions: sqrt, exp, log, sin, cos, abs, emission, absorption)`],
    ['unknown letter in a jump', (s) => void (s.jumps = [{ op: { AI: '1' }, rate: '1' }]), `${WHERE}: jumps[0].op."AI": unknown Pauli letter "A" (expected I, X, Y, Z, P, M)`],
    // the number of qubits and the battery (issue 20)
    ['a string of 5 letters', (s) => void (s.hamiltonian = { ZIIII: '1' }), `${WHERE}: hamiltonian."ZIIII": a system has at most 4 qubits: a Pauli string has at most 4 letters (got 5)`],
    ['qubits above 4', (s) => void (s.qubits = 5), `${WHERE}: qubits: must be a whole number of qubits from 1 to 4 (got 5)`],
    ['qubits not a whole number', (s) => void (s.qubits = '2'), `${WHERE}: qubits: must be a whole number of qubits from 1 to 4 (got "2")`],
    ['qubits disagreeing with the strings', (s) => void (s.qubits = 3), `${WHERE}: hamiltonian."ZI": every Pauli string of a system has the same length: "qubits" is 3 (got 2)`],
    ['battery not an object', (s) => void (s.battery = [2]), `${WHERE}: battery: must be an object such as {"qubits": [2, 3], "hamiltonian": {"ZI": "1/2", "IZ": "1/2"}} (got [2])`],
    ['battery unknown key', (s) => void (s.battery = { cells: [2] }), `${WHERE}: battery: unknown key "cells" (allowed: qubits, hamiltonian)`],
    ['battery qubits empty', (s) => void (s.battery = { qubits: [] }), `${WHERE}: battery.qubits: must be a non-empty array of qubit numbers from 1 to 2, such as [2] (got [])`],
    ['battery qubit not a number', (s) => void (s.battery = { qubits: ['2'] }), `${WHERE}: battery.qubits: must be a non-empty array of qubit numbers from 1 to 2, such as [2] (got ["2"])`],
    ['battery qubit out of range', (s) => void (s.battery = { qubits: [3] }), `${WHERE}: battery.qubits: qubit 3 is out of range (this system has qubits 1 to 2)`],
    ['battery qubit 0', (s) => void (s.battery = { qubits: [0, 1] }), `${WHERE}: battery.qubits: qubit 0 is out of range (this system has qubits 1 to 2)`],
    ['battery qubit repeated', (s) => void (s.battery = { qubits: [2, 1, 2] }), `${WHERE}: battery.qubits: qubit 2 is repeated`],
    ['battery Hamiltonian of the wrong length', (s) => void (s.battery = { qubits: [2], hamiltonian: { ZI: '1/2' } }), `${WHERE}: battery.hamiltonian."ZI": a string of the battery's Hamiltonian has one letter per battery qubit: 1 for qubits [2] (got 2)`],
    ['battery Hamiltonian of the default battery, wrong length', (s) => void (s.battery = { hamiltonian: { ZZ: '1' } }), `${WHERE}: battery.hamiltonian."ZZ": a string of the battery's Hamiltonian has one letter per battery qubit: 1 for qubits [2] (got 2)`],
    ['battery Hamiltonian depending on a parameter', (s) => void (s.battery = { hamiltonian: { Z: 'Delta2/2' } }), `${WHERE}: battery.hamiltonian."Z": must be a constant such as "1/2": the battery's Hamiltonian does not depend on the point (got Delta2/2)`],
    ['battery Hamiltonian not Hermitian', (s) => void (s.battery = { qubits: [1, 2], hamiltonian: { PM: '1' } }), `${WHERE}: battery.hamiltonian: not Hermitian ("PM" alone is sigma_+ (x) sigma_-; add its conjugate "MP")`],
    ['battery Hamiltonian with a bad letter', (s) => void (s.battery = { hamiltonian: { Q: '1' } }), `${WHERE}: battery.hamiltonian."Q": unknown Pauli letter "Q" (expected I, X, Y, Z, P, M)`],
  ];

  it.each(cases)('%s', (_, edit, message) => {
    expect(errorOf(edit)).toBe(message);
  });
});

describe('loadSystemFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qbsweep-system-'));

  it('refuses a file over 1 MiB and JSON nested more than 32 levels in one line (deep JSON overflowed the stack)', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, ' '.repeat((1 << 20) + 1));
    expect(() => loadSystemFile(big)).toThrow(new InputError(`system file ${big}: ${(1 << 20) + 1} bytes, more than the ${1 << 20} a system file may have`));
    const deep = join(dir, 'deep.json');
    writeFileSync(deep, `{"name": "x", "description": ${'['.repeat(100000)}${']'.repeat(100000)}}`);
    expect(() => loadSystemFile(deep)).toThrow(new InputError(`system file ${deep}: line 1, column 61: objects and arrays nested more than 32 levels deep`));
    // brackets inside strings do not count
    const quoted = join(dir, 'quoted.json');
    writeFileSync(quoted, JSON.stringify({ ...base(), description: '['.repeat(100) + '\\"[' }));
    expect(loadSystemFile(quoted).name).toBe('xxz-charger-battery');
  });

  it('checks a system at every cap in well under a second, and resolves its derived names in linear time', async () => {
    const { genericSpace } = await import('../../src/system/space.js');
    const s = base();
    // each name twice the one before: expanded, the last one is 2^255 terms
    const derived: Record<string, string> = { Delta: 'Delta1 - Delta2', d0: 'Jz' };
    for (let i = 1; i < 255; i++) derived[`d${i}`] = `d${i - 1} + d${i - 1}`;
    s.derived = derived;
    s.hamiltonian.ZZ = `${'('.repeat(30)}Jz${')'.repeat(30)} + ${Array(30).fill('J*0').join(' + ')}`;
    s.hamiltonian.XI = `F/2 + d254 * 0${' '.repeat(1000 - 'F/2 + d254 * 0'.length)}`;
    const t = performance.now();
    const sys = parseSystem(s, WHERE);
    const space = genericSpace(sys);
    const rec = space.defaults();
    expect(space.get(rec, 'd254')).toBe(0.5 * 2 ** 254);
    expect(space.settable).toContain('d254');
    space.set(rec, 'd254', 2 ** 254);
    expect(space.get(rec, 'Jz')).toBeCloseTo(1, 12);
    expect(performance.now() - t).toBeLessThan(500);
  });

  it('names a missing file', () => {
    const path = join(dir, 'absent.json');
    expect(() => loadSystemFile(path)).toThrow(new InputError(`system file ${path}: cannot read it (no such file)`));
  });

  it('gives line and column of bad JSON', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{\n  "name": "x",\n  "parameters" {}\n}\n');
    expect(() => loadSystemFile(path)).toThrow(new InputError(`system file ${path}: not valid JSON: line 3, column 16: expected ":" after a key (found "{")`));
  });

  it('names a truncated file', () => {
    const path = join(dir, 'truncated.json');
    writeFileSync(path, '{\n  "name": "x",\n');
    expect(() => loadSystemFile(path)).toThrow(new InputError(`system file ${path}: not valid JSON: line 3, column 1: expected a double-quoted key (found end of file)`));
  });

  it('locates the first error of any bad JSON text, and none in good ones', () => {
    const bad: [string, number, string][] = [
      ['', 0, 'unexpected end of file'],
      ['{"a": 1,}', 8, 'expected a double-quoted key (found "}")'],
      ["{'a': 1}", 1, 'expected a double-quoted key (found "\'")'],
      ['{"a": [1, 2}', 11, 'expected "," or "]" after a value (found "}")'],
      ['{"a": 1} x', 9, 'unexpected "x" after the end of the JSON value'],
      ['{"a": 01}', 7, 'expected "," or "}" after a value (found "1")'],
      ['{"a": -}', 6, 'unexpected "-" (expected a value)'],
      ['{"a": "x\\q"}', 8, 'bad escape \\q in a string'],
      ['{"a": "x', 6, 'unterminated string'],
      ['{"a": NaN}', 6, 'unexpected "N" (expected a value)'],
    ];
    for (const [text, offset, problem] of bad) {
      expect(() => JSON.parse(text)).toThrow();
      expect(locateJsonError(text)).toEqual({ offset, problem });
    }
    for (const text of ['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "\\u00e9\\n"], "b": {}} ', '0', '"x"']) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(locateJsonError(text)).toBeUndefined();
    }
  });

  it('refuses a key repeated in one object', () => {
    const path = join(dir, 'duplicate.json');
    const lines = JSON.stringify(base(), null, 2).split('\n');
    const at = lines.findIndex((l) => l.includes('"XX": "J/2"'));
    lines.splice(at + 1, 0, '    "XX": "Jz",');
    writeFileSync(path, lines.join('\n'));
    expect(lines[at + 1]).toBe('    "XX": "Jz",');
    expect(() => loadSystemFile(path)).toThrow(new InputError(`system file ${path}: line ${at + 2}, column 5: duplicate key "XX" (each key may appear once in an object; JSON would keep only the last)`));
    expect(locateJsonError('{"a": {"b": 1}, "c": {"b": 2}, "\\u0061": 3}', { duplicateKeys: true })).toEqual({ offset: 31, problem: 'duplicate key "a" (each key may appear once in an object; JSON would keep only the last)' });
  });

  it('passes the file name into validation messages', () => {
    const path = join(dir, 'anyon.json');
    const s = base();
    s.reservoirs[0].statistics = 'anyon';
    writeFileSync(path, JSON.stringify(s, null, 2));
    expect(() => loadSystemFile(path)).toThrow(new InputError(`system file ${path}: reservoirs[0].statistics: unknown "anyon" (expected boson, fermion)`));
  });

  it('reads a good file', () => {
    const path = join(dir, 'good.json');
    writeFileSync(path, JSON.stringify(base()));
    expect(loadSystemFile(path).name).toBe('xxz-charger-battery');
  });
});

describe('expressions in a system evaluate to the hand-computed values', () => {
  it('derived names at the defaults of xxz', () => {
    const sys = loadSystemFile(join(SYSTEMS_DIR, 'xxz.json'));
    const values = new Map<string, number>(sys.parameters.map((p) => [p.name, p.default]));
    values.set('T1', 1.5);
    values.set('T2', 0.5);
    for (const d of sys.derived) values.set(d.name, evaluate(d.expr, (n) => values.get(n)!));
    expect(Object.fromEntries([...values].filter(([k]) => ['Delta', 'Tbar', 'dT'].includes(k)))).toEqual({ Delta: 0, Tbar: 1, dT: 1 });
    expect(evaluate(parseExpr('Tbar + dT/2'), (n) => values.get(n)!)).toBe(1.5);
  });
});

describe('systems of n qubits and the declared battery (issue 20; parsed for n = 1 to 4, loaded for n = 2)', () => {
  const ALL = [1, 2, 3, 4];
  const three = (): Record<string, any> => ({
    ...base(),
    hamiltonian: { ZII: 'Delta1/2', IZI: 'Delta2/2', XXI: 'J/2', YYI: 'J/2', IXX: 'J/2', IYY: 'J/2', XII: 'F/2' },
    reservoirs: [{ ...base().reservoirs[0], coupling: { XII: '1' } }],
  });
  const errorOfN = (s: Record<string, any>): string => {
    try {
      parseSystem(s, WHERE, ALL);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('parsed without error');
  };

  it('the default battery is the last qubit with H_B = Z/2 on it; a declared one keeps its order and Hamiltonian', () => {
    const two = parseSystem(base(), WHERE);
    expect(two.battery.qubits).toEqual([2]);
    // the default declared in full is accepted where declared batteries are not yet
    const spelled = parseSystem({ ...base(), qubits: 2, battery: { qubits: [2], hamiltonian: { Z: '0.5' } } }, WHERE).battery;
    expect([spelled.qubits, spelled.matrix]).toEqual([two.battery.qubits, two.battery.matrix]);
    expect(two.battery.hamiltonian.map((t) => [t.label, t.text])).toEqual([['Z', '1/2']]);
    expect(Array.from(two.battery.matrix.re)).toEqual([0.5, 0, 0, -0.5]);
    const sys = parseSystem({ ...three(), qubits: 3 }, WHERE, ALL);
    expect(sys).toMatchObject({ qubits: 3, amplitudes: 8, stateDim: 64, battery: { qubits: [3] } });
    // declared qubits without a Hamiltonian: Z/2 on each, in the declared order
    const cells = parseSystem({ ...three(), battery: { qubits: [3, 2] } }, WHERE, ALL).battery;
    expect(cells.qubits).toEqual([3, 2]);
    expect(cells.hamiltonian.map((t) => t.label)).toEqual(['ZI', 'IZ']);
    expect(Array.from(cells.matrix.re.filter((_, k) => k % 5 === 0))).toEqual([1, 0, 0, -1]);
    // its own Hamiltonian: strings on the battery qubits in that order, complex terms allowed
    const own = parseSystem({ ...three(), battery: { qubits: [1, 3], hamiltonian: { ZI: '0.3', XY: '0.1', YX: '-0.1' } } }, WHERE, ALL).battery;
    expect(own.matrix.re[0]).toBeCloseTo(0.3, 15);
    expect(own.matrix.im[6]).toBeCloseTo(0.2, 15); // <eg|XY - YX|ge> = 0.1 (i - (-i))
  });

  it('refuses "qubits" that disagrees with the strings, strings of mixed length, and battery qubits beyond n', () => {
    expect(errorOfN({ ...three(), qubits: 2 })).toBe(`${WHERE}: hamiltonian."ZII": every Pauli string of a system has the same length: "qubits" is 2 (got 3)`);
    expect(errorOfN({ ...three(), reservoirs: [{ ...base().reservoirs[0], coupling: { XIII: '1' } }] })).toBe(`${WHERE}: reservoirs[0].coupling."XIII": every Pauli string of a system has the same length: this system's first has 3 letters (got 4)`);
    expect(errorOfN({ ...three(), battery: { qubits: [2, 4] } })).toBe(`${WHERE}: battery.qubits: qubit 4 is out of range (this system has qubits 1 to 3)`);
    expect(errorOfN({ ...three(), battery: { qubits: [2, 3], hamiltonian: { ZII: '1' } } })).toBe(`${WHERE}: battery.hamiltonian."ZII": a string of the battery's Hamiltonian has one letter per battery qubit: 2 for qubits [2, 3] (got 3)`);
    expect(errorOfN({ ...three(), hamiltonian: { ZIIIZ: '1' } })).toBe(`${WHERE}: hamiltonian."ZIIIZ": a system has at most 4 qubits: a Pauli string has at most 4 letters (got 5)`);
  });
});
