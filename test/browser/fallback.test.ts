// The WebGL fallback: Chromium started without --enable-unsafe-webgpu (navigator.gpu has no
// adapter), so the harness and the page run the gpu.js kernel on WebGL2. gpu.js would fall back
// silently to its CPU modes: the tests assert the mode it really ran in. Tolerances: the
// engine's GPU tolerances (src/sweep/tolerance.ts), which the f32 gpu.js kernel meets; the
// measured deviations go to test-output/browser/fallback-webgl.json. gpu.js on SwiftShader
// compiles each kernel specialisation in ~20 s, so the grids are tiny and one browser serves
// both the harness and the page.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserBackend } from '../../src/backends/browser/backend.js';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { type PointParams, resolvePoint } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import type { SweepSpec } from '../../src/sweep/spec.js';
import { toleranceAt } from '../../src/sweep/tolerance.js';
import { resolveSystem } from '../../src/system/registry.js';
import { type Explorer, browserMissing, canvasColours, clickCell, hoverCell, launchChromium, type LaunchedChromium, openExplorer, runSweepInPage, runtimeOf, shot, type } from '../helpers/browser.js';
import { referenceCases } from '../helpers/reference.js';
import { checkReferenceCases, comparePreset, writeReport } from '../helpers/harness.js';

const OUTPUTS = ['efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'liouvillian_gap', 'steady.efficiency'];

let chromium: LaunchedChromium | undefined;
let skip = '';
const report: Record<string, unknown> = {};

beforeAll(async () => {
  skip = browserMissing();
  if (!skip) chromium = await launchChromium({ webgpu: false });
}, 60_000);

afterAll(async () => {
  await chromium?.close();
  if (Object.keys(report).length) writeReport('fallback-webgl.json', report);
});

describe('gpu.js on WebGL2 in Chromium without WebGPU (harness)', () => {
  let backend: BrowserBackend | undefined;
  const cpu = new CpuBackend(2);

  beforeAll(async () => {
    if (chromium) backend = await BrowserBackend.create({ chromium });
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
    await cpu.close();
  });

  it('chooses the webgl engine because the adapter is missing', (ctx) => {
    if (skip) ctx.skip(skip);
    expect(backend!.init.kind).toBe('webgl');
    expect(backend!.init.why).toMatch(/no WebGPU: navigator\.gpu\.requestAdapter\(\) returned no adapter/);
  });

  it('Redfield reference cases (boson and fermion) within the engine tolerances, in gpu.js mode webgl2', async (ctx) => {
    if (skip) ctx.skip(skip);
    const cases = referenceCases.filter((c) => resolvePoint(c.inputs).model === 'redfield');
    const t0 = performance.now();
    const worst = await checkReferenceCases(backend!, cases, OUTPUTS);
    const d = backend!.describe();
    // gpu.js falls back silently to cpu/webasm: the mode its kernels really compiled to
    expect(d.gpujs_mode).toBe('webgl2');
    report.describe = d;
    report.reference_cases = { cases: cases.length, max_abs_diff: worst, seconds: +((performance.now() - t0) / 1000).toFixed(1) };
  }, 240_000);

  it('fig9 and fig11 (boson, fermion) on coarse grids match the float64 CPU backend', async (ctx) => {
    if (skip) ctx.skip(skip);
    const presets: Record<string, unknown> = {};
    for (const [name, grid] of [['fig9', '5x4'], ['fig11', '4x3']]) {
      const r = await comparePreset(backend!, cpu, name, grid);
      presets[name] = { points: r.points, seconds: +r.seconds.toFixed(2), columns: r.columns };
    }
    report.presets = presets;
    // throughput once compiled (the kernels of fig9 are cached by now)
    const t0 = performance.now();
    await comparePreset(backend!, cpu, 'fig9', '16x16');
    report.fig9_16x16_seconds = +((performance.now() - t0) / 1000).toFixed(2);
  }, 240_000);

  // Bloch-Redfield kernels call a rate function and the occupation it calls: gpu.js once declared
  // the occupation before the expm1 it calls ("'expm1_f32' : no matching overloaded function found")
  it('user systems (boson, fermion, complex) with Bloch-Redfield on 4x4 grids match the float64 CPU backend', async (ctx) => {
    if (skip) ctx.skip(skip);
    const systems: Record<string, unknown> = {};
    for (const system of ['xxz', 'test/data/systems/heisenberg-fermion-drude.json', 'test/data/systems/complex-dm-y-bath.json']) {
      const first = resolveSystem(system, 'test').parameters[0];
      const spec = { name: system.replace(/^.*\//, '').replace(/\.json$/, ''), system, base: { model: 'bloch-redfield', tau: 20000 }, axes: [{ param: 'F', from: 0.2, to: 1, n: 4 }, { param: first.name, from: first.default - 1, to: first.default + 1, n: 4 }] } as SweepSpec;
      const r = await comparePreset(backend!, cpu, spec, '4x4');
      systems[system] = { points: r.points, seconds: +r.seconds.toFixed(2), columns: r.columns };
    }
    expect(backend!.describe().gpujs_mode).toBe('webgl2');
    report.systems = systems;
  }, 300_000);
});

describe('the explorer page on the WebGL fallback', () => {
  let ex: Explorer | undefined;

  beforeAll(async () => {
    if (chromium) ex = await openExplorer({ webgpu: false, chromium });
  }, 60_000);
  afterAll(async () => {
    await ex?.close();
  });

  it('runs a sweep through gpu.js, reads out and charts a point like the WebGPU page', async (ctx) => {
    if (skip) ctx.skip(skip);
    const page = ex!.page;
    const rt = await runtimeOf(page);
    expect(rt.kind).toBe('webgl');
    expect(await page.$eval('#engine', (e) => e.textContent)).toMatch(/gpu\.js on webgl2 \(WebGL fallback\)/);
    await type(page, '#grid', '5x4');
    const res = await runSweepInPage(page);
    expect(res.error).toBeUndefined();
    expect(res.done).toBe(80);
    expect((await runtimeOf(page)).info?.gpujs_mode).toBe('webgl2');
    expect(await canvasColours(page, '#heatmap canvas')).toBeGreaterThan(20);
    await shot(page, 'webgl-page');
    // hover: the read-out equals the float64 value of that point within the GPU tolerance
    const { index, values } = await hoverCell(page, 1, 4, 3);
    const p = (await page.evaluate((k) => (window as unknown as { qbsweepExplorer: { point(k: number): PointParams } }).qbsweepExplorer.point(k), index)) as PointParams;
    const ref = evaluatePoint(p);
    const tol = toleranceAt('efficiency', { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: p.tau })!;
    expect(Math.abs(Number(values.efficiency) - ref.efficiency)).toBeLessThanOrEqual(tol + 5e-7);
    expect(Math.abs(Number(values.concurrence) - ref.concurrence)).toBeLessThanOrEqual(1e-3);
    await shot(page, 'webgl-hover', '#view');
    const detail = await clickCell(page, 1, 4, 3);
    expect(detail.state, detail.status).toBe('done');
    expect(detail.status).toMatch(/gpu\.js leap to each sample time/);
    expect(await canvasColours(page, '#curves canvas')).toBeGreaterThan(5);
    await shot(page, 'webgl-point', '#detail');
    expect(ex!.errors).toEqual([]);
  }, 240_000);
});
