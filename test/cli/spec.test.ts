// Specs: a run's NAME.json reruns it exactly; presets take overrides; the base takes the names
// the flags and axes take; captions say what the axes do not.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { Grid } from '../../src/sweep/grid.js';
import { sweepCaption } from '../../src/io/sweepFigure.js';
import type { SweepResult } from '../../src/sweep/run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-spec-'));

describe('spec base', () => {
  it('takes the derived names (Tbar, dT, mubar, dmu, Delta, Delta_bar, alpha, theta) and refuses mixed spellings', () => {
    const base = (b: Record<string, unknown>) => resolveSpec({ name: 'x', base: b, axes: [{ param: 'F', values: [0.5] }] }).base;
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
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--set', 'Q=1']), /^qbsweep: option --set: unknown parameter "Q"/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--set', 'tau']), /^qbsweep: option --set: expected NAME=VALUE/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--plot', 'rho_real']), /^qbsweep: option --plot: "rho_real" is not an output of this sweep/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--tau', '-1']), /tau/);
  });
});
