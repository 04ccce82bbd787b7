// Specs: a run's NAME.json reruns it exactly; presets take overrides; the base takes the names
// the flags and axes take; captions say what the axes do not.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { Grid } from '../../src/sweep/grid.js';
import { sweepCaption } from '../../src/io/sweepFigure.js';
import type { SweepResult } from '../../src/sweep/run.js';
import { named } from '../helpers/named.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-spec-'));

describe('spec base', () => {
  it('takes the derived names (Tbar, dT, mubar, dmu, Delta, Delta_bar, alpha, theta) and refuses mixed spellings', () => {
    const base = (b: Record<string, unknown>) => resolveSpec({ name: 'x', base: b, axes: [{ param: 'F', values: [0.5] }] }).base!;
    expect(base({ Tbar: 2, dT: 0.5 })).toMatchObject({ T1: 2.25, T2: 1.75 });
    expect(base({ reservoir: 'fermion', mubar: 1, dmu: -2 })).toMatchObject({ mu1: 0, mu2: 2 });
    expect(base({ Delta: 3, Delta_bar: 1 })).toMatchObject({ Delta1: 2.5, Delta2: -0.5 });
    expect(base({ alpha: 0.05 })).toMatchObject({ alpha1: 0.05, alpha2: 0.05 });
    expect(base({ T: 2 })).toMatchObject({ T1: 2, T2: 2 });
    expect(base({ theta: 0.3 }).initial_state).toMatchObject({ theta: 0.3 });
    expect(() => base({ T1: 1, Tbar: 2 })).toThrow(/spec base: Tbar and T1 both set/);
    expect(() => base({ Tbar: 'warm' })).toThrow(/spec base Tbar: must be a number/);
  });

  it('captions name the initial state and every base parameter that differs from its default', () => {
    const spec = resolveSpec({ name: 'c', base: { reservoir: 'fermion', alpha: 0.05, mu1: 2, mu2: 2, tau: 100, initial_state: { label: 'plus' } }, axes: [{ param: 'Delta', from: -1, to: 1, n: 3 }, { param: 'mu', values: [1, 2] }] });
    const caption = sweepCaption({ spec, grid: new Grid(spec) } as SweepResult, 'efficiency');
    expect(caption).toBe('efficiency: ρ(τ) at τ = 100/λ from (|eg⟩ + |ge⟩)/√2; redfield, fermion reservoirs; α₁ = 0.05, α₂ = 0.05');
  });
});

describe('qbsweep sweep: specs and presets', () => {
  it('a preset with overrides and two pictures; its NAME.json reruns it to the same CSV', async () => {
    const a = tmp();
    const b = tmp();
    const r = runCli(['sweep', '--preset', 'fig9', '--grid', '4x3', '--state', 'plus', '--tau', '100', '--set', 'alpha=0.05', '--set', 'reservoir="boson"', '--plot', 'efficiency,concurrence', '--backend', 'cpu', '--quiet', '--out', a]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['fig9.png', 'fig9.concurrence.png']) expect(existsSync(join(a, f)), f).toBe(true);
    const m = JSON.parse(readFileSync(join(a, 'fig9.json'), 'utf8'));
    expect(m.spec.base).toMatchObject({ tau: 100, alpha1: 0.05, alpha2: 0.05, initial_state: { label: 'plus' } });
    expect(m.spec.plot).toEqual(['efficiency', 'concurrence']);
    const again = await runCliAsync(['sweep', '--spec', join(a, 'fig9.json'), '--backend', 'cpu', '--quiet', '--out', b]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(b, 'fig9.csv'), 'utf8')).toBe(readFileSync(join(a, 'fig9.csv'), 'utf8'));
    expect(JSON.parse(readFileSync(join(b, 'fig9.json'), 'utf8')).spec).toEqual(m.spec);
  }, 120_000);

  it('refuses an override of an axis, an unknown key and an output it does not have, in one line', () => {
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--set', 'Delta=1']), /^qbsweep: option --set\/--Delta: Delta is an axis of this sweep/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--set', 'Q=1']), /^qbsweep: option --set: system wang2023 has no Q \(parameters: Delta1, /);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--set', 'tau']), /^qbsweep: option --set: expected NAME=VALUE/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--plot', 'rho_real']), /^qbsweep: option --plot: "rho_real" is not an output of this sweep/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--tau', '-1']), /tau/);
  });
});

