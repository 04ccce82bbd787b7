// Systems of three and four qubits in float64 against QuTiP 4.7 (test/data/qutip-nqubits.json, see
// PROVENANCE.md): the generator, the long-time state, every battery figure of merit of the declared
// battery (src/model/battery.ts) and the gap; and, for two qubits with the default battery, the
// general figures equal today's two-qubit formulas (src/compiler/observables.ts).
// n = 4 takes the runtime form of the float64 generator (src/compiler/targets.ts GeneratorForm): it
// is held equal to the unrolled form on n = 3 systems here.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rowLayout } from '../../src/core/layout.js';
import { type GeneratorF64, auxLayout, compileGeneratorF64, generatorF64 } from '../../src/compiler/targets.js';
import { pureDensity, densityToVector } from '../../src/algebra/pauli.js';
import { type BatteryFigures, batteryFigures } from '../../src/model/battery.js';
import { batteryObservables, concurrenceOf, stateObservables } from '../../src/model/observables.js';
import { liouvillianGap, longTimeLimit, spectrum } from '../../src/model/spectrum.js';
import { type SystemDefinition, parseSystem } from '../../src/system/definition.js';
import type { ModelName, ZeroFreq } from '../../src/core/layout.js';
import { TRAJECTORY_QUANTITIES, chargingCurve, timeValues } from '../../src/model/charging.js';
import { evolveExact, initialVector } from '../../src/model/evolve.js';
import { generator } from '../../src/model/generators.js';
import { resolvePoint } from '../../src/model/params.js';

interface NCase {
  id: string;
  system: string;
  qubits: number;
  model: ModelName;
  zero_freq: ZeroFreq;
  battery_qubits: number[];
  params: Record<string, number>;
  resolved: Record<string, number>;
  generator?: number[];
  generator_max_abs: number;
  steady: { r: number[] } & Record<string, number>;
  gap: number;
}

const root = new URL('../../', import.meta.url);
const read = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8'));
const data = read('test/data/qutip-nqubits.json') as { meta: { tolerances: { generator_relative: number; long_time: number; gap: number } }; cases: NCase[] };
const tol = data.meta.tolerances;
const systems = new Map<string, SystemDefinition>();
const systemOf = (path: string) => systems.get(path) ?? systems.set(path, parseSystem(read(path), path, [1, 2, 3, 4])).get(path)!;

/** The figures QuTiP's data holds besides r and the currents (every one batteryFigures computes but the zero-energy flag). */
const FIGURES = ['E_B_over_omega', 'ergotropy_over_omega', 'efficiency', 'ergotropy_incoherent_over_omega', 'ergotropy_coherent_over_omega', 'capacity_over_omega', 'battery_purity', 'battery_entropy', 'rho_min_eigenvalue', 'negativity'] as const;

/** The worst deviation per quantity and n, printed at the end (the figures the closing note asks for). */
const worst = new Map<string, number>();
const note = (n: number, what: string, d: number) => worst.set(`n = ${n} ${what}`, Math.max(worst.get(`n = ${n} ${what}`) ?? 0, d));

/** G of a case's point (its resolved parameters) by a compiled float64 generator (and the currents' coefficients into aux, where given). */
function generatorOf(c: NCase, sys: SystemDefinition, generator: GeneratorF64, aux?: Float64Array): Float64Array {
  const row = rowLayout(sys.amplitudes);
  const params = new Float64Array(row.stride);
  sys.parameters.forEach((p, i) => (params[row.params + i] = c.resolved[p.name]));
  if (c.model === 'lindblad') params[row.lindbladW] = c.resolved.w_lindblad;
  const G = new Float64Array(sys.stateDim ** 2);
  generator(params, 0, G, aux);
  return G;
}

function expectFigures(c: NCase, f: BatteryFigures): void {
  for (const k of FIGURES) {
    const d = Math.abs(f[k] - c.steady[k]);
    note(c.qubits, k, d);
    expect(d, k).toBeLessThan(tol.long_time);
  }
}

