// One form of a point: resolved once from the user's input, passed on to the grid and the
// cross-check as that object, its row written by one function (pointRow).

import { afterAll, describe, expect, it } from 'vitest';
import { PARAM_STRIDE } from '../../src/core/layout.js';
import { pointRow } from '../../src/model/generators.js';
import { resolvePoint } from '../../src/model/params.js';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { applyPointFlags } from '../../src/cli/point.js';
import { Grid } from '../../src/sweep/grid.js';
import { runSweep } from '../../src/sweep/run.js';
import { resolveSpec, specOfPoint } from '../../src/sweep/spec.js';

const cpu = new CpuBackend(1);
afterAll(() => cpu.close());

const rowOf = (g: Grid, k: number) => {
  const row = new Float64Array(PARAM_STRIDE);
  g.fillRows(k, 1, row);
  return Array.from(row);
};

describe('one point from the resolver to the row', () => {
  it('a spec resolves its base once: the grid holds that very point', () => {
    const spec = resolveSpec({ name: 's', base: { Tbar: 1.5, F: 0.7 }, axes: [{ param: 'Delta', values: [-1, 2] }] });
    const grid = new Grid(spec);
    expect(grid.base).toBe(spec.point);
    expect(spec.point).toEqual(resolvePoint(spec.base));
  });

  it('a point run on a backend: the one-point sweep and its float64 cross-check get the point the resolver built, not a rebuild', async () => {
    const p = resolvePoint(applyPointFlags({ reservoir: 'fermion' }, { system: 'xxz', set: ['Jz=0.4'], theta: '0.3', tau: '40' }));
    const spec = specOfPoint(p, { name: 'point', axes: [{ param: 'tau', values: [p.tau] }], outputs: ['efficiency'] });
    expect(spec.point).toBe(p);
    const res = await runSweep(spec, { backend: cpu, check: 1 });
    expect(res.grid.base).toBe(p);
    // the point the cross-check evaluates (grid.point) is p with the axis applied: the same numbers, state and settings
    expect(res.grid.point(0)).toEqual(p);
    expect(rowOf(res.grid, 0)).toEqual(Array.from(pointRow(p)));
  });

  it("a sweep point's row equals the row `point` writes for the same input (theta axis, relative dT, lindblad frequency M)", () => {
    const base = { F: 0.6, Tbar: 1.2, model: 'lindblad', lindblad_freq: 'M', initial_state: { phi: 0.4 } };
    const spec = resolveSpec({
      name: 'rows',
      base,
      axes: [
        { param: 'theta', values: [0.2, 1.1] },
        { param: 'dT', values: [-0.5, 0.75], relative_to: 'Tbar' },
        { param: 'Delta', values: [-2, 0.5, 3] },
      ],
    });
    const grid = new Grid(spec);
    for (let k = 0; k < grid.count; k++) {
      const [theta, dT, Delta] = grid.axisValues(k);
      // the same point as `qbsweep point --F 0.6 --T-bar 1.2 --dT .. --delta .. --theta .. --phi 0.4 --model lindblad --lindblad-freq M` resolves it
      const flags = { F: '0.6', TBar: '1.2', dT: String(dT), delta: String(Delta), theta: String(theta), phi: '0.4', model: 'lindblad', lindbladFreq: 'M' };
      const p = resolvePoint(applyPointFlags({}, flags));
      expect(rowOf(grid, k), `point ${k}`).toEqual(Array.from(pointRow(p)));
      expect(grid.point(k)).toMatchObject({ values: p.values, tau: p.tau, psi_real: p.psi_real, psi_imag: p.psi_imag, state_label: p.state_label });
    }
  });

  it('grid corners are checked with the messages resolvePoint gives', () => {
    const spec = resolveSpec({ name: 'c', base: {}, axes: [{ param: 'T1', values: [0.5, -1] }] });
    expect(() => new Grid(spec).validate()).toThrow(/^parameter T1: a boson reservoir needs temperature >= 0 \(got -1\); negative temperatures give negative rates at grid point T1=-1$/);
    expect(() => resolvePoint({ T1: -1 })).toThrow(/^parameter T1: a boson reservoir needs temperature >= 0 \(got -1\); negative temperatures give negative rates$/);
  });
});
