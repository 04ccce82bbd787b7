// Complex systems (an odd number of Y letters: a y drive, XY - YX exchange, sigma_y couplings and
// jumps) on the WGSL backend, every model, checked against float64 at every point by the sweep's
// own cross-check (the float32 tolerances of src/sweep/tolerance.ts).

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import { releaseGpu, skipWithoutGpu } from '../helpers/gpu.js';

afterAll(releaseGpu);

const OUTPUTS = ['efficiency', 'E_B_over_omega', 'concurrence', 'liouvillian_gap', 'rho_min_eigenvalue', 'steady.efficiency', 'steady.concurrence', 'steady.heat_current_1', 'steady.heat_current_2', 'steady.particle_current_2'];

// one kernel each (a first compile on llvmpipe takes a while on the 2-core CI machine, so three):
// complex H with complex couplings (bloch-redfield, full), a real H with complex couplings
// (redfield), a sigma_y jump (lindblad)
const runs: [string, string, Record<string, unknown>, { param: string; values: number[] }[]][] = [
  ['complex-dm-y-bath', 'bloch-redfield', { tau: 30 }, [{ param: 'D', values: [0.2, 1.1] }, { param: 'F', values: [0.3, 0.9, 1.5] }]],
  ['complex-common-y', 'redfield', { tau: 30 }, [{ param: 'g3', values: [0.1, 0.8] }, { param: 'Delta2', values: [-0.9, 0.4, 1.3] }]],
  ['complex-dm-y-bath', 'lindblad', { tau: 30, lindblad_freq: 1 }, [{ param: 'D', values: [0.2, 1.1] }, { param: 'angle', values: [0.3, 1.2, 2.5] }]],
];

describe('complex systems on webgpu = float64 within the float32 tolerances', () => {
  for (const [system, model, base, axes] of runs) {
    it(`${system}, ${model}`, async (ctx) => {
      await skipWithoutGpu(ctx);
      const out = mkdtempSync(join(tmpdir(), 'qbsweep-complex-'));
      const spec = { name: 'c', system: `test/data/systems/${system}.json`, base: { model, ...base }, axes, outputs: OUTPUTS };
      const r = await runCliAsync(['sweep', '--spec', '-', '--backend', 'webgpu', '--check', 'all', '--out', out], JSON.stringify(spec));
      expect(r.code, r.stderr).toBe(0);
      const m = JSON.parse(readFileSync(join(out, 'c.json'), 'utf8'));
      expect(m.cross_check).toBe('passed');
      const check = m.precision.float64_cross_check;
      expect(check.points).toBe(6);
      expect(check.pass).toBe(true);
      for (const o of OUTPUTS) expect(check.columns[o]?.pass, o).toBe(true);
    }, 300_000);
  }
});