describe('n = 3 and 4 qubits in float64 against QuTiP 4.7', () => {
  it('every case declares the battery its system file declares', () => {
    for (const c of data.cases) expect(systemOf(c.system).battery.qubits, c.id).toEqual(c.battery_qubits);
  });

  for (const c of data.cases) {
    it(`${c.id}: generator, long-time state and battery figures, gap`, () => {
      const sys = systemOf(c.system);
      const G = generatorOf(c, sys, generatorF64(sys, { model: c.model, zeroFreq: c.zero_freq }));
      // (QuTiP's data holds the generator of one n = 4 case: 65,536 entries each)
      if (c.generator) {
        const g = c.generator;
        const dG = G.reduce((m, x, k) => Math.max(m, Math.abs(x - g[k])), 0) / c.generator_max_abs;
        note(c.qubits, 'generator (relative)', dG);
        expect(dG).toBeLessThan(tol.generator_relative);
      }
      const eigs = spectrum(G);
      const lt = longTimeLimit(G, new Float64Array(sys.stateDim), eigs);
      expect(lt.kernelDim).toBe(1);
      const dr = lt.r.reduce((m, x, k) => Math.max(m, Math.abs(x - c.steady.r[k])), 0);
      note(c.qubits, 'r', dr);
      expect(dr).toBeLessThan(tol.long_time);
      const dgap = Math.abs(liouvillianGap(eigs) - c.gap);
      note(c.qubits, 'gap', dgap);
      expect(dgap).toBeLessThan(tol.gap);
      expectFigures(c, batteryFigures(lt.r, sys.battery));
    });
  }

  it('n = 3: the runtime form (the n = 4 one: products by cmul, G by pauliTransferF64) equals the unrolled one within 1e-14 of the largest entry, G and currents', () => {
    const relative = (a: Float64Array, b: Float64Array) => a.reduce((m, x, k) => Math.max(m, Math.abs(x - b[k])), 0) / b.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    for (const id of ['n3-complex-redfield', 'n3-xxz-chain-defaults', 'n3-dephasing-lindblad']) {
      const c = data.cases.find((x) => x.id === id)!;
      const sys = systemOf(c.system);
      const v = { model: c.model, zeroFreq: c.zero_freq };
      const [auxUnrolled, auxRuntime] = [0, 1].map(() => new Float64Array(auxLayout(sys.stateDim).length));
      const unrolled = generatorOf(c, sys, compileGeneratorF64(sys, v, 'unrolled'), auxUnrolled);
      const runtime = generatorOf(c, sys, compileGeneratorF64(sys, v, 'runtime'), auxRuntime);
      expect(relative(runtime, unrolled), id).toBeLessThan(1e-14);
      expect(relative(auxRuntime, auxUnrolled), `${id} currents`).toBeLessThan(1e-14);
      expect(auxUnrolled.some((x, k) => k < auxLayout(sys.stateDim).T && x !== 0), `${id} currents`).toBe(true);
    }
  });

  it('prints the largest deviations', () => {
    expect(worst.size).toBeGreaterThan(FIGURES.length);
    console.log([...worst].map(([k, v]) => `${k}: ${v.toExponential(1)}`).join('\n'));
  });
});

describe('two qubits, the default battery: the general figures are today\'s', () => {
  const two = parseSystem(read('systems/wang2023.json'), 'wang2023');
  // QuTiP's long-time states of the two-qubit data, and pure and mixed states with coherences
  const steady = (read('test/data/qutip-systems.json') as { cases: { steady: { r: number[] } }[] }).cases.map((c) => Float64Array.from(c.steady.r));
  const psi = [
    [[0.6, 0.1, -0.3, 0.2], [0.1, -0.5, 0.4, 0.25]],
    [[0, 1, 1, 0], [0, 0, 0, 0]],
    [[1, 0, 0, 0], [0, 0, 0, 0]],
    [[0.2, 0.7, 0, -0.1], [0.3, 0, -0.6, 0.1]],
  ];
  const pure = psi.map(([re, im]) => densityToVector(pureDensity(re, im)));

  it('E_B, ergotropy, efficiency, incoherent and coherent ergotropy, capacity, purity, entropy, rho_min, negativity to 1e-12', () => {
    for (const r of [...steady, ...pure, ...steady.map((s, k) => s.map((x, a) => 0.5 * x + 0.5 * pure[k % pure.length][a]))]) {
      const f = batteryFigures(r, two.battery);
      const b = batteryObservables(r);
      const s = stateObservables(r);
      const today = { ...s, E_B_over_omega: b.E_B_over_omega, ergotropy_over_omega: b.ergotropy_over_omega, efficiency: b.efficiency };
      for (const [k, v] of Object.entries(today)) expect(Math.abs(f[k as keyof BatteryFigures] as number - v), k).toBeLessThan(1e-12);
      expect(f.zeroEnergy).toBe(b.zeroEnergy);
    }
  });

  it('negativity: half the concurrence for pure states, 0 for products', () => {
    for (const r of pure) expect(Math.abs(batteryFigures(r, two.battery).negativity - concurrenceOf(r) / 2)).toBeLessThan(1e-12);
    expect(Math.abs(batteryFigures(densityToVector(pureDensity([0.36, 0.48, 0.48, 0.64], [0, 0, 0, 0])), two.battery).negativity)).toBeLessThan(1e-14);
  });
});

