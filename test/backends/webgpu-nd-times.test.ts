// Charging curves of n > 2 qubits on a real WebGPU adapter (shaders/kernels/nd_times.wgsl,
// engine.timesNd, ndRun.ts): r(t_j) at every time of a grid against float64 exact evolution
// (model/evolve.ts evolveExact) within the float32 tolerance of r (src/sweep/tolerance.ts),
// over more times than one dispatch steps; nd_leap's long-time r at tau = 0; the curves' values of the declared two-cell battery
// through the webgpu backend against the same host code on float64 states; what stays refused.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rowLayout } from '../../src/core/layout.js';
import { generatorF64 } from '../../src/compiler/targets.js';
import { parseSystem } from '../../src/system/definition.js';
import { evolveExact, initialVector, propagator } from '../../src/model/evolve.js';
import { matvec } from '../../src/model/linalg.js';
import { liouvillianGap, longTimeLimit, spectrum } from '../../src/model/spectrum.js';
import { ND_TIMES_PER_DISPATCH, fillNdWork } from '../../src/backends/webgpu/nd.js';
import { WebGpuBackend } from '../../src/backends/webgpu/backend.js';
import type { RunSettings, SweepJob } from '../../src/backends/types.js';
import { toleranceAt } from '../../src/sweep/tolerance.js';
import { gpuTests } from '../helpers/gpu.js';
import { TRAJECTORY_QUANTITIES, type TimeGrid, curveOfStates, timeStep, timeValues } from '../../src/model/charging.js';
import { systemFigures } from '../../src/model/observables.js';
import { offCpuRefusal } from '../../src/backends/select.js';
import { rowToPoint } from '../../src/backends/cpu/record.js';

const root = new URL('../../', import.meta.url);
const SYSTEM = 'test/data/systems/n3-charger-two-cells.json';
const sys = parseSystem(JSON.parse(readFileSync(new URL(SYSTEM, root), 'utf8')), SYSTEM);
const settings: RunSettings = { system: sys, model: 'bloch-redfield', zeroFreq: 'limit' };
const D = sys.stateDim;
const row = rowLayout(sys.amplitudes);

/** Rows of the system's defaults from basis states (|eee>, |egg>, |gge>, ...): tau is not used by the curves. */
function rowsOf(bases: number[], F = 0.5): Float64Array {
  const rows = new Float64Array(bases.length * row.stride);
  bases.forEach((basis, k) => {
    const o = k * row.stride;
    rows[o + row.tau] = 5;
    rows[o + row.psiRe + basis] = 1;
    sys.parameters.forEach((p, i) => (rows[o + row.params + i] = p.name === 'F' ? F : p.default));
  });
  return rows;
}

/** Point k's float64 generator, its gap and spectral radius (they set the tolerances). */
function generatorOf(rows: Float64Array, k: number) {
  const G = new Float64Array(D * D);
  generatorF64(sys, settings)(rows, k * row.stride, G);
  const eigs = spectrum(G);
  return { G, gap: liouvillianGap(eigs), radius: Math.max(...eigs.map((e) => Math.hypot(e.re, e.im))) };
}

const gpuIt = gpuTests();

describe('n = 3 on the GPU: r(t_j) on a time grid against float64', () => {
  gpuIt('from > 0 (the leap to the first time) and a grid step of several sub-steps: every r(t_j) within the f32 tolerance of exact evolution', async (gpu) => {
    const bases = [0, 3];
    const rows = rowsOf(bases);
    const grid: TimeGrid = { from: 0.7, to: 12, n: 9 };
    const res = await gpu.timesNd(fillNdWork(rows, bases.length, settings), bases.length, settings, { from: grid.from, step: timeStep(grid), n: grid.n });
    expect(res.error).toBeUndefined();
    expect(res.done).toBe(bases.length);
    let worst = 0;
    bases.forEach((_, k) => {
      const { G, gap, radius } = generatorOf(rows, k);
      const r0 = initialVector(rowToPoint(rows, k, settings));
      timeValues(grid).forEach((t, j) => {
        const want = evolveExact(G, r0, t);
        const got = res.states.subarray((k * grid.n + j) * D, (k * grid.n + j + 1) * D);
        expect(got[0]).toBe(1);
        const tol = toleranceAt('r', { gap, radius, tau: t })!;
        for (let a = 0; a < D; a++) worst = Math.max(worst, Math.abs(got[a] - want[a]) / tol);
      });
    });
    // as a fraction of the tolerance (measured in the report)
    expect(worst).toBeLessThan(1);
  }, 120_000);

  gpuIt(`more times than one dispatch steps (${ND_TIMES_PER_DISPATCH} + 3): the state carries over between dispatches`, async (gpu) => {
    const rows = rowsOf([6], 0.8);
    const grid: TimeGrid = { from: 0, to: 0.1 * (ND_TIMES_PER_DISPATCH + 2), n: ND_TIMES_PER_DISPATCH + 3 };
    const res = await gpu.timesNd(fillNdWork(rows, 1, settings), 1, settings, { from: grid.from, step: timeStep(grid), n: grid.n });
    expect(res.error).toBeUndefined();
    const { G, gap, radius } = generatorOf(rows, 0);
    // float64 by the same stepping as chargingCurve: r(t + step) = exp(step G) r(t)
    const step = propagator(G, timeStep(grid));
    let r = initialVector(rowToPoint(rows, 0, settings));
    let worst = 0;
    timeValues(grid).forEach((t, j) => {
      const tol = toleranceAt('r', { gap, radius, tau: t })!;
      for (let a = 0; a < D; a++) worst = Math.max(worst, Math.abs(res.states[j * D + a] - r[a]) / tol);
      r = matvec(step, r, D);
    });
    expect(worst).toBeLessThan(1);
  }, 120_000);
});

