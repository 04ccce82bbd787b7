// The n > 2 kernels (src/backends/webgpu/nd.ts, shaders/kernels/nd_leap.wgsl) on a real WebGPU
// adapter against float64 and QuTiP 4.7 (test/data/qutip-nqubits.json): r(tau) and the exact
// long-time limit of three-qubit systems within the float32 tolerances (src/sweep/tolerance.ts),
// the leap's bound on |eig|^n; the adapter-limit refusal, checked before any allocation.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rowLayout } from '../../src/core/layout.js';
import { generatorF64 } from '../../src/compiler/targets.js';
import { parseSystem } from '../../src/system/definition.js';
import { defaultStep, evenSteps, evolveExact, evolveRk4, rk4DefaultStep } from '../../src/model/evolve.js';
import { liouvillianGap, spectrum } from '../../src/model/spectrum.js';
import { ND_WORKGROUP_SIZE, fillNdWork, ndLimitsRefusal, ndWorkLayout } from '../../src/backends/webgpu/nd.js';
import { recordLayout, recordStride } from '../../src/core/outputs.js';
import { type AdapterDescription, GpuError, WebGpuEngine } from '../../src/backends/webgpu/engine.js';
import type { RunSettings } from '../../src/backends/types.js';
import { toleranceAt } from '../../src/sweep/tolerance.js';
import { gpuTests } from '../helpers/gpu.js';
import { ndRecordsOfStates } from '../../src/backends/webgpu/ndRun.js';
import { rowToPoint, writeRecord } from '../../src/backends/cpu/record.js';
import { evaluatePoint } from '../../src/model/point.js';
import { generator } from '../../src/model/generators.js';
import { initialVector } from '../../src/model/evolve.js';
import { longTimeLimit } from '../../src/model/spectrum.js';
import { auxLayout } from '../../src/compiler/targets.js';
import { RECORD_ENTRIES, entryOutputs } from '../../src/core/outputs.js';
import { FLAG_BITS } from '../../src/core/constants.js';

interface NCase { id: string; system: string; qubits: number; model: RunSettings['model']; zero_freq: 'limit' | 'zero'; lindblad_freq?: number; resolved: Record<string, number>; steady: { r: number[] }; gap: number }

const root = new URL('../../', import.meta.url);
const cases = (JSON.parse(readFileSync(new URL('test/data/qutip-nqubits.json', root), 'utf8')) as { cases: NCase[] }).cases;
const caseOf = (id: string) => cases.find((c) => c.id === id)!;

/** A reference system file as parseSystem reads it today ("battery" and "qubits" are being taught to it on another branch). */
function systemOf(c: NCase) {
  const json = JSON.parse(readFileSync(new URL(c.system, root), 'utf8')) as Record<string, unknown>;
  delete json.battery;
  delete json.qubits;
  return parseSystem(json, c.system, [c.qubits]);
}

/** Rows (rowLayout of the system) of a case's parameters at each (tau, basis state). */
function rowsOf(c: NCase, points: { tau: number; basis: number }[]) {
  const sys = systemOf(c);
  const row = rowLayout(sys.amplitudes);
  const rows = new Float64Array(points.length * row.stride);
  points.forEach(({ tau, basis }, k) => {
    const o = k * row.stride;
    rows[o + row.tau] = tau;
    rows[o + row.lindbladW] = c.lindblad_freq ?? 0;
    rows[o + row.psiRe + basis] = 1;
    sys.parameters.forEach((p, i) => (rows[o + row.params + i] = c.resolved[p.name]));
  });
  const settings: RunSettings = { system: sys, model: c.model, zeroFreq: c.zero_freq, spectrumMode: 'all' };
  return { sys, row, rows, settings };
}

const gpuIt = gpuTests();

