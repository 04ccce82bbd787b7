// `qbsweep point --times`: charging curves from the command line, on the float64 reference and
// on the default GPU backend, checked against the exact exponential at every time.

import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePoint, setParam } from '../../src/model/params.js';
import { evolveExact, initialVector } from '../../src/model/evolve.js';
import { generator } from '../../src/model/generators.js';
import { averagePowers, batteryObservables, concurrenceOf } from '../../src/model/observables.js';
import { expectOneLineError, runCliAsync, runCli } from '../helpers/cli.js';

describe('qbsweep point --times', () => {
  it('prints a charging curve that follows expm at every time, short times included (1e-4 on a GPU backend)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qbsweep-traj-'));
    const png = join(dir, 'curve.png');
    const [cpu, dflt] = await Promise.all([
      runCliAsync(['point', '--delta', '3', '--dT', '0.6', '--times', '0:12:25', '--json', '--backend', 'cpu', '--plot', png]),
      runCliAsync(['point', '--delta', '3', '--dT', '0.6', '--times', '0:12:25', '--json']),
    ]);
    expect(cpu.code, cpu.stderr).toBe(0);
    expect(dflt.code, dflt.stderr).toBe(0);
    // the reference: the exact exponential at each time on its own (not the stepping of the curves)
    const p = resolvePoint(setParam(setParam({}, 'Delta', 3), 'dT', 0.6));
    const { G } = generator(p);
    const r0 = initialVector(p);
    const ref: Record<string, number[]> = { E_B_over_omega: [], ergotropy_over_omega: [], efficiency: [], concurrence: [], average_power: [] };
    for (let k = 0; k < 25; k++) {
      const r = evolveExact(G, r0, k * 0.5);
      const b = batteryObservables(r);
      ref.E_B_over_omega.push(b.E_B_over_omega);
      ref.ergotropy_over_omega.push(b.ergotropy_over_omega);
      ref.efficiency.push(b.efficiency);
      ref.concurrence.push(concurrenceOf(r));
      ref.average_power.push(averagePowers(r, r0, k * 0.5).average_power);
    }
    for (const [out, tol] of [[JSON.parse(cpu.stdout), 1e-12], [JSON.parse(dflt.stdout), 1e-4]] as const) {
      const tr = out.trajectory;
      expect(tr.t.length).toBe(25);
      expect(tr.t[24]).toBe(12);
      for (const key of ['E_B_over_omega', 'ergotropy_over_omega', 'efficiency', 'concurrence', 'average_power'] as const) {
        tr[key].forEach((v: number, k: number) => expect(Math.abs(v - ref[key][k]), `${out.backend} ${key} at t = ${tr.t[k]}`).toBeLessThan(tol));
      }
      expect(tr.E_B_over_omega[0]).toBe(0); // |eg>: the battery starts empty
    }
    expect(existsSync(png)).toBe(true);
    expect(PNG.sync.read(readFileSync(png)).width).toBeGreaterThan(1000);
  }, 300_000);

  it('bad --times: one line naming the option', () => {
    expectOneLineError(runCli(['point', '--times', '5:1:10']), /^qbsweep: option --times: to \(1\) must not be before from \(5\)/);
    expectOneLineError(runCli(['point', '--plot', 'x.png']), /^qbsweep: option --plot: .* needs --times/);
  });
});
