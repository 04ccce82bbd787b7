// The leap's step plan (src/compiler/steps.ts), one definition in every dialect: whole steps that
// land on tau, never longer than the base step, and the base step min(0.2, 1/||G||).

import { describe, expect, it } from 'vitest';
import { stepFunctions, stepsF64 } from '../../src/compiler/steps.js';
import { evenSteps } from '../../src/model/evolve.js';

describe('the leap step plan', () => {
  it('float64: n = ceil(tau / h0) whole steps, tau = n h exactly, h <= h0; none at tau = 0', () => {
    const { leapSteps, defaultStepOf } = stepsF64();
    expect(leapSteps(1, 0.2)).toBe(5); // 1 / 0.2 = 5.000000000000001 in float64: no sixth step
    expect(leapSteps(1.3, 0.2)).toBe(7);
    expect(leapSteps(0, 0.2)).toBe(0);
    expect(leapSteps(20000, 0.2)).toBe(100000);
    for (const tau of [0.3, 0.7, 3.3, 7.1, 123.456]) {
      const { steps, h } = evenSteps(tau, 0.2);
      expect(steps * h).toBeCloseTo(tau, 12);
      expect(h).toBeLessThanOrEqual(0.2);
      expect(h).toBeGreaterThan(0.2 * (1 - 1 / steps) - 1e-15);
    }
    expect(defaultStepOf(2)).toBe(0.2);
    expect(defaultStepOf(10)).toBe(0.1);
  });
  it('WGSL and gpu.js get the same formulas with their precision slack', () => {
    const wgsl = stepFunctions('wgsl');
    expect(wgsl).toMatch(/fn leap_steps\(tau: f32, h0: f32\) -> f32 \{\n\s+let n = select\(0\.0, max\(1\.0, ceil\(tau \/ h0 - 0\.000001\)\), tau > 0\.0\);/);
    expect(wgsl).toMatch(/fn default_step_of\(norm: f32\) -> f32 \{\n\s+let h0 = min\(0\.2, 1\.0 \/ max\(norm, 1e-30\)\);/);
    expect(stepFunctions('gpujs')).toMatch(/Math\.ceil\(tau \/ h0 - 0\.000001\)/);
  });
});
