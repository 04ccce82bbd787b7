// The quantum-battery figures of merit (float64): analytic qubit states, equilibrium reservoirs,
// the first and second law, and the charging powers against an independent exponential.

import { describe, expect, it } from 'vitest';
import { evolveExact, initialVector } from '../../src/model/evolve.js';
import { generator } from '../../src/model/generators.js';
import { batteryObservables, stateObservables } from '../../src/model/observables.js';
import { type PointInput, resolvePoint, setParam } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import { eigenvalues } from '../../src/model/eigenvalues.js';

/** r of a product state rho_charger (x) rho_battery from the two Bloch vectors. */
function product(a: [number, number, number], b: [number, number, number]): Float64Array {
  const r = new Float64Array(16);
  const A = [1, ...a];
  const B = [1, ...b];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) r[4 * i + j] = A[i] * B[j];
  return r;
}

describe('state observables of analytic qubit states', () => {
  it('a pure battery state: entropy 0, purity 1, capacity 1; |+>: all ergotropy coherent', () => {
    const s = stateObservables(product([0, 0, 1], [1, 0, 0]));
    expect(s.battery_entropy).toBeCloseTo(0, 12);
    expect(s.battery_purity).toBeCloseTo(1, 14);
    expect(s.capacity_over_omega).toBeCloseTo(1, 14);
    expect(s.ergotropy_incoherent_over_omega).toBe(0);
    expect(s.ergotropy_coherent_over_omega).toBeCloseTo(0.5, 14);
    // rho = |e><e| (x) |+><+| is pure: eigenvalues 1, 0, 0, 0
    expect(s.rho_min_eigenvalue).toBeCloseTo(0, 12);
  });

  it('a diagonal (dephased) battery state has no coherent ergotropy; the maximally mixed one has entropy ln 2', () => {
    const d = stateObservables(product([0.3, 0, 0], [0, 0, 0.4]));
    expect(d.ergotropy_coherent_over_omega).toBeCloseTo(0, 14);
    expect(d.ergotropy_incoherent_over_omega).toBeCloseTo(0.4, 14);
    expect(d.ergotropy_incoherent_over_omega).toBeCloseTo(batteryObservables(product([0.3, 0, 0], [0, 0, 0.4])).ergotropy_over_omega, 14);
    const p = [0.7, 0.3];
    expect(d.battery_entropy).toBeCloseTo(-p.reduce((s, x) => s + x * Math.log(x), 0), 13);
    const m = stateObservables(product([0, 0, 0], [0, 0, 0]));
    expect(m.battery_entropy).toBeCloseTo(Math.LN2, 14);
    expect(m.battery_purity).toBeCloseTo(0.5, 14);
    expect(m.rho_min_eigenvalue).toBeCloseTo(0.25, 14);
  });

  it('negativity: 1/2 for a Bell state, 0 for a product state, (3p - 1)/4 for a Werner state above p = 1/3', () => {
    // |Phi+> = (|ee> + |gg>)/sqrt2: r = (1, XX, -YY, ZZ) (Tr rho sigma_y (x) sigma_y = -1)
    const bell = Float64Array.from({ length: 16 }, (_, i) => ({ 0: 1, 5: 1, 10: -1, 15: 1 })[i] ?? 0);
    expect(stateObservables(bell).negativity).toBeCloseTo(0.5, 14);
    // pure, so rho^T_B has eigenvalue 0 twice: rounding may leave -1e-17
    expect(stateObservables(product([0.6, 0, 0.8], [0, 0.6, -0.8])).negativity).toBeLessThan(1e-14);
    for (const p of [0.2, 1 / 3, 0.5, 0.9]) {
      const werner = bell.map((x, i) => (i === 0 ? 1 : p * x));
      expect(stateObservables(werner).negativity, `p = ${p}`).toBeCloseTo(Math.max(0, (3 * p - 1) / 4), 14);
    }
  });

  it('rho_min_eigenvalue sees a non-positive "state"', () => {
    // |r_B| = 1.2 > 1 is not a state: the battery factor has eigenvalue (1 - 1.2)/2 = -0.1
    const s = stateObservables(product([0, 0, 1], [0, 0, 1.2]));
    expect(s.rho_min_eigenvalue).toBeCloseTo(-0.1, 12);
  });
});

