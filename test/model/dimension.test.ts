// The dimension is the system's: the float64 generator, evolution, spectrum and steady state of
// systems of 1 and 3 qubits (built through parseSystem's `qubits` argument; a user loads n = 2
// only) against closed forms that no code sized for two qubits can reproduce.
import { describe, expect, it } from 'vitest';
import { rowLayout } from '../../src/core/layout.js';
import { generatorF64 } from '../../src/compiler/targets.js';
import { parseSystem, type SystemDefinition } from '../../src/system/definition.js';
import { evolveExact } from '../../src/model/evolve.js';
import { liouvillianGap, spectrum, uniqueSteadyState } from '../../src/model/spectrum.js';
import { basisLabels, pauliBasis } from '../../src/algebra/pauli.js';

const bath = { coupling: { X: '1' }, statistics: 'boson', T: '1', spectral_density: { kind: 'ohmic', alpha: '0.1', omega_c: '5', s: '1' } };

/** G of a Lindblad system at the given parameter values (row laid out for its own number of amplitudes). */
function lindbladGenerator(sys: SystemDefinition, values: number[]): Float64Array {
  const row = rowLayout(sys.amplitudes);
  const r = new Float64Array(row.stride);
  values.forEach((v, i) => (r[row.params + i] = v));
  const G = new Float64Array(sys.stateDim ** 2);
  generatorF64(sys, { model: 'lindblad', zeroFreq: 'limit' })(r, 0, G);
  return G;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, k) => Math.abs(x - b[k])));

