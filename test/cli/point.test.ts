// `qbsweep point` as a user runs it: reference cases through the CLI, flags, bad input.

import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';
import { F64_TOL, maxAbsDiff, referenceCases } from '../helpers/reference.js';

describe('qbsweep point --params - --json reproduces every public reference case', () => {
  it('all 22 cases, every output', async () => {
    // the 22 processes run two at a time (two cores)
    const results: { name: string; out: ReturnType<typeof JSON.parse> }[] = [];
    for (let k = 0; k < referenceCases.length; k += 2) {
      const batch = referenceCases.slice(k, k + 2);
      const rs = await Promise.all(batch.map((c) => runCliAsync(['point', '--params', '-', '--json'], JSON.stringify(c.inputs))));
      rs.forEach((r, i) => {
        expect(r.code, r.stderr).toBe(0);
        results.push({ name: batch[i].name, out: JSON.parse(r.stdout) });
      });
    }
    results.forEach(({ name, out }, k) => {
      const o = referenceCases[k].outputs;
      const ctx = name;
      expect(Math.abs(out.efficiency - o.efficiency), ctx).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(out.E_B_over_omega - o.E_B_over_omega), ctx).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(out.ergotropy_over_omega - o.ergotropy_over_omega), ctx).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(out.liouvillian_gap - o.liouvillian_gap), ctx).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(Math.abs(out.concurrence - o.concurrence), ctx).toBeLessThanOrEqual(F64_TOL.concurrence);
      expect(maxAbsDiff(out.rho_real, o.rho_real), ctx).toBeLessThanOrEqual(F64_TOL.rho);
      expect(maxAbsDiff(out.rho_imag, o.rho_imag), ctx).toBeLessThanOrEqual(F64_TOL.rho);
      expect(out.steady.kernel_dim, ctx).toBe(o.extra.kernel_dim);
      expect(Math.abs(out.steady.efficiency - o.extra.efficiency_kernel_projection), ctx).toBeLessThanOrEqual(F64_TOL.scalar);
      expect(out.backend).toBe('cpu');
      expect(Array.isArray(out.flags)).toBe(true);
    });
  }, 300_000);
});

