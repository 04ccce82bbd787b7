// The spectrum of systems of n > 2 qubits on a real WebGPU adapter (WebGpuEngine.spectrumNd,
// shaders/kernels/nd_spectrum.wgsl) against float64 (src/model/spectrum.ts) and QuTiP 4.7
// (test/data/qutip-nqubits.json): the Liouvillian gap, spectral radius and slowest decay within
// the gap's float32 tolerance (src/sweep/tolerance.ts), the spectrum flags and kernel dimension
// as float64 sets them, a point whose generator is not finite, and n = 4 (refused in one line
// where the adapter's loop budget cannot hold it, llvmpipe).

import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { FLAG_BITS, STATIONARY_DECAYS } from '../../src/core/constants.js';
import { rowLayout } from '../../src/core/layout.js';
import { generatorF64 } from '../../src/compiler/targets.js';
import { parseSystem } from '../../src/system/definition.js';
import { kernelDimension, liouvillianGap, slowestRelaxation, spectrum } from '../../src/model/spectrum.js';
import { fillNdWork, ndWorkLayout } from '../../src/backends/webgpu/nd.js';
import { ndSpectrumLayout } from '../../src/backends/webgpu/ndSpectrum.js';
import type { RunSettings } from '../../src/backends/types.js';
import { toleranceAt } from '../../src/sweep/tolerance.js';
import { gpuTests } from '../helpers/gpu.js';

interface NCase { id: string; system: string; qubits: number; model: RunSettings['model']; zero_freq: 'limit' | 'zero'; resolved: Record<string, number>; gap: number }

const root = new URL('../../', import.meta.url);
const cases = (JSON.parse(readFileSync(new URL('test/data/qutip-nqubits.json', root), 'utf8')) as { cases: NCase[] }).cases;
const caseOf = (id: string) => cases.find((c) => c.id === id)!;
const L = ndSpectrumLayout();

/** A case's system (as parseSystem reads it today: "battery" and "qubits" are taught to it on another branch), its rows at each tau, and the float64 spectrum of each. */
function pointsOf(c: NCase, taus: number[]) {
  const json = JSON.parse(readFileSync(new URL(c.system, root), 'utf8')) as Record<string, unknown>;
  delete json.battery;
  delete json.qubits;
  const sys = parseSystem(json, c.system, [c.qubits]);
  const row = rowLayout(sys.amplitudes);
  const rows = new Float64Array(taus.length * row.stride);
  taus.forEach((tau, k) => {
    const o = k * row.stride;
    rows[o + row.tau] = tau;
    if (c.model === 'lindblad') rows[o + row.lindbladW] = c.resolved.w_lindblad;
    rows[o + row.psiRe] = 1;
    sys.parameters.forEach((p, i) => (rows[o + row.params + i] = c.resolved[p.name]));
  });
  const settings: RunSettings = { system: sys, model: c.model, zeroFreq: c.zero_freq, spectrumMode: 'all' };
  const G = new Float64Array(sys.stateDim ** 2);
  generatorF64(sys, settings)(rows, 0, G);
  const eigs = spectrum(G);
  const ref = { gap: liouvillianGap(eigs), radius: Math.max(...eigs.map((e) => Math.hypot(e.re, e.im))), slowest: slowestRelaxation(eigs, kernelDimension(G, eigs)) };
  return { sys, rows, settings, ref };
}

const gpuIt = gpuTests();

