// Complex terms (an odd number of Y letters) in the float64 generator, every model: a rotated
// frame is the same physics, a Lindblad jump with Y matches the master equation built directly
// from complex matrices, and a real system still compiles to real arithmetic only.
// (QuTiP checks bloch-redfield on complex systems in qutip.test.ts.)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatorF64Source } from '../../src/compiler/targets.js';
import { type CMat, cadd, cdagger, cmul, ctrace, czeros } from '../../src/algebra/complex.js';
import { generator } from '../../src/model/generators.js';
import { type ModelName, type Reservoir, resolvePoint } from '../../src/model/params.js';
import { PAULI_STRINGS } from '../../src/algebra/pauli.js';
import { longTimeLimit } from '../../src/model/spectrum.js';
import { operatorMatrix, parseSystem } from '../../src/system/definition.js';

const ROOT = join(import.meta.dirname, '../..');
const readJson = (path: string): Record<string, any> => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

/** U X U^+ and U Y U^+ for U = exp(-i theta Z / 2) on one qubit: X -> c X + s Y, Y -> c Y - s X. */
function rotatedLetter(letter: string, theta: number): [string, number][] {
  const [c, s] = [Math.cos(theta), Math.sin(theta)];
  if (letter === 'X') return [['X', c], ['Y', s]];
  if (letter === 'Y') return [['Y', c], ['X', -s]];
  if (letter === 'I' || letter === 'Z') return [[letter, 1]];
  // sigma_+- only pick up a phase: an operator's matrix would change, a jump's dissipator does not
  throw new Error(`letter ${letter}: rotate jumps only`);
}

/** An operator {label: coefficient} in the frame rotated by theta1 (qubit 1), theta2 (qubit 2). */
function rotateOperator(op: Record<string, string>, theta1: number, theta2: number, jump = false): Record<string, string> {
  const out = new Map<string, string[]>();
  for (const [label, coefficient] of Object.entries(op)) {
    if (jump && /[PM]/.test(label)) {
      out.set(label, [...(out.get(label) ?? []), coefficient]);
      continue;
    }
    for (const [a, wa] of rotatedLetter(label[0], theta1)) {
      for (const [b, wb] of rotatedLetter(label[1], theta2)) out.set(a + b, [...(out.get(a + b) ?? []), `${wa * wb} * (${coefficient})`]);
    }
  }
  return Object.fromEntries([...out].map(([k, v]) => [k, v.join(' + ')]));
}

/** The system seen in the rotated frame: the same physics, written with complex terms. */
function rotateSystem(json: Record<string, any>, theta1: number, theta2: number): Record<string, any> {
  const out = structuredClone(json);
  out.name = `${json.name}-rotated`;
  out.hamiltonian = rotateOperator(json.hamiltonian, theta1, theta2);
  out.reservoirs = json.reservoirs.map((r: any) => ({ ...r, coupling: rotateOperator(r.coupling, theta1, theta2) }));
  if (json.jumps) out.jumps = json.jumps.map((j: any) => ({ ...j, op: rotateOperator(j.op, theta1, theta2, true) }));
  return out;
}

/** Q_ij = (1/4) Tr(P_i U P_j U^+): the rotation on the Pauli vector, r -> Q r. */
function pauliRotation(theta1: number, theta2: number): Float64Array {
  const phase = (t: number) => [Math.cos(t / 2), -Math.sin(t / 2), Math.cos(t / 2), Math.sin(t / 2)]; // e^{-it/2}, e^{+it/2}
  const [a, b] = [phase(theta1), phase(theta2)];
  const U = czeros(4);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const [ar, ai, br, bi] = [a[2 * i], a[2 * i + 1], b[2 * j], b[2 * j + 1]];
      U.re[(2 * i + j) * 5] = ar * br - ai * bi;
      U.im[(2 * i + j) * 5] = ar * bi + ai * br;
    }
  }
  const Q = new Float64Array(256);
  for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) Q[i * 16 + j] = 0.25 * ctrace(cmul(PAULI_STRINGS[i], cmul(cmul(U, PAULI_STRINGS[j]), cdagger(U)))).re;
  return Q;
}

