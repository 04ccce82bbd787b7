// Absurd but parseable input (issue 13) through the real command: one line naming the
// parameter or option, exit 2, no hang, and nothing left behind that blocks the next run.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-inputs-'));

describe('point with values outside the valid ranges', () => {
  it('refuses each with one line naming the parameter, at once (F 1e308 hung, F 1e160 died in the QR iteration)', async () => {
    const tries: [string[], RegExp][] = [
      [['--tau', '1e18'], /^qbsweep: parameter tau: 1e18 is outside the valid range/],
      [['--delta', '1e20'], /^qbsweep: parameter Delta: 1e20 is outside/],
      [['--F', '1e308'], /^qbsweep: parameter F: 1e308 is outside/],
    ];
    // tau 1e300 and F 1e160 are refused by the same check: test/model/ranges.test.ts
    const t = performance.now();
    for (let k = 0; k < tries.length; k += 2) {
      const batch = tries.slice(k, k + 2);
      const rs = await Promise.all(batch.map(([a]) => runCliAsync(['point', ...a])));
      rs.forEach((r, i) => expectOneLineError(r, batch[i][1]));
    }
    expect(performance.now() - t).toBeLessThan(60_000);
  }, 120_000);
});

describe('sweep sizes, axes and --out', () => {
  const spec = (dir: string, s: unknown) => {
    const f = join(dir, 'spec.json');
    writeFileSync(f, JSON.stringify(s));
    return f;
  };

  it('refuses "n": 1e9 and --grid 99999999999999999999x1 before allocating, leaving nothing', async () => {
    const dir = tmp();
    const out = join(dir, 'out');
    const [a, b] = await Promise.all([
      runCliAsync(['sweep', '--spec', spec(dir, { name: 'big', base: {}, axes: [{ param: 'F', from: 0, to: 1, n: 1e9 }] }), '--backend', 'cpu', '--out', out]),
      runCliAsync(['sweep', '--preset', 'fig9', '--grid', '99999999999999999999x1', '--backend', 'cpu', '--out', out]),
    ]);
    expectOneLineError(a, /^qbsweep: spec axes\[0\] \(F\): n = 1000000000 is more than the 1048576 points an axis may have$/);
    expectOneLineError(b, /^qbsweep: option --grid: at most 1048576 points per axis \(got 99999999999999999999x1\)$/);
    expect(existsSync(out)).toBe(false);
  }, 120_000);

  it('refuses a sweep too large for memory before creating anything, so the next valid run is not blocked', () => {
    const out = tmp();
    // points x (5 float64 columns + flags) > half the memory, on any machine
    const side = Math.min(1 << 20, Math.ceil(Math.sqrt(totalmem() / 2 / 41)) + 1000);
    const r = runCli(['sweep', '--preset', 'fig11', '--grid', `${side}x${side}`, '--backend', 'cpu', '--out', out]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^qbsweep: spec: [\d,]+ points need ~[\d.]+ GiB for their results and writing them, more than the/);
    expect(readdirSync(out)).toEqual([]);
    const ok = runCli(['sweep', '--preset', 'fig11', '--grid', '3x2', '--backend', 'cpu', '--no-png', '--quiet', '--out', out]);
    expect(ok.code, ok.stderr).toBe(0);
  }, 120_000);

  it('refuses axes T and T1 together (the CSV T column held the mean)', () => {
    const dir = tmp();
    const f = spec(dir, { name: 'tt', base: {}, axes: [{ param: 'T', values: [1, 2] }, { param: 'T1', values: [0.5, 3] }] });
    expectOneLineError(runCli(['sweep', '--spec', f, '--backend', 'cpu', '--out', join(dir, 'o')]), /^qbsweep: spec axes: T and T1 set the same parameters and cannot be swept together/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });

  it('refuses an --out that is a file, below a file, or read-only, naming --out', async () => {
    const dir = tmp();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    const base = ['sweep', '--preset', 'fig11', '--grid', '3x2', '--backend', 'cpu', '--quiet'];
    const [a, b] = await Promise.all([runCliAsync([...base, '--out', file]), runCliAsync([...base, '--out', join(file, 'sub')])]);
    expectOneLineError(a, /^qbsweep: option --out: .*afile is a file, not a directory$/);
    expectOneLineError(b, /^qbsweep: option --out: .*afile\/sub \(its parent .*afile\) is a file, not a directory$/);
    // read-only: a read-only tmpfs where we are root (root ignores permission bits), else mode 555
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    let mounted = false;
    if (process.getuid?.() === 0) mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=16k', 'tmpfs', ro]).status === 0;
    else spawnSync('chmod', ['555', ro]);
    try {
      if (process.getuid?.() === 0 && !mounted) return; // root without mount rights: nothing read-only to try
      expectOneLineError(runCli([...base, '--out', join(ro, 'res')]), /^qbsweep: option --out: cannot write to .*ro\/res \(its parent .*ro\) \((read-only file system|permission denied)\)$/);
    } finally {
      if (mounted) spawnSync('umount', [ro]);
    }
  }, 120_000);
});