describe('flags for people map onto the same parameters', () => {
  it('--delta/--T-bar/--dT give the reference case pub-R-bos-D3.1-neq-dT0.9', () => {
    const c = referenceCases.find((x) => x.name === 'pub-R-bos-D3.1-neq-dT0.9')!;
    const r = runCli(['point', '--delta', '3.1', '--T-bar', '1', '--dT', '0.9', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.params.T1).toBeCloseTo(1.45, 14);
    expect(out.params.T2).toBeCloseTo(0.55, 14);
    expect(Math.abs(out.efficiency - c.outputs.efficiency)).toBeLessThanOrEqual(F64_TOL.scalar);
  });
  it('fermion flags, --mu-bar/--dmu and --state; flags override --params', () => {
    const c = referenceCases.find((x) => x.name === 'pub-R-fer-D-2.5-mub6-dmu2.5')!;
    const r = runCli(['point', '--params', '-', '--reservoir', 'fermion', '--delta', '-2.5', '--mu-bar', '6', '--dmu', '2.5', '--json'], JSON.stringify({ F: 0.5, mu1: 99 }));
    expect(r.code, r.stderr).toBe(0);
    expect(Math.abs(JSON.parse(r.stdout).efficiency - c.outputs.efficiency)).toBeLessThanOrEqual(F64_TOL.scalar);
  });
  it('prints a readable table without --json', () => {
    const r = runCli(['point', '--delta', '1.3', '--F', '0.7']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/efficiency P\s+0\.474458/);
    expect(r.stdout).toMatch(/Liouvillian gap\s+-0\.0774/);
  });
  it('rounding noise is printed as 0, real values as computed (issue 18: currents 4e-17, gap 1e-13 at equilibrium)', () => {
    // the default point: equal temperatures (no currents), bistable (gap 0), ergotropy 0 in the long-time limit
    const eq = JSON.parse(runCli(['point', '--json']).stdout);
    expect([eq.steady.heat_current_1, eq.steady.heat_current_2, eq.steady.entropy_production, eq.liouvillian_gap]).toEqual([0, 0, 0, 0]);
    expect([eq.ergotropy_over_omega, eq.steady.ergotropy_over_omega, eq.efficiency, eq.average_ergotropic_power]).toEqual([0, 0, 0, 0]);
    expect(eq.E_B_over_omega).toBeCloseTo(0.5, 12);
    expect(eq.average_power).toBeCloseTo(0.5 / 20000, 15);
    const table = runCli(['point']).stdout;
    expect(table).toMatch(/reservoir 1: long-time energy current 0\n/);
    expect(table).toMatch(/Liouvillian gap\s+0 /);
    expect(table).not.toMatch(/e-1[0-9]/);
    // out of equilibrium the same outputs are numbers, unchanged (the public case pub-R-bos-D3.1-neq-dT0.9)
    const c = referenceCases.find((x) => x.name === 'pub-R-bos-D3.1-neq-dT0.9')!;
    const neq = JSON.parse(runCli(['point', '--params', '-', '--json'], JSON.stringify(c.inputs)).stdout);
    expect(Math.abs(neq.liouvillian_gap - c.outputs.liouvillian_gap)).toBeLessThanOrEqual(F64_TOL.scalar);
    expect(neq.steady.heat_current_1).toBeCloseTo(-neq.steady.heat_current_2, 12);
    expect(Math.abs(neq.steady.heat_current_1)).toBeGreaterThan(1e-3);
  });
  it('--help documents units and defaults', () => {
    const r = runCli(['point', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--dT <x>\s+temperature difference T1 - T2 \[lambda\]/);
    expect(r.stdout).toMatch(/--tau <t>\s+charging time \[1\/lambda\] \(default 20000\)/);
  });
});

describe('bad input: one clear line, exit 2, nothing written', () => {
  const cases: [string, string[], string | undefined, RegExp][] = [
    ['boson T < 0 (flag)', ['point', '--T1', '-0.5'], undefined, /parameter T1: a boson reservoir needs temperature >= 0/],
    ['boson T < 0 (json)', ['point', '--params', '-'], '{"T2": -1}', /parameter T2: a boson reservoir needs temperature >= 0/],
    ['NaN', ['point', '--F', 'nan'], undefined, /parameter F: must be finite \(got NaN\)/],
    ['infinite (flag)', ['point', '--tau', 'inf'], undefined, /parameter tau: must be finite/],
    ['infinite (json)', ['point', '--params', '-'], '{"omega_c": 1e999}', /parameter omega_c: must be finite/],
    ['not a number', ['point', '--F', 'abc'], undefined, /option --F: "abc" is not a number/],
    ['alpha < 0', ['point', '--alpha2', '-0.1'], undefined, /parameter alpha2: coupling strength must be >= 0/],
    ['omega_c <= 0', ['point', '--omega-c', '0'], undefined, /parameter omega_c: cutoff frequency must be > 0/],
    ['tau < 0', ['point', '--tau', '-1'], undefined, /parameter tau: evolution time must be >= 0/],
    ['unknown model', ['point', '--model', 'secular'], undefined, /parameter model: unknown value "secular" \(expected redfield, bloch-redfield, lindblad\)/],
    ['unknown reservoir', ['point', '--params', '-'], '{"reservoir": "photon"}', /parameter reservoir: unknown value "photon"/],
    ['unknown state label', ['point', '--state', 'up'], undefined, /parameter initial_state.label: unknown state "up"/],
    ['all-zero psi', ['point', '--params', '-'], '{"initial_state": {"psi_real": [0,0,0,0]}}', /parameter initial_state.psi_real\/psi_imag: the state vector is all zero/],
    ['malformed JSON', ['point', '--params', '-'], '{"F": 0.5,', /--params: malformed JSON in standard input/],
    ['unknown keys', ['point', '--params', '-'], '{"Delta_one": 1, "temp": 2}', /point parameters: unknown keys Delta_one, temp for system wang2023/],
    ['unknown state keys', ['point', '--params', '-'], '{"initial_state": {"label": "eg", "amp": 1}}', /parameter initial_state: unknown key amp/],
    ['missing file', ['point', '--params', '/nonexistent/p.json'], undefined, /--params: cannot read \/nonexistent\/p.json \(ENOENT\)/],
    ['mixed families', ['point', '--T1', '1', '--dT', '0.5'], undefined, /options --dT, --T1: both set the temperatures/],
    ['bad --dt', ['point', '--dt', '0'], undefined, /option --dt: step must be a finite number > 0/],
    ['unknown backend', ['point', '--backend', 'tpu'], undefined, /option --backend: unknown backend "tpu"/],
  ];
  for (const [name, args, input, pattern] of cases) {
    it(name, () => expectOneLineError(runCli(args, input), pattern));
  }
});
