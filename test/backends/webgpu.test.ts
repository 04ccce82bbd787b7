// The WGSL kernels, run for real on a WebGPU adapter (a software one in CI), against the
// float64 reference: generator, public reference cases, spectrum, rk4 vs leap, chunking,
// device loss. Tolerances are those of the engine issue (src/sweep/tolerance.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSettings } from '../../src/backends/types.js';
import { WebGpuEngine } from '../../src/backends/webgpu/engine.js';
import { OUT, OUT_STRIDE, PARAM_STRIDE } from '../../src/core/layout.js';
import { pointRow } from '../../src/model/generators.js';
import { acquireNodeDevice, nodeShaderSources } from '../../src/backends/webgpu/nodeDevice.js';
import { initialVector } from '../../src/model/evolve.js';
import { generator } from '../../src/model/generators.js';
import { normInf } from '../../src/model/linalg.js';
import { type PointInput, type PointParams, resolvePoint, setParam } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import { vectorToDensity } from '../../src/algebra/pauli.js';
import { batteryObservables } from '../../src/model/observables.js';
import { evolveRk4 } from '../../src/model/evolve.js';
import { GPU_TOLERANCE, toleranceAt } from '../../src/sweep/tolerance.js';
import { gpuEngine, gpuUnavailableReason, releaseGpu } from '../helpers/gpu.js';
import { referenceCases } from '../helpers/reference.js';
import { named } from '../helpers/named.js';

let engine: WebGpuEngine | undefined;
beforeAll(async () => {
  engine = await gpuEngine();
});
afterAll(releaseGpu);

function settingsOf(p: PointParams, extra: Partial<RunSettings> = {}): RunSettings {
  return { system: p.system, model: p.model, reservoir: p.reservoir, zeroFreq: p.zero_freq, ...extra };
}

function rows(points: PointParams[], dt = 0): Float32Array<ArrayBuffer> {
  const r = new Float32Array(points.length * PARAM_STRIDE);
  points.forEach((p, i) => pointRow(p, dt, r, i));
  return r;
}

/** A deterministic spread of points over the paper's ranges, every reservoir. */
function spread(n: number, base: PointInput): PointParams[] {
  const out: PointParams[] = [];
  for (let k = 0; k < n; k++) {
    const u = (k * 0.6180339887) % 1;
    const v = (k * 0.7548776662) % 1;
    let input: PointInput = { ...base, F: 2 * v };
    input = setParam(input, 'Delta', -4 + 8 * u);
    input = base.reservoir === 'fermion' ? setParam(setParam(input, 'mubar', -6 + 12 * v), 'dmu', 3 * (u - 0.5)) : setParam(input, 'dT', 1.6 * (v - 0.5));
    out.push(resolvePoint(input));
  }
  return out;
}

function needGpu(): WebGpuEngine {
  if (!engine) throw new Error(`no WebGPU adapter here (${gpuUnavailableReason()}); CI=true makes this a failure`);
  return engine;
}

const gpuIt = (name: string, fn: () => Promise<void>, timeout?: number) =>
  it(name, async (ctx) => {
    if (!engine && !process.env.CI) ctx.skip();
    await fn();
  }, timeout);

describe('WGSL generator = float64 generator (one formula, two languages)', () => {
  for (const model of ['redfield', 'bloch-redfield', 'lindblad'] as const) {
    for (const reservoir of ['boson', 'fermion'] as const) {
      gpuIt(`${model}, ${reservoir}`, async () => {
        // run settings (model, reservoir, zero_freq, lindblad_freq) are per batch, not per point
        const batches = [
          [
            ...spread(12, { model, reservoir }),
            resolvePoint({ model, reservoir, F: 0, Delta1: 1, Delta2: 1 }), // degenerate crossing
            resolvePoint({ model, reservoir, initial_state: { theta: 0.3, phi: 0.4 } }),
            resolvePoint({ model, reservoir, T1: 0, T2: 0.4 }),
          ],
          [resolvePoint({ model, reservoir, F: 1.3, Delta1: 0.4, Delta2: -0.2, lindblad_freq: 'M', zero_freq: 'zero' })],
          [resolvePoint({ model, reservoir, F: 0.7, lindblad_freq: 2.5 })],
        ];
        for (const pts of batches) {
        const res = await needGpu().generatorDebug(rows(pts), pts.length, settingsOf(pts[0]));
        pts.forEach((p, i) => {
          const { G, parts } = generator(p);
          const scale = 1 + normInf(G, 16);
          let dG = 0;
          for (let k = 0; k < 256; k++) dG = Math.max(dG, Math.abs(G[k] - res[i * 288 + k]));
          expect(dG / scale, `point ${i}`).toBeLessThan(2e-6);
          const r0 = initialVector(p);
          for (let k = 1; k < 16; k++) expect(Math.abs(r0[k] - res[i * 288 + 256 + k])).toBeLessThan(1e-6);
          expect(res[i * 288 + 272] === 1, `degenerate flag, point ${i}`).toBe(parts.degenerate);
        });
        }
      });
    }
  }
});

