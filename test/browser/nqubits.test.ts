// Three qubits on the browser backend (the WebGPU engine in headless Chromium): a 2 x 2 sweep of
// the reference charger with two battery cells against the float64 cpu backend in Node, within the
// registry's float32 tolerances, and the sweep's own float64 cross-check. One browser launch.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserBackend } from '../../src/backends/browser/backend.js';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { compareResults } from '../../src/sweep/compare.js';
import { probeBackend, runSweep } from '../../src/sweep/run.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { browserMissing } from '../helpers/browser.js';
import { writeReport } from '../helpers/harness.js';

const OUTPUTS = ['efficiency', 'E_B_over_omega', 'negativity', 'liouvillian_gap', 'steady.efficiency'];

describe('three qubits on the browser backend', () => {
  let backend: BrowserBackend | undefined;
  let skip = '';
  const cpu = new CpuBackend(2);

  beforeAll(async () => {
    skip = browserMissing();
    if (skip) return;
    try {
      backend = await BrowserBackend.create({ engine: 'webgpu' });
    } catch (e) {
      if (process.env.CI) throw new Error(`CI=true but the browser's WebGPU adapter is missing: ${(e as Error).message}`);
      skip = (e as Error).message;
    }
  }, 120_000);

  afterAll(async () => {
    await backend?.close();
    await cpu.close();
  });

  it('n3-charger-two-cells, 2 x 2: every output within the float32 tolerance of cpu, the cross-check passed', async (ctx) => {
    if (skip) ctx.skip(skip);
    const spec = resolveSpec({
      name: 'n3browser',
      system: 'test/data/systems/n3-charger-two-cells.json',
      base: { tau: 30 },
      axes: [{ param: 'F', values: [0.3, 1.2] }, { param: 'Delta2', values: [-0.5, 0.4] }],
      outputs: OUTPUTS,
    });
    expect(await probeBackend(spec, backend!)).toBeUndefined();
    const extra = ['liouvillian_gap', '_spectral_radius'];
    const gpu = await runSweep(spec, { backend: backend!, extraColumns: extra, check: 2 });
    const ref = await runSweep(spec, { backend: cpu, extraColumns: extra });
    expect(gpu.error).toBeUndefined();
    const cmp = compareResults(gpu, ref);
    for (const c of cmp.columns) expect(c.pass, `${c.column}: max ${c.max} (x${c.worstRatio.toFixed(2)} of tolerance)`).toBe(true);
    for (const o of OUTPUTS) expect(cmp.columns.find((c) => c.column === o)?.compared, o).toBe(4);
    expect(gpu.check!.pass, JSON.stringify(gpu.check)).toBe(true);
    expect(gpu.check!.columns.efficiency.checked).toBe(2);
    const deviations = Object.fromEntries(cmp.columns.map((c) => [c.column, c.max]));
    writeReport('nqubits-browser.json', { adapter: backend!.describe().adapter, why: backend!.why, deviations });
    console.log(`${backend!.why}: ${cmp.columns.map((c) => `${c.column} ${c.max.toExponential(1)}`).join(', ')}`);
  }, 300_000);
});
