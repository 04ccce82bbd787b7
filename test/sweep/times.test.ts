// Charging curves on a spec's time grid (issue 11): the figures read off a curve on analytic
// curves, the float64 curve against the exact exponential taken at each time on its own, every
// backend's curves at every time against that reference (short times included), resume, and
// the spec's one-line refusals.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { WebGpuBackend } from '../../src/backends/webgpu/backend.js';
import { TIMES_PER_DISPATCH, WebGpuEngine } from '../../src/backends/webgpu/engine.js';
import { acquireNodeDevice, nodeShaderSources } from '../../src/backends/webgpu/nodeDevice.js';
import { TRAJECTORY_QUANTITIES, type TimeGrid, chargingCurve, chargingFigures, timeValues } from '../../src/model/charging.js';
import { evolveExact, initialVector } from '../../src/model/evolve.js';
import { generator } from '../../src/model/generators.js';
import { averagePowers, batteryObservables, concurrenceOf } from '../../src/model/observables.js';
import { type PointParams, resolvePoint, setParam } from '../../src/model/params.js';
import { crossCheck, runSweep } from '../../src/sweep/run.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { RunState, specHash } from '../../src/io/state.js';
import { TRAJECTORY_TOLERANCE } from '../../src/sweep/tolerance.js';
import { gpuEngine, releaseGpu } from '../helpers/gpu.js';

let engine: WebGpuEngine | undefined;
const cpu = new CpuBackend(2);
beforeAll(async () => {
  engine = await gpuEngine();
});
afterAll(async () => {
  await cpu.close();
  await releaseGpu();
});

/** The observables at time t from exp(t G) r0 alone: independent of how a curve steps. */
function exactAt(p: PointParams, t: number): Record<(typeof TRAJECTORY_QUANTITIES)[number], number> {
  const { G } = generator(p);
  const r0 = initialVector(p);
  const r = evolveExact(G, r0, t);
  const b = batteryObservables(r);
  return { E_B_over_omega: b.E_B_over_omega, ergotropy_over_omega: b.ergotropy_over_omega, efficiency: b.efficiency, concurrence: concurrenceOf(r), average_power: averagePowers(r, r0, t).average_power };
}

describe('the figures read off a charging curve', () => {
  it('E_B(t) = 1 - cos t: the largest average power (1 - cos t)/t is at t sin t = 1 - cos t (t = 2.3311)', () => {
    const times = timeValues({ from: 0, to: 6, n: 601 });
    const energy = times.map((t) => 1 - Math.cos(t));
    const power = times.map((t, j) => (t > 0 ? energy[j] / t : 0));
    const f = chargingFigures(times, energy, power, 1);
    expect(f.time_of_max_average_power).toBeCloseTo(2.33, 12);
    expect(f.max_average_power).toBeCloseTo((1 - Math.cos(2.33)) / 2.33, 12);
    // 1 - cos t >= 0.9 first at t = acos(0.1) = 1.4706: the grid time 1.48
    expect(f.charging_time_90).toBeCloseTo(1.48, 12);
  });
  it('E_B(t) = 1 - exp(-t) reaches 90% at ln 10 = 2.303 (grid time 2.4); never, or unknown, is NaN', () => {
    const times = timeValues({ from: 0, to: 10, n: 101 });
    const energy = times.map((t) => 1 - Math.exp(-t));
    const power = times.map((t, j) => (t > 0 ? energy[j] / t : 0));
    expect(chargingFigures(times, energy, power, 1).charging_time_90).toBeCloseTo(2.4, 12);
    // the average power of a saturating curve is largest at the first time after 0
    expect(chargingFigures(times, energy, power, 1).time_of_max_average_power).toBeCloseTo(0.1, 12);
    expect(chargingFigures(times.slice(0, 20), energy, power, 1).charging_time_90).toBeNaN();
    expect(chargingFigures(times, energy, power, Number.NaN).charging_time_90).toBeNaN();
  });
});

describe('the float64 charging curve', () => {
  it('equals the exact exponential taken at each time on its own (1e-12), from > 0 and other systems included', () => {
    const points = [
      resolvePoint(setParam(setParam({ F: 1.3 }, 'Delta', 3), 'dT', 0.6)),
      resolvePoint(setParam({ reservoir: 'fermion', F: 0.8, mu1: 2, mu2: -1 }, 'Delta', -1)),
      resolvePoint({ system: 'xxz', F: 1, Jz: 0.5 }),
    ];
    const grid: TimeGrid = { from: 0.7, to: 40, n: 17 };
    for (const p of points) {
      const curve = chargingCurve(p.system, generator(p).G, initialVector(p), grid);
      timeValues(grid).forEach((t, j) => {
        const ref = exactAt(p, t);
        TRAJECTORY_QUANTITIES.forEach((q, i) => expect(Math.abs(curve[i * grid.n + j] - ref[q]), `${p.system.name} ${q} at t = ${t}`).toBeLessThan(1e-12));
      });
    }
  });
});