describe('nd_leap at tau within one leap step (the grid\'s first time is often 0)', () => {
  gpuIt('the long-time r is whole (it had NaN in its second half on llvmpipe) and within the f32 tolerance of float64', async (gpu) => {
    for (const tau of [0, 1e-6]) {
      const rows = rowsOf([6]);
      rows[row.tau] = tau;
      const res = await gpu.evaluateNd(fillNdWork(rows, 1, settings), 1, settings);
      expect(res.error).toBeUndefined();
      const { G, gap, radius } = generatorOf(rows, 0);
      const want = longTimeLimit(G, initialVector(rowToPoint(rows, 0, settings))).r;
      const tol = toleranceAt('steady.r', { gap, radius, tau })!;
      for (let a = 0; a < D; a++) expect(Math.abs(res.longTimeR[a] - want[a]), `component ${a} at tau = ${tau}`).toBeLessThan(tol);
    }
  }, 120_000);
});

describe('n = 3 charging curves through the webgpu backend', () => {
  gpuIt("the declared two-cell battery's curves (E_B, ergotropy, efficiency, average power) within their f32 tolerances of the float64 states' curves; the records as without a grid", async (gpu) => {
    const bases = [0, 3, 6];
    const rows = rowsOf(bases);
    const grid: TimeGrid = { from: 0, to: 20, n: 6 };
    const job: SweepJob = { rows, settings, integrator: 'leap', outputs: ['E_B_over_omega'], times: grid };
    const backend = WebGpuBackend.fromEngine(gpu);
    const res = await backend.evaluate(job, 0, bases.length);
    expect(res.error).toBeUndefined();
    expect(res.done).toBe(bases.length);
    const plain = await backend.evaluate({ ...job, times: undefined }, 0, bases.length);
    expect(Array.from(res.records)).toEqual(Array.from(plain.records));
    const nq = TRAJECTORY_QUANTITIES.length;
    const battery = (r: ArrayLike<number>) => systemFigures(sys, r);
    let worst = 0;
    bases.forEach((_, k) => {
      const { G, gap, radius } = generatorOf(rows, k);
      const r0 = initialVector(rowToPoint(rows, k, settings));
      const times = timeValues(grid);
      const states = new Float64Array(grid.n * D);
      times.forEach((t, j) => states.set(evolveExact(G, r0, t), j * D));
      const want = curveOfStates(battery, r0, states, grid, { concurrence: false });
      const got = res.trajectories!.subarray(k * nq * grid.n, (k + 1) * nq * grid.n);
      TRAJECTORY_QUANTITIES.forEach((q, qi) => {
        times.forEach((t, j) => {
          const value = got[qi * grid.n + j];
          const reference = want[qi * grid.n + j];
          if (q === 'concurrence') return expect(Number.isNaN(value)).toBe(true); // a two-qubit figure
          const tol = toleranceAt(`trajectory.${q}`, { gap, radius, tau: t, energy: want[j] })!;
          worst = Math.max(worst, Math.abs(value - reference) / tol);
        });
      });
      // the battery charges: E_B moves away from its initial value
      expect(Math.abs(want[grid.n - 1] - want[0])).toBeGreaterThan(0.01);
    });
    expect(worst).toBeLessThan(1);
  }, 120_000);
});

describe('what webgpu refuses for three qubits: nothing (webgl refuses them)', () => {
  it('webgpu and auto run them, time grids and the gap included', () => {
    expect(offCpuRefusal('webgpu', sys)).toBeUndefined();
    expect(offCpuRefusal('auto', sys)).toBeUndefined();
    expect(offCpuRefusal('webgl', sys)).toBe('3 qubits: the webgl backend runs two-qubit systems with the default battery only');
  });
});