describe('a system of n qubits', () => {
  it('keeps the two-qubit row of today (tau 0, dt 1, w* 2, psi 4 and 8, parameters from 12, stride 48)', () => {
    expect(rowLayout(4)).toEqual({ tau: 0, dt: 1, lindbladW: 2, psiRe: 4, psiIm: 8, params: 12, stride: 48 });
    expect(rowLayout(2)).toEqual({ tau: 0, dt: 1, lindbladW: 2, psiRe: 4, psiIm: 6, params: 8, stride: 44 });
    expect(basisLabels(2)).toEqual(['ee', 'eg', 'ge', 'gg']);
    expect(pauliBasis(3).labels.slice(0, 5)).toEqual(['000', '00x', '00y', '00z', '0x0']);
  });

  it('loads a user file of one qubit, and refuses strings of mixed length', () => {
    const one = { name: 'q', parameters: { wq: { default: 1, unit: '1', doc: '' } }, hamiltonian: { Z: 'wq/2' }, reservoirs: [bath] };
    expect(parseSystem(one, 'system file q.json')).toMatchObject({ qubits: 1, battery: { qubits: [1], isDefault: true } });
    expect(() => parseSystem({ ...one, reservoirs: [{ ...bath, coupling: { XI: '1' } }] }, 'q', [1, 2])).toThrow('q: reservoirs[0].coupling."XI": every Pauli string of a system has the same length: this system\'s first has 1 letters (got 2)');
    expect(parseSystem(one, 'q', [1])).toMatchObject({ qubits: 1, amplitudes: 2, stateDim: 4 });
  });

  // A driven qubit decaying to |g> (z = -1): H = (w Z + W X)/2, jump M = sigma_- at rate k
  // (D = k (2 M rho M+ - {M+ M, rho}), so the decay rate is g = 2k). The Bloch equations
  //   dx = -w y - g x/2,  dy = w x - W z - g y/2,  dz = W y - g (z + 1)
  // have the steady state (x, y, z) = (-4 w W, 2 g W, -(4 w^2 + g^2)) / (4 w^2 + g^2 + 2 W^2).
  const qubit = parseSystem(
    {
      name: 'driven-qubit',
      parameters: { wq: { default: 1, unit: '1', doc: '' }, W: { default: 0.3, unit: '1', doc: '' }, k: { default: 0.05, unit: '1', doc: '' } },
      hamiltonian: { Z: 'wq/2', X: 'W/2' },
      reservoirs: [bath],
      jumps: [{ op: { M: '1' }, rate: 'k' }],
    },
    'driven qubit',
    [1],
  );
  const [w, W, k] = [1.3, 0.7, 0.11];
  const g = 2 * k;
  const G = lindbladGenerator(qubit, [w, W, k]);

  it('one qubit: the 4 x 4 generator is the Bloch equations', () => {
    const bloch = [0, 0, 0, 0, 0, -g / 2, -w, 0, 0, w, -g / 2, -W, -g, 0, W, -g];
    expect(maxDiff(G, bloch)).toBeLessThan(1e-15);
  });

  it('one qubit: steady Bloch vector, spectrum and evolution', () => {
    const d = 4 * w * w + g * g + 2 * W * W;
    const steady = [1, (-4 * w * W) / d, (2 * g * W) / d, -(4 * w * w + g * g) / d];
    expect(maxDiff(uniqueSteadyState(G), steady)).toBeLessThan(1e-14);
    // long after the slowest decay the state is the steady one, from |e> (z = +1)
    expect(maxDiff(evolveExact(G, Float64Array.of(1, 0, 0, 1), 400), steady)).toBeLessThan(1e-12);
    // undriven: eigenvalues 0, -g, -g/2 +- i w
    const eigs = spectrum(lindbladGenerator(qubit, [w, 0, k]));
    expect(eigs.length).toBe(4);
    expect(Math.abs(liouvillianGap(eigs) + g / 2)).toBeLessThan(1e-14);
    expect(Math.abs(eigs[3].re + g)).toBeLessThan(1e-14);
    expect(Math.abs(Math.abs(eigs[1].im) - w)).toBeLessThan(1e-14);
  });

  it('three qubits: a decoupled third qubit leaves the two-qubit steady state as the marginal', () => {
    const two = {
      name: 'pair',
      parameters: { J: { default: 1, unit: '1', doc: '' }, F: { default: 0.4, unit: '1', doc: '' }, k1: { default: 0.1, unit: '1', doc: '' }, k2: { default: 0.2, unit: '1', doc: '' } },
      hamiltonian: { ZI: '0.5', IZ: '0.6', XX: 'J/2', YY: 'J/2', XI: 'F/2' },
      reservoirs: [{ ...bath, coupling: { XI: '1' } }],
      jumps: [{ op: { MI: '1' }, rate: 'k1' }, { op: { IM: '1' }, rate: 'k2' }],
    };
    const three = {
      ...two,
      name: 'pair-and-one',
      parameters: { ...two.parameters, W: { default: 0.3, unit: '1', doc: '' } },
      hamiltonian: { ZII: '0.5', IZI: '0.6', XXI: 'J/2', YYI: 'J/2', XII: 'F/2', IIZ: '0.7', IIX: 'W/2' },
      reservoirs: [{ ...bath, coupling: { XII: '1' } }],
      jumps: [{ op: { MII: '1' }, rate: 'k1' }, { op: { IMI: '1' }, rate: 'k2' }, { op: { IIM: '1' }, rate: '0.05' }],
    };
    const v = [0.9, 0.45, 0.12, 0.21];
    const G2 = lindbladGenerator(parseSystem(two, 'pair'), v);
    const sys3 = parseSystem(three, 'pair and one', [3]);
    expect(sys3).toMatchObject({ qubits: 3, amplitudes: 8, stateDim: 64 });
    const G3 = lindbladGenerator(sys3, [...v, 0.3]);
    const r2 = uniqueSteadyState(G2);
    const r3 = uniqueSteadyState(G3);
    // the marginal of qubits 1-2: the components with the third letter 0; the third qubit alone: the driven qubit above
    expect(maxDiff(Array.from({ length: 16 }, (_, a) => r3[4 * a]), r2)).toBeLessThan(1e-12);
    // (IIZ: 0.7 is w = 1.4, W = 0.3, g = 2 * 0.05)
    const d = 4 * 1.4 * 1.4 + 0.01 + 2 * 0.09;
    expect(maxDiff([r3[1], r3[2], r3[3]], [(-4 * 1.4 * 0.3) / d, (2 * 0.1 * 0.3) / d, -(4 * 1.96 + 0.01) / d])).toBeLessThan(1e-12);
    // a product state: r_(ab)c = r_ab r_c
    for (let a = 0; a < 16; a++) for (let c = 0; c < 4; c++) expect(Math.abs(r3[4 * a + c] - r2[a] * r3[c])).toBeLessThan(1e-12);
    // and the spectrum is the sums of the parts' (the one-qubit part is the driven qubit above): the gap the smaller of the two
    const gap = (M: Float64Array) => liouvillianGap(spectrum(M));
    expect(Math.abs(gap(G3) - Math.max(gap(G2), gap(lindbladGenerator(qubit, [1.4, 0.3, 0.05]))))).toBeLessThan(1e-10);
  });
});
