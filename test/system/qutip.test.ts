// The generated float64 generator of user-defined and built-in systems against QuTiP 4.7's
// bloch_redfield_tensor(use_secular=False) (test/data/qutip-systems.json, see PROVENANCE.md),
// real and complex (odd number of Y letters) systems alike.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generator } from '../../src/model/generators.js';
import { batteryObservables } from '../../src/model/observables.js';
import { type ZeroFreq, resolvePoint } from '../../src/model/params.js';
import { liouvillianGap, longTimeLimit, spectrum } from '../../src/model/spectrum.js';

interface QutipCase {
  id: string;
  system: string;
  params: Record<string, number>;
  model: 'bloch-redfield';
  zero_freq: ZeroFreq;
  complex: boolean;
  generator: number[];
  steady: { r: number[]; efficiency: number };
  gap: number;
}

const data = JSON.parse(readFileSync(new URL('../data/qutip-systems.json', import.meta.url), 'utf8')) as { cases: QutipCase[] };
const real = data.cases.filter((c) => !c.complex);
const complex = data.cases.filter((c) => c.complex);

describe('bloch-redfield equals QuTiP for every system in the reference data', () => {
  it('covers the built-ins and at least 20 user-defined points', () => {
    expect([...new Set(real.map((c) => c.system))]).toEqual(expect.arrayContaining(['systems/wang2023.json', 'systems/xxz.json', 'systems/common-bath.json']));
    expect(real.filter((c) => c.system.startsWith('test/')).length).toBeGreaterThanOrEqual(20);
  });

  for (const c of data.cases) {
    it(c.id, () => {
      const p = resolvePoint({ system: c.system, model: c.model, zero_freq: c.zero_freq, ...c.params });
      const { G } = generator(p);
      const scale = Math.max(1, ...c.generator.map(Math.abs));
      let worst = 0;
      for (let k = 16; k < 256; k++) worst = Math.max(worst, Math.abs(G[k] - c.generator[k]));
      expect(worst / scale).toBeLessThan(1e-10);
      const eigs = spectrum(G);
      const lt = longTimeLimit(G, Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), eigs);
      expect(lt.kernelDim).toBe(1);
      expect(Math.abs(batteryObservables(lt.r).efficiency - c.steady.efficiency)).toBeLessThan(1e-8);
      for (let k = 1; k < 16; k++) expect(Math.abs(lt.r[k] - c.steady.r[k]), `r[${k}]`).toBeLessThan(1e-8);
      expect(Math.abs(liouvillianGap(eigs) - c.gap)).toBeLessThan(1e-8 * scale);
    });
  }

  it('covers complex systems (odd number of Y letters): a y drive, XY - YX exchange, sigma_y couplings, both statistics', () => {
    expect(complex.length).toBeGreaterThanOrEqual(8);
    const systems = [...new Set(complex.map((c) => c.system))].map((s) => resolvePoint({ system: s }).system);
    expect(systems.every((s) => !s.real)).toBe(true);
    const labels = new Set(systems.flatMap((s) => [...s.hamiltonian, ...s.reservoirs.flatMap((r) => r.coupling)].map((t) => t.label)));
    for (const l of ['YI', 'XY', 'YX', 'IY']) expect(labels.has(l), l).toBe(true);
    expect(new Set(systems.flatMap((s) => s.reservoirs.filter((r) => r.coupling.some((t) => t.label.split('Y').length % 2 === 0)).map((r) => r.statistics)))).toEqual(new Set(['boson', 'fermion']));
  });
});
