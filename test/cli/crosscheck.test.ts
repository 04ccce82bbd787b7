// The float64 cross-check is a gate: a run whose values are off fails it (exit 3, files written
// and marked failed); a correct run passes; --no-check skips it.

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import { checkValue } from '../../src/sweep/tolerance.js';
import { releaseGpu, skipWithoutGpu } from '../helpers/gpu.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-check-'));
const spec = JSON.stringify({
  name: 'cut',
  base: { reservoir: 'boson', F: 0.5, T1: 1.45, T2: 0.55 },
  axes: [{ param: 'Delta', from: -4, to: 4, n: 3 }],
  outputs: ['efficiency', 'concurrence'],
});

describe('checkValue', () => {
  const stationary = { gap: 0.01, radius: 5, tau: 20000 };
  it('fails NaN against a number either way, and infinity against a finite value', () => {
    expect(checkValue('efficiency', Number.NaN, 0.5, stationary)!.pass).toBe(false);
    expect(checkValue('efficiency', 0.5, Number.NaN, stationary)!.pass).toBe(false);
    expect(checkValue('concurrence', Infinity, 0.1, stationary)!.pass).toBe(false);
    expect(checkValue('efficiency', Number.NaN, Number.NaN, stationary)!.pass).toBe(true);
  });
  it('compares with the tolerance at the point', () => {
    expect(checkValue('efficiency', 0.5 + 0.9e-4, 0.5, stationary)!.pass).toBe(true);
    expect(checkValue('efficiency', 0.5 + 1.1e-4, 0.5, stationary)!.pass).toBe(false);
    // not stationary at tau (|gap| tau < 10): the looser 2e-3
    expect(checkValue('efficiency', 0.5 + 1.1e-4, 0.5, { gap: 1e-4, radius: 5, tau: 20000 })!.pass).toBe(true);
    // the gap: relative to the spectral radius
    expect(checkValue('liouvillian_gap', -0.1 - 4e-4, -0.1, stationary)!.pass).toBe(true);
    expect(checkValue('liouvillian_gap', -0.1 - 6e-4, -0.1, stationary)!.pass).toBe(false);
    expect(checkValue('steady.kernel_dim', 2, 1, stationary)).toBeUndefined();
  });
});

describe('qbsweep sweep: the float64 cross-check as a gate', () => {
  it('fails a run that is off (RK4 with a step beyond its stability), passes a correct one, skips with --no-check', async () => {
    const [bad, good, skipped] = [tmp(), tmp(), tmp()];
    const [rb, rg, rs] = await Promise.all([
      runCliAsync(['sweep', '--spec', '-', '--backend', 'cpu', '--integrator', 'rk4', '--dt', '3', '--check', 'all', '--out', bad], spec),
      runCliAsync(['sweep', '--spec', '-', '--backend', 'cpu', '--check', 'all', '--out', good], spec),
      runCliAsync(['sweep', '--spec', '-', '--backend', 'cpu', '--integrator', 'rk4', '--dt', '3', '--check', 'all', '--no-check', '--out', skipped], spec),
    ]);
    // the failing run: exit 3 after writing every file, one loud line naming the worst point
    expect(rb.code, rb.stderr).toBe(3);
    for (const f of ['cut.csv', 'cut.json', 'cut.h5', 'cut.png']) expect(existsSync(join(bad, f)), f).toBe(true);
    const warn = rb.stderr.split('\n').filter((l) => /CROSS-CHECK FAILED/.test(l));
    expect(warn.length).toBe(1);
    expect(warn[0]).toMatch(/^qbsweep: WARNING: CROSS-CHECK FAILED: efficiency \d\/3 points off \(worst at Delta=/);
    const mb = JSON.parse(readFileSync(join(bad, 'cut.json'), 'utf8'));
    expect(mb.cross_check).toBe('failed');
    const cb = mb.precision.float64_cross_check;
    expect(cb.points).toBe(3);
    expect(cb.pass).toBe(false);
    expect(cb.columns.efficiency.pass).toBe(false);
    expect(cb.columns.efficiency.worst.at).toHaveProperty('Delta');
    // the exploded RK4 state is not finite: the point is NaN everywhere (flagged non-finite, no
    // efficiency read off a NaN state), and NaN against float64's number fails (ratio infinite: null in JSON)
    expect(cb.columns.efficiency.worst.ratio).toBeNull();
    expect(cb.columns.efficiency.worst.value).toBeNull();
    expect(readFileSync(join(bad, 'cut.csv'), 'utf8')).toMatch(/,non-finite\n/);
    expect(cb.columns.concurrence.pass).toBe(false);
    // the correct run: exact exponential against itself
    expect(rg.code, rg.stderr).toBe(0);
    expect(rg.stderr).toMatch(/float64 cross-check of 3 points: PASSED/);
    const mg = JSON.parse(readFileSync(join(good, 'cut.json'), 'utf8'));
    expect(mg.cross_check).toBe('passed');
    expect(mg.precision.float64_cross_check.columns.efficiency).toMatchObject({ checked: 3, failed: 0, pass: true });
    // --no-check: no verdict, exit 0
    expect(rs.code, rs.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(skipped, 'cut.json'), 'utf8')).cross_check).toBe('not run');
  }, 120_000);
});

describe('qbsweep point on a GPU backend: the same gate (one point, always checked)', () => {
  afterAll(releaseGpu);
  it('lindblad M on webgpu equals float64 and passes; a point that is off exits 3 with one loud line', async (ctx) => {
    await skipWithoutGpu(ctx);
    const lindbladM = ['point', '--model', 'lindblad', '--lindblad-freq', 'M', '--json'];
    const [gpu, cpu] = [await runCliAsync([...lindbladM, '--backend', 'webgpu']), await runCliAsync(lindbladM)];
    expect(gpu.code, gpu.stderr).toBe(0);
    const [g, c] = [JSON.parse(gpu.stdout), JSON.parse(cpu.stdout)];
    // issue 18: E_B null, efficiency 0 and gap 0 on the GPU (cpu 0.3098 / 0.0257 / -0.299)
    expect(c.E_B_over_omega).toBeCloseTo(0.3098, 4);
    for (const k of ['E_B_over_omega', 'efficiency', 'liouvillian_gap']) expect(Math.abs(g[k] - c[k]), k).toBeLessThan(2e-4);
    expect(g.cross_check).toBe('passed');
    expect(g.float64_cross_check.points).toBe(1);
    expect(g.float64_cross_check.columns.E_B_over_omega).toMatchObject({ checked: 1, failed: 0 });
    expect(gpu.stderr).toMatch(/^qbsweep: float64 cross-check of 1 point: PASSED/m);
    // the cpu backend is the reference: no verdict
    expect(c.cross_check).toBeUndefined();
    // RK4 with a step beyond its stability: the values printed, the verdict failed, exit 3
    const bad = await runCliAsync(['point', '--backend', 'webgpu', '--integrator', 'rk4', '--dt', '3', '--tau', '60', '--json']);
    expect(bad.code, bad.stderr).toBe(3);
    expect(JSON.parse(bad.stdout).cross_check).toBe('failed');
    const warn = bad.stderr.split('\n').filter((l) => /CROSS-CHECK FAILED/.test(l));
    expect(warn.length).toBe(1);
    expect(warn[0]).toMatch(/^qbsweep: WARNING: CROSS-CHECK FAILED: E_B_over_omega 1\/1 points off \(worst at tau=60: .*; the values printed are webgpu's, not float64's \(exit 3\)$/);
  }, 240_000);
});
