// Three and four qubits on the browser backend (the WebGPU engine in headless Chromium): a 2 x 2
// sweep of the reference charger with two battery cells against the float64 cpu backend in Node,
// within the registry's float32 tolerances, and the sweep's own float64 cross-check; one point of
// four qubits against its float64 cross-check where the adapter's loop budget allows (SwiftShader
// does), the one-line refusal where it does not. One browser launch.

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
  const report: Record<string, unknown> = {};

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
    if (Object.keys(report).length) writeReport('nqubits-browser.json', { adapter: backend?.describe().adapter, why: backend?.why, max_abs_diff: report });
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
      outputs: [...OUTPUTS, 'rho'],
    });
    expect(await probeBackend(spec, backend!)).toBeUndefined();
    const extra = ['liouvillian_gap', '_spectral_radius'];
    const gpu = await runSweep(spec, { backend: backend!, extraColumns: extra, check: 2 });
    const ref = await runSweep(spec, { backend: cpu, extraColumns: extra });
    expect(gpu.error).toBeUndefined();
    const cmp = compareResults(gpu, ref);
    for (const c of cmp.columns) expect(c.pass, `${c.column}: max ${c.max} (x${c.worstRatio.toFixed(2)} of tolerance)`).toBe(true);
    for (const o of OUTPUTS) expect(cmp.columns.find((c) => c.column === o)?.compared, o).toBe(4);
    // rho: the 8 x 8 real and imaginary parts of rho(tau)
    expect(cmp.columns.filter((c) => c.column.startsWith('rho_') && c.compared === 4).length).toBe(2 * 8 * 8);
    expect(gpu.check!.pass, JSON.stringify(gpu.check)).toBe(true);
    expect(gpu.check!.columns.efficiency.checked).toBe(2);
    const shown = cmp.columns.filter((c) => !c.column.startsWith('rho_'));
    const rho = Math.max(...cmp.columns.filter((c) => c.column.startsWith('rho_')).map((c) => c.max));
    report.n3 = { ...Object.fromEntries(shown.map((c) => [c.column, c.max])), rho_max: rho };
    console.log(`n = 3, ${backend!.why}: ${shown.map((c) => `${c.column} ${c.max.toExponential(1)}`).join(', ')}, rho ${rho.toExponential(1)}`);
  }, 300_000);

  it('n4-central-spin, one point: within the float32 tolerance of its float64 cross-check, or the one-line loop-budget refusal', async (ctx) => {
    if (skip) ctx.skip(skip);
    const spec = resolveSpec({ name: 'n4browser', system: 'test/data/systems/n4-central-spin.json', base: { tau: 30 }, axes: [{ param: 'F', values: [0.8] }], outputs: OUTPUTS });
    const refused = await probeBackend(spec, backend!);
    if (refused) return expect(refused.message).toMatch(/^webgpu: the kernel of a system of 4 qubits ran past this adapter's budget of loop iterations[^\n]*$/);
    const gpu = await runSweep(spec, { backend: backend!, check: 1 });
    expect(gpu.error).toBeUndefined();
    expect(gpu.check!.pass, JSON.stringify(gpu.check)).toBe(true);
    for (const o of OUTPUTS) expect(gpu.check!.columns[o]?.checked, o).toBe(1);
    report.n4 = Object.fromEntries(OUTPUTS.map((o) => [o, gpu.check!.columns[o].max_abs_diff]));
    console.log(`n = 4, ${backend!.why}: ${JSON.stringify(report.n4)}`);
  }, 300_000);
});