describe('a spec means one thing (issue 17)', () => {
  const fig9Like = (axes: unknown[]) => resolveSpec({ name: 'r', base: { F: 0.5 }, axes, outputs: ['efficiency'] });

  it('a relative axis reads the point\'s own value of its reference, whichever axis is listed first', async () => {
    const { ROW, PARAM_STRIDE } = await import('../../src/core/layout.js');
    for (const axes of [
      [{ param: 'dT', values: [-1, 1], relative_to: 'Tbar' }, { param: 'Tbar', values: [0.5, 2] }],
      [{ param: 'Tbar', values: [0.5, 2] }, { param: 'dT', values: [-1, 1], relative_to: 'Tbar' }],
      [{ param: 'dT', values: [-1, 1], relative_to: 'Tbar' }, { param: 'Delta', values: [0, 1] }, { param: 'Tbar', values: [0.5, 2] }],
    ]) {
      const grid = new Grid(fig9Like(axes));
      const iT = grid.space.params.indexOf('T1');
      const rows = new Float64Array(grid.count * PARAM_STRIDE);
      grid.fillRows(0, grid.count, rows);
      const dTi = grid.axes.findIndex((a) => a.param === 'dT');
      const Ti = grid.axes.findIndex((a) => a.param === 'Tbar');
      for (let k = 0; k < grid.count; k++) {
        const c = grid.coordinateValues(k);
        const Tbar = c[Ti];
        const dT = c[dTi] * Tbar; // -1 at Tbar 0.5 is dT = -0.5 (it was -1: the base Tbar)
        expect(grid.axisValues(k)[dTi]).toBeCloseTo(dT, 14);
        expect(named(grid.point(k))).toMatchObject({ T1: expect.closeTo(Tbar + dT / 2, 14), T2: expect.closeTo(Tbar - dT / 2, 14) });
        expect(rows[k * PARAM_STRIDE + ROW.params + iT]).toBeCloseTo(Tbar + dT / 2, 14);
        expect(rows[k * PARAM_STRIDE + ROW.params + iT + 1]).toBeCloseTo(Tbar - dT / 2, 14);
      }
      // the HDF5/CSV absolute coordinate says the same
      const abs = grid.absoluteCoordinates()[0];
      expect(abs.name).toBe('dT');
      expect([...abs.values].sort((a, b) => a - b)).toEqual([-2, -0.5, 0.5, 2]);
    }
  });

  it('refuses relative_to of the axis itself, a reference the axis moves, a circle, and duplicate values, before computing', () => {
    expect(() => fig9Like([{ param: 'dT', values: [-1, 1], relative_to: 'dT' }])).toThrow(/^spec axes\[0\] \(dT\): relative_to names the axis itself/);
    expect(() => fig9Like([{ param: 'dT', values: [-1, 1], relative_to: 'T1' }])).toThrow(/^spec axes\[0\] \(dT\): relative_to T1 is moved by setting dT/);
    expect(() => fig9Like([{ param: 'dT', values: [-1, 1], relative_to: 'Tbar' }, { param: 'Tbar', values: [1, 2], relative_to: 'dT' }])).toThrow(/relative_to goes round in a circle \(dT -> Tbar -> dT\)/);
    expect(() => fig9Like([{ param: 'F', values: [0.5, 0.5, 1] }, { param: 'Delta', from: -1, to: 1, n: 3 }])).toThrow(/^spec axes\[0\] \(F\): values\[0\] and values\[1\] are both 0.5; each value of an axis must be distinct/);
    expect(() => fig9Like([{ param: 'F', values: [1, 0, -0] }])).toThrow(/values\[1\] and values\[2\] are both 0/);
    expect(() => resolveSpec({ name: 'o', axes: [{ param: 'F', values: [1] }], outputs: ['efficiency', 'concurrence', 'efficiency'] })).toThrow(/^spec outputs: "efficiency" is listed twice/);
    expect(() => resolveSpec({ name: 'o', axes: [{ param: 'F', values: [1] }], outputs: ['efficiency'], plot: ['efficiency', 'efficiency'] })).toThrow(/^spec plot: "efficiency" is listed twice/);
  });

  it('refuses on the command line, writing nothing: duplicates, and a flag the axes overwrite (fig9 --T1)', () => {
    const out = tmp();
    const dup = join(out, 'dup.json');
    writeFileSync(dup, JSON.stringify({ name: 'a', axes: [{ param: 'F', values: [0.5, 0.5, 1] }, { param: 'Delta', from: -1, to: 1, n: 3 }] }));
    const o = join(out, 'o');
    const sweep = (...args: string[]) => runCli(['sweep', '--backend', 'cpu', '--out', o, ...args]);
    expectOneLineError(sweep('--spec', dup), /^qbsweep: spec axes\[0\] \(F\): values\[0\] and values\[1\] are both 0.5/);
    expectOneLineError(sweep('--preset', 'fig9', '--T1', '3'), /^qbsweep: option --T1: T1 = 3 would not be used: the axes Tbar and dT of this sweep set T1 at the points/);
    expectOneLineError(sweep('--preset', 'fig9', '--T', '2'), /^qbsweep: option --T: T = 2 would not be used: the axis Tbar of this sweep sets T/);
    expectOneLineError(sweep('--preset', 'fig9', '--set', 'T=2'), /^qbsweep: option --set T: T = 2 would not be used/);
    expectOneLineError(sweep('--preset', 'fig9', '--set', 'alpha=0.1', '--set', 'alpha=0.2'), /^qbsweep: option --set: alpha is set twice/);
    expectOneLineError(sweep('--preset', 'fig9', '--F', '1', '--set', 'F=1'), /^qbsweep: options --F and --set F: both set F; give it once/);
    expectOneLineError(sweep('--preset', 'fig9', '--outputs', 'efficiency,efficiency'), /^qbsweep: option --outputs: efficiency is listed twice/);
    expectOneLineError(sweep('--preset', 'fig9', '--plot', 'efficiency,efficiency'), /^qbsweep: option --plot: efficiency is listed twice/);
    expect(existsSync(o)).toBe(false);
  });
});