describe('n = 3 on the GPU: gap, spectral radius, slowest decay and flags against float64 and QuTiP', () => {
  // a charger feeding two cells, odd-Y terms, a common bath at T = 0 (the smallest gap of the
  // data, 2.4e-3), Lindblad jumps; at tau = 50 (not stationary where |gap| 50 < 10) and 20000
  for (const id of ['n3-charger-hot-charger', 'n3-complex-strong-dm', 'n3-common-bath-cold-zero', 'n3-dephasing-lindblad']) {
    gpuIt(id, async (gpu) => {
      const c = caseOf(id);
      const taus = [50, 20000];
      const { rows, settings, ref } = pointsOf(c, taus);
      // the same generator at every tau (tau is no parameter of it)
      expect(Math.abs(ref.gap - c.gap)).toBeLessThan(1e-8);
      const res = await gpu.spectrumNd(fillNdWork(rows, taus.length, settings), taus.length, settings);
      expect(res.error).toBeUndefined();
      const tol = toleranceAt('liouvillian_gap', { ...ref, tau: 50 })!;
      expect(tol).toBe(1e-4 * ref.radius);
      taus.forEach((tau, k) => {
        const b = k * L.stride;
        const o = res.out;
        // measured on llvmpipe over the 34 three-qubit QuTiP points: at most 2.2e-7 of the radius
        expect(Math.abs(o[b + L.gap] - ref.gap)).toBeLessThan(tol);
        expect(Math.abs(o[b + L.gap] - c.gap)).toBeLessThan(tol);
        expect(Math.abs(o[b + L.spectralRadius] - ref.radius)).toBeLessThan(tol);
        expect(Math.abs(o[b + L.slowest] - ref.slowest)).toBeLessThan(tol);
        expect(o[b + L.kernelDim]).toBe(1);
        expect(o[b + L.spectrumFlags]).toBe(Math.abs(ref.slowest) * tau < STATIONARY_DECAYS ? FLAG_BITS['not-stationary-at-tau'] : 0);
        expect(o[b + L.left]).toBe(0);
        expect(o[b + L.qrIterations]).toBeGreaterThan(0);
      });
    }, 120_000);
  }

  gpuIt('a generator scaled badly by a diagonal similarity (powers of 2, the same spectrum): the same gap, by the balancing', async (gpu) => {
    // the QuTiP point where the unbalanced reduction lost most (1.98e-4 of the radius, measured)
    const { sys, rows, settings, ref } = pointsOf(caseOf('n3-own-battery-s1'), [50]);
    const D = sys.stateDim;
    const w = ndWorkLayout(D);
    const work = fillNdWork(rows, 1, settings);
    // rows and columns 1 .. D - 1 scaled by 2^-5 .. 2^5 (row 0 is zero; column 0 the inhomogeneous part)
    const scale = (i: number) => 2 ** (((i * 7) % 11) - 5);
    for (let i = 1; i < D; i++) for (let j = 1; j < D; j++) work[w.G + i * D + j] *= scale(i) / scale(j);
    const res = await gpu.spectrumNd(work, 1, settings);
    expect(res.error).toBeUndefined();
    const tol = toleranceAt('liouvillian_gap', { ...ref, tau: 50 })!;
    expect(Math.abs(res.out[L.gap] - ref.gap)).toBeLessThan(tol);
    expect(Math.abs(res.out[L.spectralRadius] - ref.radius)).toBeLessThan(tol);
  }, 120_000);

  gpuIt('points whose generator has a NaN or an infinite entry: NaN and the non-finite flag alone; the point beside them as if alone', async (gpu) => {
    const { sys, rows, settings } = pointsOf(caseOf('n3-complex-strong-dm'), [30, 30, 30]);
    const w = ndWorkLayout(sys.stateDim);
    const work = fillNdWork(rows, 3, settings);
    const alone = await gpu.spectrumNd(work.slice(0, w.stride), 1, settings);
    work[w.stride + w.G + 70] = Number.NaN;
    work[2 * w.stride + w.G + 70] = Number.POSITIVE_INFINITY;
    const res = await gpu.spectrumNd(work, 3, settings);
    expect(res.error).toBeUndefined();
    expect(Array.from(res.out.subarray(0, L.stride))).toEqual(Array.from(alone.out.subarray(0, L.stride)));
    for (const b of [L.stride, 2 * L.stride]) {
      for (const slot of [L.gap, L.spectralRadius, L.slowest, L.kernelDim]) expect(Number.isNaN(res.out[b + slot])).toBe(true);
      expect(res.out[b + L.spectrumFlags]).toBe(FLAG_BITS['non-finite']);
      expect(res.out[b + L.qrIterations]).toBe(0);
    }
  }, 120_000);
});

describe('n = 4 on the GPU', () => {
  gpuIt('a point of four qubits: within the tolerance where the adapter runs it, else refused in one line (llvmpipe)', async (gpu) => {
    const c = caseOf('n4-central-spin-lindblad');
    const { rows, settings, ref } = pointsOf(c, [20000]);
    const res = await gpu.spectrumNd(fillNdWork(rows, 1, settings), 1, settings);
    if (res.error) {
      expect(res.error.message).toMatch(/^webgpu: the kernel of a system of 4 qubits ran past this adapter's budget of loop iterations per invocation \(.*\) at point 0: use --backend cpu, or a hardware GPU$/);
      expect(res.done).toBe(0);
      return;
    }
    expect(Math.abs(res.out[L.gap] - ref.gap)).toBeLessThan(1e-4 * ref.radius);
    expect(Math.abs(res.out[L.gap] - c.gap)).toBeLessThan(1e-4 * ref.radius);
    expect(res.out[L.kernelDim]).toBe(1);
  }, 240_000);
});