function conjugate(Q: Float64Array, G: Float64Array): Float64Array {
  const out = new Float64Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 16; k++) for (let l = 0; l < 16; l++) s += Q[i * 16 + k] * G[k * 16 + l] * Q[j * 16 + l];
      out[i * 16 + j] = s;
    }
  }
  return out;
}

const THETA1 = 0.9;
const THETA2 = -0.4;
const POINT = { Delta1: 0.7, Delta2: -0.3, F: 0.8, T1: 1.3, T2: 0.6 };

describe('a rotated frame is the same physics: G in the rotated frame is Q G Q^T, on every model', () => {
  const wang = readJson('systems/wang2023.json');
  // a jump with X letters, so that the rotated Lindblad system has Y in a jump
  const wangXJump = { ...wang, name: 'wang2023-x-jump', jumps: [...wang.jumps, { op: { IX: '1', XZ: '0.3' }, rate: '0.2 * emission(2, w_lindblad)' }] };
  const cases: [string, Record<string, any>, ModelName, Record<string, number>][] = [
    ['wang2023', { ...wang, name: 'wang2023-copy' }, 'redfield', POINT],
    ['wang2023 (transitions coupling)', { ...wang, name: 'wang2023-copy' }, 'bloch-redfield', POINT],
    ['wang2023 with an X jump', wangXJump, 'lindblad', POINT],
    ['xxz (full coupling)', readJson('systems/xxz.json'), 'bloch-redfield', { Delta1: 0.7, Delta2: -0.3, F: 0.8, Jz: 0.4 }],
    ['xxz', readJson('systems/xxz.json'), 'redfield', { Delta1: 0.7, Delta2: -0.3, F: 0.8, Jz: 0.4 }],
    ['common-bath', readJson('systems/common-bath.json'), 'bloch-redfield', { Delta1: 0.7, Delta2: -0.3, F: 0.8, g2: 0.6 }],
    ['common-bath', readJson('systems/common-bath.json'), 'redfield', { Delta1: 0.7, Delta2: -0.3, F: 0.8, g2: 0.6 }],
  ];
  const Q = pauliRotation(THETA1, THETA2);
  for (const [name, json, model, params] of cases) {
    for (const reservoir of ['boson', 'fermion'] as Reservoir[]) {
      it(`${name}, ${model}, ${reservoir}`, () => {
        const rotated = rotateSystem(json, THETA1, THETA2);
        const real = resolvePoint({ system: json, model, reservoir, ...params });
        const complex = resolvePoint({ system: rotated, model, reservoir, ...params });
        expect(real.system.real).toBe(true);
        expect(complex.system.real).toBe(false);
        const gr = generator(real);
        const gc = generator(complex);
        const expected = conjugate(Q, gr.G);
        const scale = Math.max(...expected.map(Math.abs));
        let worst = 0;
        for (let k = 0; k < 256; k++) worst = Math.max(worst, Math.abs(gc.G[k] - expected[k]));
        expect(worst / scale).toBeLessThan(1e-12);
        expect(gc.parts.degenerate).toBe(gr.parts.degenerate);
        // each reservoir's energy and particle currents J = q . r are the same: q_C = Q q_R
        for (let block = 0; block < 8; block++) {
          const q = gr.aux.subarray(16 * block, 16 * block + 16);
          const qScale = Math.max(1e-300, ...q.map(Math.abs));
          for (let i = 0; i < 16; i++) {
            let x = 0;
            for (let k = 0; k < 16; k++) x += Q[i * 16 + k] * q[k];
            expect(Math.abs(gc.aux[16 * block + i] - x) / qScale, `current coefficients ${block}, ${i}`).toBeLessThan(1e-12);
          }
        }
        const r0 = Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        const ltr = longTimeLimit(gr.G, r0);
        const ltc = longTimeLimit(gc.G, r0);
        for (let i = 0; i < 16; i++) {
          let x = 0;
          for (let k = 0; k < 16; k++) x += Q[i * 16 + k] * ltr.r[k];
          expect(Math.abs(ltc.r[i] - x), `r[${i}]`).toBeLessThan(1e-10);
        }
      });
    }
  }
});