describe('sweeps with a time grid: every backend against the exact exponential at every time', () => {
  // short times at |Delta| >= 3 (where an RK4 remainder once cost 2e-4) and long ones, two systems
  const cases = [
    { name: 'short', base: { F: 1.3, Tbar: 1, tau: 3 }, axes: [{ param: 'Delta', values: [-4, -3, 3, 4] }, { param: 'dT', values: [-0.6, 0.6] }], times: { from: 0, to: 3, n: 31 } },
    { name: 'long', base: { reservoir: 'fermion', F: 1, T1: 1, T2: 1, tau: 50 }, axes: [{ param: 'Delta', values: [-2, 0.5, 3] }, { param: 'dmu', values: [-4, 4] }], times: { from: 2, to: 402, n: 41 } },
    { name: 'xxz', system: 'xxz', base: { F: 1, tau: 10 }, axes: [{ param: 'Jz', values: [-1, 1] }, { param: 'Delta', values: [-2, 2] }], times: { from: 0, to: 60, n: 25 } },
  ];
  for (const c of cases) {
    it(`${c.name}: webgpu within the tolerances of every quantity, cpu within 1e-12; the figures and the cross-check agree`, async (ctx) => {
      if (!engine && !process.env.CI) ctx.skip();
      const spec = resolveSpec({ ...c, outputs: ['E_B_over_omega', 'concurrence', 'steady.E_B_over_omega'] });
      expect(spec.outputs).toEqual(['E_B_over_omega', 'concurrence', 'steady.E_B_over_omega', 'max_average_power', 'time_of_max_average_power', 'charging_time_90']);
      const gpu = await runSweep(spec, { backend: WebGpuBackend.fromEngine(engine!), check: 0 });
      const f64 = await runSweep(spec, { backend: cpu });
      const times = timeValues(spec.times!);
      const n = times.length;
      let worst = 0;
      for (let k = 0; k < spec.count; k++) {
        const p = gpu.grid.point(k);
        times.forEach((t, j) => {
          const ref = exactAt(p, t);
          for (const q of TRAJECTORY_QUANTITIES) {
            const col = `trajectory.${q}`;
            const dg = Math.abs(gpu.trajectories![col][k * n + j] - ref[q]);
            if (q !== 'concurrence') worst = Math.max(worst, dg);
            expect(dg, `webgpu ${q} at point ${k}, t = ${t}`).toBeLessThanOrEqual(TRAJECTORY_TOLERANCE[q]);
            expect(Math.abs(f64.trajectories![col][k * n + j] - ref[q]), `cpu ${q} at point ${k}, t = ${t}`).toBeLessThan(1e-12);
          }
        });
        // the long-time point of the curve is the sweep's own tau value where the grid has tau
        const jt = times.findIndex((t) => Math.abs(t - p.tau) < 1e-12);
        if (jt >= 0) expect(gpu.trajectories!['trajectory.E_B_over_omega'][k * n + jt]).toBeCloseTo(gpu.values.E_B_over_omega[k], 4);
        // the float64 figures from the float64 curve
        const curve = (col: string) => f64.trajectories![col].subarray(k * n, (k + 1) * n);
        const fig = chargingFigures(times, curve('trajectory.E_B_over_omega'), curve('trajectory.average_power'), f64.values['steady.E_B_over_omega'][k]);
        for (const [name, v] of Object.entries(fig)) expect(f64.values[name][k]).toBe(v);
      }
      const check = crossCheck(gpu, gpu.done);
      expect(check.pass, JSON.stringify(check.columns)).toBe(true);
      expect(check.columns['trajectory.E_B_over_omega']?.checked).toBe(spec.count * n);
      for (const col of ['max_average_power', 'time_of_max_average_power']) expect(check.columns[col]?.checked, col).toBe(spec.count);
      console.log(`charging curves ${c.name}: webgpu vs exact, worst |diff| (concurrence aside) ${worst.toExponential(2)}`);
    }, 120_000);
  }
});

