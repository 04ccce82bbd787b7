// The engine in headless Chromium (the browser backend): the public reference cases and a
// coarse grid of every preset on the browser's WebGPU adapter, against the float64 CPU backend
// in Node, with the engine's GPU tolerances (src/sweep/tolerance.ts). The measured deviations
// go to test-output/browser/harness-webgpu.json.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserBackend } from '../../src/backends/browser/backend.js';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { PRESETS } from '../../src/sweep/presets.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { isTwoQubitDefault } from '../../src/system/definition.js';
import { browserMissing } from '../helpers/browser.js';
import { checkReferenceCases, comparePreset, writeReport } from '../helpers/harness.js';
import { referenceCases } from '../helpers/reference.js';

describe('the engine in headless Chromium on the browser\'s WebGPU adapter', () => {
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
    await backend?.close();
    await cpu.close();
    if (Object.keys(report).length) writeReport('harness-webgpu.json', report);
  });

  it('reports the adapter of the page (SwiftShader on CI machines)', (ctx) => {
    if (skip) ctx.skip(skip);
    const d = backend!.describe();
    expect(d.engine).toBe('webgpu');
    expect((d.adapter as { backend: string }).backend).toMatch(/^browser/);
    report.describe = d;
  });

  it('all 22 public reference cases within the engine tolerances', async (ctx) => {
    if (skip) ctx.skip(skip);
    const t0 = performance.now();
    report.reference_cases = { max_abs_diff: await checkReferenceCases(backend!, referenceCases), seconds: +((performance.now() - t0) / 1000).toFixed(1) };
  }, 240_000);

  it('a coarse grid of every preset matches the float64 CPU backend', async (ctx) => {
    if (skip) ctx.skip(skip);
    const presets: Record<string, unknown> = {};
    let points = 0;
    let seconds = 0;
    // three and four qubits: test/browser/nqubits.test.ts (a 5x4 grid of their presets would take minutes here)
    for (const name of Object.keys(PRESETS).filter((n) => isTwoQubitDefault(resolveSpec(PRESETS[n]).point.system))) {
      const r = await comparePreset(backend!, cpu, name, '5x4');
      presets[name] = { points: r.points, seconds: +r.seconds.toFixed(2), columns: r.columns };
      points += r.points;
      seconds += r.seconds;
    }
    report.presets = presets;
    report.presets_points_per_s = Math.round(points / seconds);
  }, 240_000);
});
