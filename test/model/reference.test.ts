// All 22 public reference cases through the float64 core, every output.

import { describe, expect, it } from 'vitest';
import { resolvePoint } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import { generator } from '../../src/model/generators.js';
import { spectrum } from '../../src/model/spectrum.js';
import { F64_TOL, maxAbsDiff, referenceCases } from '../helpers/reference.js';

describe('float64 core reproduces the public reference cases', () => {
  it('has all 22 cases', () => expect(referenceCases.length).toBe(22));

  for (const c of referenceCases) {
    it(c.name, () => {
      const r = evaluatePoint(resolvePoint(c.inputs));
      const o = c.outputs;
      expect(Math.abs(r.efficiency - o.efficiency)).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(r.E_B_over_omega - o.E_B_over_omega)).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(r.ergotropy_over_omega - o.ergotropy_over_omega)).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(r.liouvillian_gap - o.liouvillian_gap)).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(r.concurrence - o.concurrence)).toBeLessThanOrEqual(F64_TOL.concurrence);
      expect(maxAbsDiff(r.rho_real, o.rho_real)).toBeLessThanOrEqual(F64_TOL.rho);
      expect(maxAbsDiff(r.rho_imag, o.rho_imag)).toBeLessThanOrEqual(F64_TOL.rho);
      // the exact long-time limit and the kernel dimension
      expect(r.steady.kernel_dim).toBe(o.extra.kernel_dim);
      expect(Math.abs(r.steady.efficiency - o.extra.efficiency_kernel_projection)).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(r.flags.includes('bistable')).toBe(o.extra.kernel_dim > 1);
      // the top of the spectrum, not just the gap (real parts; equal ones come in conjugate pairs)
      const eigs = spectrum(generator(resolvePoint(c.inputs)).G);
      o.extra.spectrum_top4.forEach(([re], k) => expect(Math.abs(eigs[k].re - re)).toBeLessThanOrEqual(F64_TOL.scalar));
    });
  }
});
