// The QuTiP reference data for three and four qubits (test/data/qutip-nqubits.json, see
// PROVENANCE.md): what issue 20 item 6 asks it to cover, and that each stored generator has the
// stored long-time state as its null vector. test/model/nqubits.test.ts compares qbsweep with it.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Reservoir { coupling: Record<string, string>; statistics: string; spectral_density: { kind: string } }
interface SystemFile { hamiltonian: Record<string, string>; reservoirs: Reservoir[]; battery?: { qubits: number[]; hamiltonian?: Record<string, string> } }
interface NCase {
  id: string;
  system: string;
  qubits: number;
  model: string;
  bloch_redfield_coupling?: string;
  generator?: number[];
  generator_max_abs: number;
  steady: { r: number[] } & Record<string, number | number[]>;
  gap: number;
  eigenvalues: [number, number][];
}

const root = new URL('../../', import.meta.url);
const data = JSON.parse(readFileSync(new URL('test/data/qutip-nqubits.json', root), 'utf8')) as { meta: { tolerances: Record<string, number> }; cases: NCase[] };
const load = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as SystemFile;
const n3 = data.cases.filter((c) => c.qubits === 3);
const systems = [...new Set(data.cases.map((c) => c.system))].map((path) => ({ path, sys: load(path) }));
const nonIdentity = (s: string) => [...s].filter((l) => l !== 'I').length;

describe('QuTiP reference data for n = 3 and 4 qubits', () => {
  it('covers what issue 20 item 6 asks: 30+ points over 6+ systems for n = 3, a few for n = 4, every model', () => {
    expect(n3.length).toBeGreaterThanOrEqual(30);
    expect(new Set(n3.map((c) => c.system)).size).toBeGreaterThanOrEqual(6);
    expect(data.cases.filter((c) => c.qubits === 4).length).toBeGreaterThanOrEqual(3);
    expect(new Set(data.cases.map((c) => `${c.model}/${c.bloch_redfield_coupling ?? ''}`))).toEqual(new Set(['bloch-redfield/full', 'bloch-redfield/transitions', 'redfield/', 'lindblad/']));
    expect(data.cases.filter((c) => c.qubits === 4 && c.generator).length).toBeGreaterThanOrEqual(1);
    expect(data.meta.tolerances).toEqual({ generator_relative: 1e-10, long_time: 1e-8, gap: 1e-8 });
  });

  it('covers both statistics, both spectral densities, local and common baths, odd-Y terms and a declared battery with its own Hamiltonian', () => {
    const reservoirs = systems.flatMap(({ sys }) => sys.reservoirs);
    expect(new Set(reservoirs.map((r) => r.statistics))).toEqual(new Set(['boson', 'fermion']));
    expect(new Set(reservoirs.map((r) => r.spectral_density.kind))).toEqual(new Set(['ohmic', 'drude-lorentz']));
    // a common bath couples through terms on several qubits; a local one through one qubit
    const spread = (r: Reservoir) => new Set(Object.keys(r.coupling).flatMap((s) => [...s].flatMap((l, q) => (l === 'I' ? [] : [q])))).size;
    expect(reservoirs.some((r) => spread(r) > 1)).toBe(true);
    expect(reservoirs.some((r) => spread(r) === 1)).toBe(true);
    const h = new Set(systems.flatMap(({ sys }) => Object.keys(sys.hamiltonian)));
    const couplings = new Set(reservoirs.flatMap((r) => Object.keys(r.coupling)));
    for (const s of ['YII', 'XYI', 'YXI']) expect(h.has(s), s).toBe(true);
    expect([...couplings].some((s) => s.split('Y').length % 2 === 0 && nonIdentity(s) === 1)).toBe(true);
    expect(systems.some(({ sys }) => (sys.battery?.qubits.length ?? 0) > 1 && sys.battery?.hamiltonian)).toBe(true);
    for (const { path, sys } of systems) {
      const n = data.cases.find((c) => c.system === path)!.qubits;
      expect([...Object.keys(sys.hamiltonian), ...sys.reservoirs.flatMap((r) => Object.keys(r.coupling))].every((s) => s.length === n), path).toBe(true);
    }
  });

  for (const c of data.cases) {
    it(`${c.id}: G r = 0, r_0 = 1, gap = second eigenvalue, every long-time value finite`, () => {
      const dim = 4 ** c.qubits;
      expect(c.steady.r.length).toBe(dim);
      expect(c.steady.r[0]).toBe(1);
      expect(c.gap).toBe(c.eigenvalues[1][0]);
      expect(c.gap).toBeLessThan(0);
      for (const [k, v] of Object.entries(c.steady)) if (k !== 'r') expect(Number.isFinite(v), k).toBe(true);
      if (!c.generator) return;
      expect(c.generator.length).toBe(dim * dim);
      expect(c.generator.reduce((m, g) => Math.max(m, Math.abs(g)), 0)).toBeCloseTo(c.generator_max_abs, 12);
      let worst = 0;
      for (let i = 0; i < dim; i++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += c.generator[i * dim + j] * c.steady.r[j];
        worst = Math.max(worst, Math.abs(s));
      }
      expect(worst / c.generator_max_abs).toBeLessThan(1e-12);
    });
  }
});