describe('the concurrence along the curves', () => {
  it('is computed only where the outputs ask for it (NaN otherwise, on every backend); the other curves do not change', async (ctx) => {
    if (!engine && !process.env.CI) ctx.skip();
    const base = { name: 'c', base: { F: 1, Tbar: 1, dT: 0.5, tau: 5 }, axes: [{ param: 'Delta', values: [-1, 2] }], times: { from: 0, to: 20, n: 41 } };
    const with_ = resolveSpec({ ...base, outputs: ['E_B_over_omega', 'concurrence'] });
    const without = resolveSpec({ ...base, outputs: ['E_B_over_omega'] });
    for (const backend of [WebGpuBackend.fromEngine(engine!), cpu]) {
      const a = await runSweep(with_, { backend, check: 0 });
      const b = await runSweep(without, { backend, check: 0 });
      expect(Array.from(b.trajectories!['trajectory.concurrence']).every(Number.isNaN), backend.name).toBe(true);
      expect(Array.from(a.trajectories!['trajectory.concurrence']).some((v) => v > 0.01), backend.name).toBe(true);
      for (const q of TRAJECTORY_QUANTITIES.filter((x) => x !== 'concurrence')) expect(Array.from(b.trajectories![`trajectory.${q}`]), `${backend.name} ${q}`).toEqual(Array.from(a.trajectories![`trajectory.${q}`]));
      expect(crossCheck(b, b.done).pass).toBe(true);
    }
  }, 120_000);
});

describe('a time grid longer than one dispatch', () => {
  it(`more than TIMES_PER_DISPATCH (${TIMES_PER_DISPATCH}) times: every window computed, within tolerance at every time (llvmpipe once ended the loop at ~16k)`, async (ctx) => {
    if (!engine && !process.env.CI) ctx.skip();
    const spec = resolveSpec({ name: 'w', base: { F: 1, Tbar: 1, dT: 0.5, tau: 5 }, axes: [{ param: 'Delta', values: [-1, 2] }], outputs: ['E_B_over_omega', 'concurrence'], times: { from: 1, to: 1 + 0.05 * 20000, n: 20001 } });
    const gpu = await runSweep(spec, { backend: WebGpuBackend.fromEngine(engine!), check: 0 });
    const f64 = await runSweep(spec, { backend: cpu });
    const n = spec.times!.n;
    for (const q of TRAJECTORY_QUANTITIES) {
      const col = `trajectory.${q}`;
      let worst = 0;
      for (let i = 0; i < spec.count * n; i++) worst = Math.max(worst, Math.abs(gpu.trajectories![col][i] - f64.trajectories![col][i]));
      expect(worst, col).toBeLessThanOrEqual(TRAJECTORY_TOLERANCE[q]);
    }
    // and the float64 curve itself at the last time, against the exponential taken there alone
    const p = gpu.grid.point(1);
    expect(Math.abs(f64.trajectories!['trajectory.E_B_over_omega'][2 * n - 1] - exactAt(p, 1001).E_B_over_omega)).toBeLessThan(1e-10);
  }, 120_000);
});

describe('a device lost while the curves are computed', () => {
  it('keeps the points whose curves finished, with their curves, and says so (no throw)', async (ctx) => {
    if (!engine && !process.env.CI) ctx.skip();
    const nd = await acquireNodeDevice();
    const lossy = new WebGpuEngine(nd.device, nd.adapter, nodeShaderSources(), { maxChunk: 16 });
    const spec = resolveSpec({ name: 'lost', base: { F: 1, Tbar: 1, tau: 5 }, axes: [{ param: 'Delta', from: -3, to: 3, n: 160 }], outputs: ['E_B_over_omega'], times: { from: 0, to: 10, n: 21 } });
    const res = await runSweep(spec, {
      backend: WebGpuBackend.fromEngine(lossy),
      check: 0,
      onProgress: (done) => {
        if (done >= 32) nd.device.destroy();
      },
    });
    expect(res.error?.message).toMatch(/lost|destroyed|invalid|GPU/i);
    expect(res.done).toBeGreaterThanOrEqual(32);
    expect(res.done).toBeLessThan(spec.count);
    const n = spec.times!.n;
    for (let k = 0; k < res.done; k += 7) {
      const p = res.grid.point(k);
      for (let j = 0; j < n; j += 5) expect(Math.abs(res.trajectories!['trajectory.E_B_over_omega'][k * n + j] - exactAt(p, j * 0.5).E_B_over_omega), `point ${k} t ${j * 0.5}`).toBeLessThan(1e-4);
      expect(Number.isFinite(res.values.max_average_power[k])).toBe(true);
    }
  }, 120_000);
});