describe('public reference cases on the GPU', () => {
  gpuIt('all 22 cases within the engine tolerances', async () => {
    const eng = needGpu();
    for (const c of referenceCases) {
      const p = resolvePoint(c.inputs);
      const r = await eng.evaluate(rows([p]), 1, settingsOf(p, { spectrumMode: 'all' }), ['leap', 'spectrum']);
      expect(r.error).toBeUndefined();
      const o = r.out;
      const ref = c.outputs;
      const radius = Math.max(...ref.extra.spectrum_top4.map(([re, im]) => Math.hypot(re, im)), o[OUT.spectralRadius]);
      const tol = (col: string) => toleranceAt(col, { gap: ref.liouvillian_gap, radius, tau: p.tau })!;
      const ctx = c.name;
      expect(Math.abs(o[OUT.efficiency] - ref.efficiency), ctx).toBeLessThanOrEqual(tol('efficiency'));
      expect(Math.abs(o[OUT.energy] - ref.E_B_over_omega), ctx).toBeLessThanOrEqual(tol('E_B_over_omega'));
      expect(Math.abs(o[OUT.ergotropy] - ref.ergotropy_over_omega), ctx).toBeLessThanOrEqual(tol('ergotropy_over_omega'));
      expect(Math.abs(o[OUT.concurrence] - ref.concurrence), ctx).toBeLessThanOrEqual(GPU_TOLERANCE.concurrence);
      expect(Math.abs(o[OUT.gap] - ref.liouvillian_gap), ctx).toBeLessThanOrEqual(tol('liouvillian_gap'));
      const rho = vectorToDensity(Array.from(o.subarray(0, 16)));
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          expect(Math.abs(rho.re[i * 4 + j] - ref.rho_real[i][j]), ctx).toBeLessThanOrEqual(tol('efficiency'));
          expect(Math.abs(rho.im[i * 4 + j] - ref.rho_imag[i][j]), ctx).toBeLessThanOrEqual(tol('efficiency'));
        }
      }
      if (ref.extra.kernel_dim === 1) {
        expect(o[OUT.kernelDim], ctx).toBe(1);
        expect(Math.abs(o[OUT.steadyEfficiency] - ref.extra.efficiency_kernel_projection), ctx).toBeLessThanOrEqual(GPU_TOLERANCE.stationary);
      } else {
        // the bistable line: f32 sees the singular system and says so instead of guessing
        expect(o[OUT.kernelDim], ctx).toBe(2);
        expect(Number.isNaN(o[OUT.steadyEfficiency]), ctx).toBe(true);
      }
    }
  }, 300_000);
});