/** G_ij = (1/4) Tr(P_i L(P_j)), L = -i[H, .] + sum rate (2 A . A^+ - {A^+ A, .}), from complex matrices. */
function lindbladPauli(H: CMat, jumps: { A: CMat; rate: number }[]): Float64Array {
  const G = new Float64Array(256);
  const minusI = (m: CMat): CMat => ({ re: m.im.map((x) => x), im: m.re.map((x) => -x) });
  for (let j = 0; j < 16; j++) {
    const P = PAULI_STRINGS[j];
    let L = minusI(cadd(cmul(H, P), cmul(P, H), -1));
    for (const { A, rate } of jumps) {
      const Ad = cdagger(A);
      const AdA = cmul(Ad, A);
      const term = cadd(cadd(cmul(cmul(A, P), Ad), cmul(cmul(A, P), Ad)), cadd(cmul(AdA, P), cmul(P, AdA)), -1);
      L = cadd(L, term, rate);
    }
    for (let i = 0; i < 16; i++) G[i * 16 + j] = 0.25 * ctrace(cmul(PAULI_STRINGS[i], L)).re;
  }
  return G;
}

describe('lindblad with complex jumps equals the master equation built from complex matrices', () => {
  const json = {
    name: 'complex-jumps',
    parameters: { D: { default: 0.4 }, F: { default: 0.7 }, g1: { default: 0.05 }, g2: { default: 0.03 } },
    hamiltonian: { ZI: '0.3', IZ: '-0.2', XX: '0.5', YY: '0.5', XY: 'D/2', YX: '-D/2', YI: 'F/2' },
    // a reservoir is required; the jumps here take constant rates, not its rates
    reservoirs: [{ coupling: { XI: '1' }, statistics: 'boson', T: '1', spectral_density: { kind: 'ohmic', alpha: '0.1', omega_c: '5' } }],
    jumps: [
      { op: { YI: '1' }, rate: 'g1' },
      { op: { IX: '1', IY: '0.5', ZY: '0.2' }, rate: 'g2' },
      { op: { PI: '1', YZ: '0.3' }, rate: '0.02' },
    ],
  };
  it('H with a y drive and XY - YX; jumps sigma_y, X + 0.5 Y (not Hermitian), sigma_+ + Y Z', () => {
    const sys = parseSystem(json, 'test');
    expect(sys.real).toBe(false);
    const p = resolvePoint({ system: json, model: 'lindblad', lindblad_freq: 1 });
    const values: Record<string, number> = { D: 0.4, F: 0.7, g1: 0.05, g2: 0.03 };
    const at = (text: string) => Function(...Object.keys(values), `return ${text};`)(...Object.values(values)) as number;
    const H = operatorMatrix(sys.hamiltonian, (t) => at(t.text));
    const jumps = sys.jumps.map((j) => ({ A: operatorMatrix(j.op, (t) => at(t.text)), rate: at(json.jumps[j.index - 1].rate) }));
    const expected = lindbladPauli(H, jumps);
    const { G } = generator(p);
    const scale = Math.max(...expected.map(Math.abs));
    let worst = 0;
    for (let k = 0; k < 256; k++) worst = Math.max(worst, Math.abs(G[k] - expected[k]));
    expect(worst / scale).toBeLessThan(1e-13);
  });
});

describe('a real system compiles to real arithmetic only', () => {
  for (const name of ['wang2023', 'xxz', 'common-bath']) {
    it(name, () => {
      const sys = resolvePoint({ system: name }).system;
      for (const model of ['redfield', 'bloch-redfield'] as ModelName[]) {
        const src = generatorF64Source(sys, { model, zeroFreq: 'limit' });
        // imaginary parts are declared as <name>_im_i_j (Emitter.cmatrix/cproduct) and Si<index> (pauliTransfer)
        expect(src).not.toMatch(/_im_|\bSi\d/);
      }
    });
  }
});