describe('resuming a sweep with a time grid', () => {
  it('saves the curves with each block and loads them back exactly; a part on another time grid is recomputed', async () => {
    const spec = resolveSpec({ name: 'r', base: { F: 1, Tbar: 1, tau: 5 }, axes: [{ param: 'Delta', from: -2, to: 2, n: 12 }], outputs: ['E_B_over_omega'], times: { from: 0, to: 8, n: 9 } });
    const whole = await runSweep(spec, { backend: cpu, blockPoints: 4 });
    const dir = mkdtempSync(join(tmpdir(), 'qbsweep-times-'));
    const id = { spec_hash: specHash(spec), backend: 'cpu', precision: 'float64', integrator: 'expm', dt: null, range: [0, 12] as [number, number], block_points: 4, columns: whole.columns };
    const first = new RunState(dir, 'r', id, () => {}, whole.times);
    first.open(false);
    let blocks = 0;
    const stopped = await runSweep(spec, { backend: cpu, blockPoints: 4, onBlock: first.saveBlock, shouldStop: () => blocks++ >= 2 });
    expect(stopped.stopped).toBe(true);
    const notes: string[] = [];
    const again = new RunState(dir, 'r', id, (m) => notes.push(m), whole.times);
    expect(again.open(true).resumedBlocks).toBe(2);
    const resumed = await runSweep(spec, { backend: cpu, blockPoints: 4, loadBlock: again.loadBlock });
    expect(resumed.resumed).toBe(8);
    for (const c of Object.keys(whole.trajectories!)) expect(Array.from(resumed.trajectories![c])).toEqual(Array.from(whole.trajectories![c]));
    for (const c of whole.columns) expect(Array.from(resumed.values[c])).toEqual(Array.from(whole.values[c]));
    // the same parts read by a run that expects other times: not used
    const other = new RunState(dir, 'r', id, (m) => notes.push(m), timeValues({ from: 0, to: 8, n: 5 }));
    other.open(true);
    expect(await other.loadBlock(0, 4)).toBeUndefined();
    expect(notes.join('\n')).toMatch(/holds no charging curves on this run's time grid: recomputing points 0\.\.3/);
  }, 60_000);
});

describe('spec "times"', () => {
  const ok = { name: 't', base: {}, axes: [{ param: 'Delta', from: -1, to: 1, n: 3 }] };
  const bad: [unknown, RegExp][] = [
    [{ from: 0, to: 10 }, /^spec times: needs "from", "to" and "n"$/],
    [{ from: 0, to: 10, n: 0 }, /^spec times: n must be a whole number from 1 to 100000 \(got 0\)$/],
    [{ from: 0, to: 10, n: 2.5 }, /n must be a whole number/],
    [{ from: -1, to: 10, n: 5 }, /^spec times: from must be >= 0 \(got -1\)$/],
    [{ from: 5, to: 1, n: 5 }, /^spec times: to \(1\) must not be before from \(5\)$/],
    [{ from: 1, to: 1, n: 5 }, /from = to = 1 with n = 5 times/],
    [{ from: 0, to: 1e9, n: 5 }, /beyond the valid range of times \(up to 100000000 1\/lambda\)/],
    [{ from: 0, to: 1, n: 5, step: 1 }, /^spec times: unknown key step \(allowed: from, to, n\)$/],
    [[0, 1, 5], /must be an object like/],
  ];
  for (const [times, pattern] of bad) it(`refuses ${JSON.stringify(times)}`, () => expect(() => resolveSpec({ ...ok, times })).toThrowError(pattern));
  it('refuses the charging figures without a time grid, saying how to add one', () => {
    expect(() => resolveSpec({ ...ok, outputs: ['charging_time_90'] })).toThrowError(/^spec outputs: charging_time_90 is read off a charging curve: add a time grid, e\.g\. "times"/);
  });
  it('tells specs apart by their time grids (resume and merge refuse another grid)', () => {
    const h = (s: unknown) => specHash(resolveSpec(s));
    expect(h({ ...ok, times: { from: 0, to: 1, n: 5 } })).not.toBe(h({ ...ok, times: { from: 0, to: 1, n: 6 } }));
    expect(h(ok)).not.toBe(h({ ...ok, times: { from: 0, to: 1, n: 5 } }));
  });
});