describe('spectrum kernel (Hessenberg + Francis QR in WGSL)', () => {
  gpuIt('gap within 1e-4 of the largest |eigenvalue|, every model and reservoir', async () => {
    const eng = needGpu();
    for (const model of ['redfield', 'bloch-redfield', 'lindblad'] as const) {
      for (const reservoir of ['boson', 'fermion'] as const) {
        const pts = spread(40, { model, reservoir });
        const r = await eng.evaluate(rows(pts), pts.length, settingsOf(pts[0], { spectrumMode: 'all' }), ['leap', 'spectrum']);
        pts.forEach((p, k) => {
          const ref = evaluatePoint(p);
          const o = r.out.subarray(k * OUT_STRIDE);
          expect(Math.abs(o[OUT.gap] - ref.liouvillian_gap), `${model} ${reservoir} ${k}`).toBeLessThanOrEqual(GPU_TOLERANCE.gapRelative * ref.spectral_radius);
          expect(Math.abs(o[OUT.spectralRadius] - ref.spectral_radius) / ref.spectral_radius).toBeLessThan(1e-5);
        });
      }
    }
  }, 300_000);

  gpuIt('the leap bound decides stationarity; the spectrum runs where it does not, and flags agree with float64', async () => {
    const eng = needGpu();
    const pts = [0.005, 0.02, 0.05, 0.1, 0.3, 1, 2, 3.5].map((Delta) => resolvePoint(setParam({ F: 0.5 }, 'Delta', Delta)));
    const r = await eng.evaluate(rows(pts), pts.length, settingsOf(pts[0], { spectrumMode: 'undecided' }), ['leap', 'spectrum']);
    let skipped = 0;
    pts.forEach((p, k) => {
      const ref = evaluatePoint(p);
      const o = r.out.subarray(k * OUT_STRIDE);
      const bits = o[OUT.flags] | o[OUT.spectrumFlags] | o[OUT.steadyFlags];
      if (bits & 2) {
        // float32 cannot tell a gap below ~1e-5 ||L|| from zero: such points are reported bistable
        expect(Math.abs(ref.liouvillian_gap), `Delta ${named(p).Delta1 - named(p).Delta2}`).toBeLessThan(1e-5 * ref.spectral_radius);
        return;
      }
      const flagged = (bits & 16) !== 0;
      expect(flagged, `Delta ${named(p).Delta1 - named(p).Delta2}`).toBe(ref.flags.includes('not-stationary-at-tau'));
      if (Number.isNaN(o[OUT.gap])) {
        skipped++;
        expect(o[OUT.transientBound]).toBeLessThan(Math.exp(-10));
        expect(Math.abs(ref.liouvillian_gap) * p.tau).toBeGreaterThanOrEqual(10);
      }
    });
    expect(skipped).toBeGreaterThan(0); // the bound does prove most points stationary
  }, 120_000);
});

describe('rk4 and leap integrators against their float64 twins', () => {
  gpuIt('rk4 (many dispatches) = float64 RK4; leap = float64 leap = exact; both agree', async () => {
    const eng = needGpu();
    const dt = 0.1;
    const pts = [
      resolvePoint(setParam({ F: 0.5, tau: 40 }, 'Delta', 1.1)),
      resolvePoint(setParam({ F: 1.2, tau: 40, reservoir: 'fermion', mu1: 2, mu2: 2 }, 'Delta', -2.3)),
      resolvePoint({ F: 0.5, tau: 40, initial_state: { label: 'plus' } }),
    ];
    const s = settingsOf(pts[0]);
    for (const [k, p] of pts.entries()) {
      const set = settingsOf(p);
      const leap = await eng.evaluate(rows([p], dt), 1, set, ['leap']);
      // 37 steps per dispatch: the state crosses 10 dispatches
      const rk4 = await eng.rk4(rows([p], dt), 1, set, { stepsPerDispatch: 37 });
      expect(rk4.error).toBeUndefined();
      // float64 RK4 with the same step: the discrete dynamics both integrators follow
      const G = generator(p).G;
      const ref = evolveRk4(G, initialVector(p), p.tau, dt);
      const P = batteryObservables(ref).efficiency;
      const exact = evaluatePoint(p).efficiency;
      expect(Math.abs(evaluatePoint(p, { integrator: 'leap', dt }).efficiency - exact), `f64 leap ${k}`).toBeLessThan(1e-9);
      expect(Math.abs(leap.out[OUT.efficiency] - exact), `leap ${k}`).toBeLessThan(2e-5);
      expect(Math.abs(rk4.out[OUT.efficiency] - P), `rk4 ${k}`).toBeLessThan(2e-5);
      expect(Math.abs(rk4.out[OUT.efficiency] - leap.out[OUT.efficiency]), `rk4 vs leap ${k}`).toBeLessThan(2e-5);
      expect(Math.abs(rk4.out[OUT.energy] - batteryObservables(ref).E_B_over_omega), `rk4 E_B ${k}`).toBeLessThan(2e-5);
    }
    void s;
  }, 180_000);
});