describe('a battery Hamiltonian with complex terms', () => {
  // rotating qubit 3 about x maps its sigma_y to sigma_z and sigma_z to -sigma_y: the figures of
  // (rho, H_B) and of (U rho U^+, U H_B U^+) are the same; H_B complex on one side, real on the other
  const c = data.cases.find((x) => x.id === 'n3-complex-defaults')!;
  const rotated = Float64Array.from(c.steady.r, (_, a) => (a % 4 === 3 ? c.steady.r[a - 1] : a % 4 === 2 ? -c.steady.r[a + 1] : c.steady.r[a]));
  const batteryOf = (hamiltonian: Record<string, string>) => parseSystem({ ...read(c.system), battery: { qubits: [2, 3], hamiltonian } }, c.system, [3]).battery;
  const pairs: [Record<string, string>, Record<string, string>][] = [
    [{ ZI: '0.5', IY: '0.4', XY: '0.1', YX: '-0.1' }, { ZI: '0.5', IZ: '0.4', XZ: '0.1', YX: '-0.1' }],
    // degenerate levels (0 twice): the incoherent ergotropy keeps the coherence inside that level
    [{ ZI: '0.5', IY: '0.5' }, { ZI: '0.5', IZ: '0.5' }],
  ];
  it.each(pairs)('%j on rho equals %j on the rotated rho', (complex, real) => {
    expect(batteryOf(complex).matrix.im.some((x) => x !== 0)).toBe(true);
    const f = batteryFigures(c.steady.r, batteryOf(complex));
    const g = batteryFigures(rotated, batteryOf(real));
    for (const k of FIGURES) expect(Math.abs(f[k] - g[k]), k).toBeLessThan(1e-13);
    expect(f.ergotropy_coherent_over_omega).toBeGreaterThan(1e-3);
  });
});

describe('charging curves of three qubits (cpu): the declared battery\'s figures at each time', () => {
  const c = data.cases.find((x) => x.id === 'n3-charger-hot-charger')!;
  const p = resolvePoint({ system: c.system, model: c.model, ...c.params });
  const { G } = generator(p);
  const r0 = initialVector(p);
  const at = (curve: Float64Array, n: number, q: (typeof TRAJECTORY_QUANTITIES)[number], j: number) => curve[TRAJECTORY_QUANTITIES.indexOf(q) * n + j];

  it('E_B, ergotropy, efficiency and the average power equal batteryFigures of the exact exponential at each time, to 1e-10', () => {
    const grid = { from: 0, to: 12, n: 7 };
    const curve = chargingCurve(p.system, G, r0, grid);
    const e0 = batteryFigures(r0, p.system.battery).E_B_over_omega;
    timeValues(grid).forEach((t, j) => {
      const f = batteryFigures(evolveExact(G, r0, t), p.system.battery);
      for (const q of ['E_B_over_omega', 'ergotropy_over_omega', 'efficiency'] as const) expect(Math.abs(at(curve, grid.n, q, j) - f[q]), `${q} at t = ${t}`).toBeLessThan(1e-10);
      if (t > 0) expect(Math.abs(at(curve, grid.n, 'average_power', j) - (f.E_B_over_omega - e0) / t), `power at t = ${t}`).toBeLessThan(1e-10);
      // a three-qubit state has no (two-qubit) concurrence
      expect(at(curve, grid.n, 'concurrence', j)).toBeNaN();
    });
    // the battery charges: the figures move (a constant curve would pass the checks above too)
    expect(at(curve, grid.n, 'E_B_over_omega', grid.n - 1) - at(curve, grid.n, 'E_B_over_omega', 0)).not.toBeCloseTo(0, 2);
  });

  it("t -> large (|gap| t > 40): QuTiP's long-time E_B, ergotropy and efficiency within 1e-8", () => {
    const grid = { from: 1800, to: 2000, n: 2 };
    expect(Math.abs(c.gap) * grid.from).toBeGreaterThan(35);
    const curve = chargingCurve(p.system, G, r0, grid);
    for (const q of ['E_B_over_omega', 'ergotropy_over_omega', 'efficiency'] as const) {
      for (let j = 0; j < grid.n; j++) expect(Math.abs(at(curve, grid.n, q, j) - c.steady[q]), `${q} at t = ${timeValues(grid)[j]}`).toBeLessThan(tol.long_time);
    }
  });
});
