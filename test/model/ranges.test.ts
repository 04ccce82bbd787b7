// Bounded inputs (issue 13): every numeric parameter has a valid range, checked before any work,
// and everything inside it evaluates to possible observables (efficiency <= 1, ergotropy <= E_B,
// gap <= 0); two sweep axes that set the same parameters are refused.

import { describe, expect, it } from 'vitest';
import { resolvePoint, setParam } from '../../src/model/params.js';
import { paperSystem } from '../../src/system/registry.js';
import { PARAM_RANGES, checkAxisOverlap } from '../../src/model/ranges.js';
import { evaluatePoint } from '../../src/model/point.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { PRESETS } from '../../src/sweep/presets.js';
import { referenceCases } from '../helpers/reference.js';

/** The numbers of a point of the paper's system: its parameters and tau. */
const NUMERIC_KEYS = [...paperSystem().parameters.map((d) => d.name), 'tau'];

describe('parameter ranges', () => {
  it('cover every numeric point parameter, and every public reference case lies inside them', () => {
    for (const k of [...NUMERIC_KEYS, 'lindblad_freq']) expect(PARAM_RANGES[k], k).toBeDefined();
    for (const c of referenceCases) expect(() => resolvePoint(c.inputs), c.name).not.toThrow();
  });

  it('refuse the values of issue 13 with one line naming the parameter', () => {
    expect(() => resolvePoint({ tau: 1e18 })).toThrowError(/^parameter tau: 1e18 is outside the valid range \(from 0 to 1e8 1\/lambda\)/);
    expect(() => resolvePoint({ tau: 1e300 })).toThrowError(/^parameter tau: 1e300 is outside/);
    expect(() => resolvePoint({ F: 1e308 })).toThrowError(/^parameter F: 1e308 is outside/);
    expect(() => resolvePoint({ F: 1e160 })).toThrowError(/^parameter F: 1e160 is outside/);
    expect(() => resolvePoint({ Delta1: 5e19 })).toThrowError(/^parameter Delta1: 5e19 is outside/);
    expect(() => setParam({}, 'Delta', 1e20)).toThrowError(/^parameter Delta: 1e20 is outside the valid range \(from -2000 to 2000 lambda\)/);
    expect(() => setParam({}, 'T', 1e300)).toThrowError(/^parameter T: 1e300 is outside/);
    expect(() => resolvePoint({ reservoir: 'fermion', mu1: -2e6 })).toThrowError(/^parameter mu1: -2e6 is outside/);
    expect(() => resolvePoint({ omega_c: 0 })).toThrowError(/^parameter omega_c/);
    expect(() => resolvePoint({ model: 'lindblad', lindblad_freq: 1e300 })).toThrowError(/^parameter lindblad_freq: 1e300 is outside the valid range \(> 0 to 1e6 lambda\)/);
  });

  it('give possible observables at their edges (float64 reference)', () => {
    const tol = 1e-6;
    const cases: Record<string, unknown>[] = [];
    for (const reservoir of ['boson', 'fermion']) {
      for (const initial_state of ['eg', 'plus']) {
        for (const k of NUMERIC_KEYS) {
          const r = PARAM_RANGES[k];
          const lo = k === 'omega_c' ? 1e-3 : reservoir === 'boson' && (k === 'T1' || k === 'T2') ? 0 : r.min;
          cases.push({ reservoir, initial_state, [k]: lo }, { reservoir, initial_state, [k]: r.max });
        }
        cases.push({ reservoir, initial_state, Delta1: 1e3, Delta2: -1e3, F: 1e3, T1: 1e6, T2: 1e6, alpha1: 1e3, alpha2: 1e3, tau: 1e8, mu1: 1e6, mu2: -1e6 });
        cases.push({ reservoir, initial_state, Delta1: 1e3, F: 1e3, T1: 1e-3, T2: 1e-3, alpha1: 1e-3, alpha2: 1e-3, tau: 1e8, omega_c: 1e6 });
      }
    }
    for (const c of cases) {
      const r = evaluatePoint(resolvePoint(c));
      const at = JSON.stringify(c);
      for (const x of [r.efficiency, r.E_B_over_omega, r.ergotropy_over_omega, r.concurrence, r.liouvillian_gap]) expect(Number.isFinite(x), at).toBe(true);
      expect(r.efficiency, at).toBeLessThanOrEqual(1 + tol);
      expect(r.efficiency, at).toBeGreaterThanOrEqual(-tol);
      expect(r.E_B_over_omega, at).toBeLessThanOrEqual(1 + tol);
      expect(r.ergotropy_over_omega, at).toBeLessThanOrEqual(r.E_B_over_omega + tol);
      expect(r.liouvillian_gap, at).toBeLessThanOrEqual(tol);
    }
  }, 60_000);
});

describe('sweep sizes and axes', () => {
  const axis = (param: string, extra: Record<string, unknown> = {}) => ({ param, from: 0, to: 1, n: 3, ...extra });
  it('refuse overlapping axes and accept coordinate pairs', () => {
    for (const [a, b] of [['T', 'T1'], ['T', 'Tbar'], ['T1', 'dT'], ['mu', 'mu1'], ['mubar', 'mu2'], ['dmu', 'mu'], ['Delta', 'Delta1'], ['Delta_bar', 'Delta2'], ['alpha', 'alpha1']]) {
      expect(() => resolveSpec({ name: 'x', base: {}, axes: [axis(a), axis(b)] }), `${a} ${b}`).toThrowError(new RegExp(`^spec axes: ${a} and ${b} set the same parameters and cannot be swept together`));
    }
    for (const [a, b] of [['Tbar', 'dT'], ['T1', 'T2'], ['mubar', 'dmu'], ['mu1', 'mu2'], ['Delta', 'Delta_bar'], ['Delta1', 'Delta2'], ['alpha1', 'alpha2'], ['T', 'mu'], ['F', 'Delta']]) {
      expect(() => resolveSpec({ name: 'x', base: {}, axes: [axis(a), axis(b)] }), `${a} ${b}`).not.toThrow();
    }
    expect(() => checkAxisOverlap(['T', 'dT', 'Tbar'])).toThrowError(/T and Tbar and dT|T and dT and Tbar/);
    for (const p of Object.keys(PRESETS)) expect(() => resolveSpec(PRESETS[p as keyof typeof PRESETS]), p).not.toThrow();
  });

  it('refuse an axis too long before allocating it', () => {
    const t = performance.now();
    expect(() => resolveSpec({ name: 'x', base: {}, axes: [{ param: 'F', from: 0, to: 1, n: 1e9 }] })).toThrowError(/^spec axes\[0\] \(F\): n = 1000000000 is more than the 1048576 points an axis may have$/);
    expect(() => resolveSpec({ name: 'x', base: {}, axes: [{ param: 'F', from: 0, to: 1, n: 1e20 }] })).toThrowError(/n = 100000000000000000000 is more than/);
    expect(performance.now() - t).toBeLessThan(1000);
  });
});