describe('chunking and failures', () => {
  gpuIt('a grid larger than one chunk gives the same numbers as one chunk', async () => {
    const eng = needGpu();
    const pts = spread(700, { reservoir: 'boson' });
    const whole = await eng.evaluate(rows(pts), pts.length, settingsOf(pts[0], { spectrumMode: 'undecided' }), ['leap', 'spectrum']);
    const small = new WebGpuEngine(eng.device, eng.adapter, nodeShaderSources(), { maxChunk: 64 });
    let calls = 0;
    const chunked = await small.evaluate(rows(pts), pts.length, settingsOf(pts[0], { spectrumMode: 'undecided' }), ['leap', 'spectrum'], () => calls++);
    expect(chunked.chunks).toBeGreaterThanOrEqual(11);
    expect(calls).toBe(chunked.chunks);
    expect(chunked.done).toBe(pts.length);
    let maxDiff = 0;
    for (let k = 0; k < whole.out.length; k++) {
      const a = whole.out[k];
      const b = chunked.out[k];
      if (!(Number.isNaN(a) && Number.isNaN(b))) maxDiff = Math.max(maxDiff, Math.abs(a - b));
    }
    expect(maxDiff).toBe(0);
  }, 180_000);

  gpuIt('a device lost mid-sweep keeps the finished points and says so', async () => {
    needGpu();
    const nd = await acquireNodeDevice();
    const eng = new WebGpuEngine(nd.device, nd.adapter, nodeShaderSources(), { maxChunk: 64 });
    const pts = spread(640, { reservoir: 'boson' });
    const r = await eng.evaluate(rows(pts), pts.length, settingsOf(pts[0]), ['leap'], (p) => {
      if (p.done >= 128) nd.device.destroy();
    });
    expect(r.error?.message).toMatch(/lost|destroyed|invalid|GPU/i);
    expect(r.done).toBeGreaterThanOrEqual(128);
    expect(r.done).toBeLessThan(pts.length);
    for (let k = 0; k < r.done; k += 17) {
      const ref = evaluatePoint(pts[k]);
      const tol = toleranceAt('efficiency', { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: pts[k].tau })!;
      expect(Math.abs(r.out[k * OUT_STRIDE + OUT.efficiency] - ref.efficiency)).toBeLessThanOrEqual(tol);
    }
  }, 180_000);
});

describe('short charging times: the leap has no remainder step', () => {
  it('webgpu leap follows the exact exponential within 1e-4 at every tau from 0.3 to 7, |Delta| >= 3', async (ctx) => {
    if (!engine && !process.env.CI) ctx.skip();
    const points: PointParams[] = [];
    for (const tau of [0.3, 0.7, 1.1, 1.5, 1.9, 2.6, 3.3, 7.1]) {
      for (const d of [-4, -3, 3, 4]) points.push(resolvePoint(setParam(setParam({ F: 1.3, tau }, 'Delta', d), 'dT', 0.6)));
    }
    const r = await engine!.evaluate(rows(points), points.length, settingsOf(points[0], { concurrence: true, steadyConcurrence: false, spectrumMode: 'undecided' }), ['leap']);
    let worst = 0;
    points.forEach((p, k) => {
      const ref = evaluatePoint(p);
      const o = k * OUT_STRIDE;
      for (const [slot, v] of [[OUT.energy, ref.E_B_over_omega], [OUT.ergotropy, ref.ergotropy_over_omega], [OUT.concurrence, ref.concurrence]] as const) {
        worst = Math.max(worst, Math.abs(r.out[o + slot] - v));
        expect(Math.abs(r.out[o + slot] - v), `tau ${p.tau} slot ${slot}`).toBeLessThan(1e-4);
      }
      // tau is a whole number of steps
      expect(Math.round(p.tau / r.out[o + OUT.dt]) * r.out[o + OUT.dt]).toBeCloseTo(p.tau, 5);
    });
    console.log(`short-tau leap vs expm: worst |diff| ${worst.toExponential(2)}`);
  });
});

describe('kernel compilation', () => {
  it('compiles programs concurrently; a broken one fails alone, with its line, and a good one beside it still compiles', async (ctx) => {
    if (!engine && !process.env.CI) ctx.skip();
    const sources = nodeShaderSources();
    const broken = new WebGpuEngine(engine!.device, engine!.adapter, { ...sources, 'kernels/leap.wgsl': `${sources['kernels/leap.wgsl']}\nfn broken() -> f32 { return undefined_name; }\n` });
    const settings = settingsOf(resolvePoint({}));
    const [leap, spectrum] = await Promise.allSettled([broken.pipeline('leap', settings), broken.pipeline('spectrum', settings)]);
    expect(leap.status).toBe('rejected');
    expect(String((leap as PromiseRejectedResult).reason.message)).toMatch(/^kernel leap failed to compile on .*: line \d+: .*undefined_name/);
    expect(spectrum.status).toBe('fulfilled');
    // the failure is not cached: asking again compiles again (and fails again)
    await expect(broken.pipeline('leap', settings)).rejects.toThrow(/kernel leap failed to compile/);
  }, 120_000);
});