describe('adapter limits for n > 2, before anything is allocated', () => {
  const roomy = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 31, maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256 };

  it('a point of 3 qubits fits the WebGPU defaults; each limit that is too small is named in one line with the sharding hint', () => {
    expect(ndLimitsRefusal(roomy, 3)).toBeUndefined();
    expect(ndLimitsRefusal(roomy, 4)).toBeUndefined();
    // n = 4: G, M and P of 256^2 f32 with r0 and the header
    expect(ndWorkLayout(256).stride * 4).toBe(4 * (4 + 2 * 256 + 3 * 65536));
    expect(ndLimitsRefusal({ ...roomy, maxStorageBufferBindingSize: 512 * 1024 }, 4)).toBe(
      "webgpu: a system of 4 qubits needs 770.0 KiB of storage buffer per point, this adapter's maxStorageBufferBindingSize is 524288: run it with --backend cpu, or split the sweep (qbsweep sweep --shard i/N) over machines whose GPUs allow more",
    );
    expect(ndLimitsRefusal({ ...roomy, maxBufferSize: 40000 }, 3)).toMatch(/^webgpu: a system of 3 qubits needs a buffer of 48\.5 KiB per point, this adapter's maxBufferSize is 40000: .*--shard i\/N/);
    expect(ndLimitsRefusal({ ...roomy, maxComputeWorkgroupStorageSize: 2048 }, 4)).toMatch(/needs 3\.3 KiB of workgroup storage, this adapter's maxComputeWorkgroupStorageSize is 2048/);
    expect(ndLimitsRefusal({ ...roomy, maxComputeInvocationsPerWorkgroup: 32 }, 3)).toMatch(new RegExp(`needs ${ND_WORKGROUP_SIZE} invocations per workgroup, this adapter's maxComputeInvocationsPerWorkgroup is 32`));
  });

  it('the engine refuses with that line and creates no buffer', async () => {
    const c = caseOf('n3-charger-hot-charger');
    const { rows, settings } = rowsOf(c, [{ tau: 1, basis: 3 }]);
    let created = 0;
    const device = {
      limits: { ...roomy, maxStorageBufferBindingSize: 1024, maxComputeWorkgroupSizeX: 256, maxComputeWorkgroupsPerDimension: 65535 },
      lost: new Promise(() => {}),
      createBuffer: () => {
        created++;
        throw new Error('no buffer expected');
      },
    } as unknown as GPUDevice;
    const stub = new WebGpuEngine(device, { description: 'stub' } as AdapterDescription, {});
    const work = fillNdWork(rows, 1, settings);
    await expect(stub.evaluateNd(work, 1, settings)).rejects.toThrow(new GpuError(ndLimitsRefusal(device.limits, 3)!));
    expect(created).toBe(0);
  });
});

describe("an n > 2 record from the GPU's states: the cpu backend's outputs, by its own code", () => {
  it('the float64 states of a point of the declared two-cell battery (rounded to f32 as a GPU returns them) give the cpu record within that rounding, the same flags', () => {
    const c = caseOf('n3-charger-hot-charger');
    // the system file as it is, its declared battery (qubits [2, 3]) included
    const sys = parseSystem(JSON.parse(readFileSync(new URL(c.system, root), 'utf8')), c.system);
    expect(sys.battery.qubits).toEqual([2, 3]);
    const { rows: rows0 } = rowsOf(c, [{ tau: 20000, basis: 3 }]);
    const rows = Float64Array.from(rows0);
    const settings: RunSettings = { system: sys, model: c.model, zeroFreq: c.zero_freq };
    const p = rowToPoint(rows, 0, settings);
    const cpu = evaluatePoint(p);
    expect(cpu.flags).toEqual([]);
    const D = sys.stateDim;
    const L = recordLayout(D);
    const stride = recordStride(D);
    const want = new Float64Array(stride);
    writeRecord(cpu, Number.NaN, want, 0);
    // the GPU's part of the record: r(tau), kernel dimension, step, a bound proving tau stationary; the long-time r beside it
    const out = new Float32Array(stride);
    out.set(cpu.r, L.r);
    out[L.kernelDim] = 1;
    out[L.dt] = 0.125;
    out[L.transientBound] = 1e-30;
    const longTimeR = Float32Array.from(longTimeLimit(generator(p).G, initialVector(p)).r);
    const aux = new Float64Array(auxLayout(D).length);
    fillNdWork(rows, 1, settings, aux);
    expect(aux).toEqual(generator(p).aux);
    const got = ndRecordsOfStates(rows, 1, settings, { out, longTimeR }, aux);
    let compared = 0;
    for (const o of RECORD_ENTRIES.flatMap(entryOutputs)) {
      const slot = (L as unknown as Record<string, number>)[o.entry.slot] + o.offset;
      if (o.key === 'liouvillian_gap') {
        expect(Number.isNaN(got[slot])).toBe(true); // not computed on the host (no n > 2 spectrum program on the GPU yet)
        continue;
      }
      if (Number.isNaN(want[slot])) {
        expect(Number.isNaN(got[slot]), o.key).toBe(true);
        continue;
      }
      expect(Math.abs(got[slot] - want[slot]), o.key).toBeLessThan(2e-6 * Math.max(1, Math.abs(want[slot])));
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(25); // every output but the gap and the NaN ones (concurrence, absent reservoirs, boson particle currents)
    expect(got[L.flags] | got[L.steadyFlags] | got[L.spectrumFlags]).toBe(0);
    expect([got[L.dt], got[L.transientBound], got[L.kernelDim]]).toEqual([0.125, Math.fround(1e-30), 1]);
    // a bound that does not prove tau stationary: flagged (no spectrum to decide it)
    out[L.transientBound] = 0.5;
    out.set(cpu.r, L.r);
    const open = ndRecordsOfStates(rows, 1, settings, { out, longTimeR }, aux);
    expect(open[L.flags]).toBe(FLAG_BITS['not-stationary-at-tau']);
  });
});

describe('n = 3 on the GPU: r(tau) and the long-time limit against float64 and QuTiP', () => {
  // a charger feeding two cells (hot charger), and odd-Y (Dzyaloshinskii-Moriya) terms; at
  // tau = 20000 (stationary: the leap's early stop), 30 and 2 (transient), from |eee>, |egg>, |gge>
  for (const id of ['n3-charger-hot-charger', 'n3-complex-strong-dm']) {
    gpuIt(id, async (gpu) => {
      const c = caseOf(id);
      const points = [
        { tau: 20000, basis: 0 },
        { tau: 30, basis: 3 },
        { tau: 2, basis: 6 },
      ];
      const { sys, row, rows, settings } = rowsOf(c, points);
      const res = await gpu.evaluateNd(fillNdWork(rows, points.length, settings), points.length, settings);
      expect(res.error).toBeUndefined();
      const L = recordLayout(sys.stateDim);
      const stride = recordStride(sys.stateDim);
      const G = new Float64Array(sys.stateDim ** 2);
      const worst = { tau: 0, steady: 0, qutip: 0 };
      points.forEach(({ tau }, k) => {
        generatorF64(sys, settings)(rows, k * row.stride, G);
        const eigs = spectrum(G);
        const ref = { gap: liouvillianGap(eigs), radius: Math.max(...eigs.map((e) => Math.hypot(e.re, e.im))), tau };
        expect(Math.abs(ref.gap - c.gap)).toBeLessThan(1e-8); // the float64 engine is QuTiP's (its own test), here its gap sets the tolerances
        const w = ndWorkLayout(sys.stateDim);
        const rt = evolveExact(G, Float64Array.from(fillNdWork(rows.subarray(k * row.stride), 1, settings).subarray(w.r0, w.r0 + sys.stateDim)), tau);
        const b = k * stride;
        const rec = res.out;
        const tolTau = toleranceAt('r', ref)!;
        const tolSteady = toleranceAt('steady.r', ref)!;
        for (let a = 0; a < sys.stateDim; a++) {
          const dTau = Math.abs(rec[b + L.r + a] - rt[a]) / tolTau;
          const dSteady = Math.abs(res.longTimeR[k * sys.stateDim + a] - c.steady.r[a]) / tolSteady;
          worst.tau = Math.max(worst.tau, dTau);
          worst.qutip = Math.max(worst.qutip, dSteady);
        }
        expect(rec[b + L.r]).toBe(1);
        expect(res.longTimeR[k * sys.stateDim]).toBe(1);
        expect(rec[b + L.kernelDim]).toBe(1);
        expect(rec[b + L.flags]).toBe(0);
        expect(rec[b + L.steadyFlags]).toBe(0);
        expect(Number.isNaN(rec[b + L.gap])).toBe(true); // the spectrum is spectrumNd's (webgpu-nd-spectrum.test.ts)
        // the leap's bound is an upper bound on |eig(M)|^n = exp(gap tau): below exp(-10) it proves stationarity
        if (Math.exp(ref.gap * tau) > 1e-30) expect(rec[b + L.transientBound]).toBeGreaterThanOrEqual(Math.exp(ref.gap * tau) * (1 - 1e-3));
        if (tau === 20000) expect(rec[b + L.transientBound]).toBeLessThan(Math.exp(-10));
        // the leap's step plan, as float64 plans it (h = tau / ceil(tau / h0))
        expect(Math.abs(rec[b + L.dt] / evenSteps(tau, defaultStep(G)).h - 1)).toBeLessThan(1e-5);
      });
      // as a fraction of the tolerance (measured: 1e-7 absolute and below, see the report)
      expect(worst.tau).toBeLessThan(1);
      expect(worst.qutip).toBeLessThan(1);
    }, 120_000);
  }
});

describe('n = 3 on the GPU: the rk4 integrator against float64 RK4', () => {
  gpuIt('n3-complex-strong-dm at tau = 30 and 2.01 (a remainder step), its own step and a given one', async (gpu) => {
    const c = caseOf('n3-complex-strong-dm');
    const points = [
      { tau: 30, basis: 1 },
      { tau: 2.01, basis: 5 },
    ];
    const { sys, row, rows, settings } = rowsOf(c, points);
    rows[row.stride + row.dt] = 0.1; // the second point's own step
    const res = await gpu.rk4Nd(fillNdWork(rows, points.length, settings), points.length, settings, { stepsPerDispatch: 64 });
    expect(res.error).toBeUndefined();
    const L = recordLayout(sys.stateDim);
    const w = ndWorkLayout(sys.stateDim);
    const G = new Float64Array(sys.stateDim ** 2);
    let worst = 0;
    points.forEach(({ tau }, k) => {
      generatorF64(sys, settings)(rows, k * row.stride, G);
      const h = k === 1 ? 0.1 : rk4DefaultStep(G);
      const r0 = Float64Array.from(fillNdWork(rows.subarray(k * row.stride), 1, settings).subarray(w.r0, w.r0 + sys.stateDim));
      const ref = evolveRk4(G, r0, tau, h);
      const b = k * recordStride(sys.stateDim);
      expect(Math.abs(res.out[b + L.dt] / h - 1)).toBeLessThan(1e-6);
      expect(res.out[b + L.kernelDim]).toBe(1);
      for (let a = 0; a < sys.stateDim; a++) worst = Math.max(worst, Math.abs(res.out[b + L.r + a] - ref[a]));
      for (let a = 0; a < sys.stateDim; a++) expect(Math.abs(res.longTimeR[k * sys.stateDim + a] - c.steady.r[a])).toBeLessThan(1e-4);
    });
    // the transient tolerance of the state at tau (|gap| tau < 10 here)
    expect(worst).toBeLessThan(2e-3);
    expect(worst).toBeGreaterThan(0);
  }, 120_000);
});

describe('n = 4 on the GPU', () => {
  gpuIt('a point of four qubits: within the tolerance where the adapter runs it, else refused in one line (llvmpipe)', async (gpu) => {
    const c = caseOf('n4-central-spin-lindblad');
    const { sys, rows, settings } = rowsOf(c, [{ tau: 20000, basis: 15 }]);
    const res = await gpu.evaluateNd(fillNdWork(rows, 1, settings), 1, settings);
    if (res.error) {
      expect(res.error.message).toMatch(/^webgpu: the kernel of a system of 4 qubits ran past this adapter's budget of loop iterations per invocation \(.*\) at point 0: use --backend cpu, or a hardware GPU$/);
      expect(res.done).toBe(0);
      return;
    }
    for (let a = 0; a < sys.stateDim; a++) expect(Math.abs(res.longTimeR[a] - c.steady.r[a])).toBeLessThan(1e-4);
  }, 120_000);
});