const NONEQ: [string, PointInput][] = [
  ['wang2023 boson dT', setParam(setParam({ F: 0.7 }, 'Delta', 2.2), 'dT', 0.8)],
  ['wang2023 fermion bias', { reservoir: 'fermion', F: 1.1, Delta1: 1.5, Delta2: -0.4, mu1: 2.5, mu2: -1, T1: 0.8, T2: 1.2 }],
  ['wang2023 bloch-redfield', { model: 'bloch-redfield', F: 0.4, Delta1: -1, Delta2: 1.3, T1: 2, T2: 0.5 }],
  ['wang2023 lindblad', { model: 'lindblad', F: 0.9, Delta1: 1, T1: 1.5, T2: 0.4 }],
  ['xxz', { system: 'xxz', Jz: 0.7, Delta1: 1.2, T1: 1.6, T2: 0.6 }],
  ['common-bath', { system: 'common-bath', g2: 0.6, Delta1: -2, F: 1.2, T: 0.7 }],
  ['three reservoirs, Drude-Lorentz dephasing', { system: 'test/data/systems/dephasing-three-baths.json', T1: 1.8, T2: 0.5 }],
  ['fermion Drude-Lorentz leads', { system: 'test/data/systems/heisenberg-fermion-drude.json' }],
];

describe('thermodynamics of the long-time state', () => {
  it('equilibrium boson reservoirs: zero energy currents and zero entropy production', () => {
    for (const input of [{ F: 0.8, Delta1: 1.3, Delta2: -0.2, T1: 0.9, T2: 0.9 }, { system: 'xxz', Delta1: 2, T1: 1.3, T2: 1.3 }]) {
      const r = evaluatePoint(resolvePoint(input));
      const s = r.steady as unknown as Record<string, number>;
      expect(Math.abs(s.heat_current_1)).toBeLessThan(1e-13);
      expect(Math.abs(s.heat_current_2)).toBeLessThan(1e-13);
      expect(Math.abs(s.entropy_production)).toBeLessThan(1e-12);
    }
  });

  for (const [label, input] of NONEQ) {
    it(`first law to 1e-12 and second law: ${label}`, () => {
      const p = resolvePoint(input);
      const r = evaluatePoint(p);
      expect(r.steady.kernel_dim).toBe(1);
      const s = r.steady as unknown as Record<string, number>;
      const J = p.system.reservoirs.map((_, k) => s[`heat_current_${k + 1}`]);
      expect(J.every(Number.isFinite)).toBe(true);
      // a single reservoir carries no current in the steady state (the first law alone); two or more at different temperatures do
      if (J.length > 1) expect(Math.max(...J.map(Math.abs))).toBeGreaterThan(1e-6);
      expect(Math.abs(J.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
      expect(r.steady.entropy_production).toBeGreaterThan(-1e-12);
      expect(r.flags).not.toContain('first-law');
      expect(r.flags).not.toContain('second-law');
      expect(r.flags).not.toContain('non-positive');
      // an independent current: J_k = Tr(H D_k rho) = d<H>/dt from reservoir k alone, by finite
      // difference of the generator restricted to it is not available here; the sum is, exactly:
      // d<H>/dt = h . (G r_ss) = 0, checked above through the first law
    });
  }

  it('a chemical-potential bias: particles flow from the high-mu lead to the low-mu one, and the entropy production is positive', () => {
    for (const T of [[1, 1], [0.5, 2], [2, 0.5]]) {
      for (const F of [0, 0.5]) {
        const r = evaluatePoint(resolvePoint({ reservoir: 'fermion', F, Delta1: 0.5, Delta2: -0.5, mu1: 2, mu2: -1, T1: T[0], T2: T[1] }));
        const s = r.steady as unknown as Record<string, number>;
        expect(s.particle_current_1, `T ${T} F ${F}`).toBeGreaterThan(1e-4);
        expect(s.particle_current_2, `T ${T} F ${F}`).toBeLessThan(-1e-4);
        expect(r.steady.entropy_production, `T ${T} F ${F}`).toBeGreaterThan(0);
        expect(r.flags).not.toContain('second-law');
      }
    }
  });

  it('particle currents only for fermion reservoirs', () => {
    const f = evaluatePoint(resolvePoint(NONEQ[1][1])).steady as unknown as Record<string, number>;
    expect(typeof f.particle_current_1).toBe('number');
    const b = evaluatePoint(resolvePoint(NONEQ[0][1])).steady as unknown as Record<string, number>;
    expect(b.particle_current_1).toBeUndefined();
  });
});

describe('average charging power', () => {
  it('(E_B(tau) - E_B(0)) / tau against an independent exponential at short times', () => {
    for (const tau of [0.5, 2, 9]) {
      const p = resolvePoint(setParam({ F: 1.2, tau }, 'Delta', 3));
      const r = evaluatePoint(p);
      const { G } = generator(p);
      const r0 = initialVector(p);
      const rt = evolveExact(G, r0, tau);
      const e = (v: Float64Array) => batteryObservables(v);
      expect(r.average_power).toBeCloseTo((e(rt).E_B_over_omega - e(r0).E_B_over_omega) / tau, 12);
      expect(r.average_ergotropic_power).toBeCloseTo((e(rt).ergotropy_over_omega - e(r0).ergotropy_over_omega) / tau, 12);
    }
    expect(evaluatePoint(resolvePoint({ tau: 0 })).average_power).toBe(0);
  });
});

describe('strong coupling and low temperature (within the valid ranges)', () => {
  // alpha = 10..50 with omega_c = 50, T = 0.01: the QR iteration once gave up ("did not converge")
  // and rounding at equilibrium, amplified by 1/T, raised a false second-law flag
  const points: PointInput[] = [
    { alpha1: 50, alpha2: 50, T1: 0.01, T2: 0.01, Delta1: -0.5, Delta2: 0.5, F: 0.2, omega_c: 50 },
    { alpha1: 10, alpha2: 10, T1: 0.01, T2: 0.01, Delta1: -0.5, Delta2: 0.5, F: 0.2, omega_c: 50 },
    { alpha1: 50, alpha2: 50, T1: 0.1, T2: 0.1, Delta1: -0.5, Delta2: 0.5, F: 0.2, omega_c: 50 },
    { alpha1: 50, alpha2: 50, T1: 1, T2: 1, Delta1: 0.15, Delta2: -0.15, F: 0.2, omega_c: 5 },
    { alpha1: 1, alpha2: 1, T1: 0.001, T2: 0.001, Delta1: 0.5, Delta2: -0.5, F: 0.5 },
  ];
  for (const input of points) {
    it(`converges, its eigenvalues sum to tr G, and equilibrium raises no law flag: ${JSON.stringify(input)}`, () => {
      const p = resolvePoint(input);
      const r = evaluatePoint(p);
      const G = generator(p).G;
      let trace = 0;
      for (let i = 0; i < 16; i++) trace += G[i * 16 + i];
      const { re } = eigenvalues(G, 16);
      expect(Math.abs(re.reduce((a, b) => a + b, 0) - trace)).toBeLessThan(1e-9 * Math.abs(trace));
      expect(r.liouvillian_gap).toBeLessThan(0);
      expect(r.flags).not.toContain('first-law');
      expect(r.flags).not.toContain('second-law');
    });
  }
});
