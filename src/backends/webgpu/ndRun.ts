// A job of a system of n > 2 qubits on the webgpu backend: the GPU evolves each point to tau
// (nd_leap, or nd_rk4 with --integrator rk4) and solves its long-time limit; every output is then
// computed on the host, in float64, from those two GPU states by the cpu backend's own path
// (model/point.ts pointOfStates: the battery's figures of merit, currents, flags), so for n > 2 the
// figures are the host's of the GPU state. Where the gap is asked for, the spectrum program
// (nd_spectrum, engine.spectrumNd) runs on the same work buffers and gives the gap, the spectral
// radius, the slowest decay and the `unstable`/`not-stationary-at-tau` verdicts; without it,
// `not-stationary-at-tau` stands wherever the leap's bound does not prove the point stationary.
// With a time grid the GPU writes r(t_j) at every time (nd_times) and the host turns each into
// the curve's values (model/charging.ts curveOfStates, the cpu backend's).

import { FLAG_BITS, recordLayout, recordStride } from '../../core/layout.js';
import { auxLayout } from '../../compiler/targets.js';
import { initialVector } from '../../model/evolve.js';
import { pointOfStates } from '../../model/point.js';
import { rowToPoint, writeRecord } from '../cpu/record.js';
import { type RangeResult, type RunSettings, type SweepJob, jobRows } from '../types.js';
import { type NdEvaluateResult, WebGpuEngine } from './engine.js';
import { fillNdWork, ndBytesPerPoint, ndTimesBytesPerPoint } from './nd.js';
import { ndSpectrumLayout } from './ndSpectrum.js';
import { TRAJECTORY_QUANTITIES, type TimeGrid, curveOfStates, timeStep } from '../../model/charging.js';
import { systemBattery } from '../../model/observables.js';

const NO_SPECTRUM = { liouvillian_gap: Number.NaN, slowest_relaxation: Number.NaN, spectral_radius: Number.NaN };

/** Bytes of host buffers (f32 work buffers, 48.5 KiB a point of 3 qubits, 770 KiB of 4, and with a time grid its curve's states) filled at a time: a block of 65,536 points would need 3 GiB. */
const HOST_WORK_BYTES = 64 * 2 ** 20;

/** Points start .. start + count - 1 of an n > 2 job through the engine, records of recordLayout(stateDim), in parts whose host buffers fit HOST_WORK_BYTES; with a time grid, each point's charging curve too. */
export async function evaluateNdOnEngine(engine: WebGpuEngine, job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
  const settings = job.settings;
  const D = settings.system.stateDim;
  const stride = recordStride(D);
  const grid = job.times;
  const curveStride = grid ? TRAJECTORY_QUANTITIES.length * grid.n : 0;
  const perPoint = ndBytesPerPoint(D).work + (grid ? ndTimesBytesPerPoint(D, grid.n) + curveStride * 4 : 0);
  const part = Math.max(1, Math.floor(HOST_WORK_BYTES / perPoint));
  const records = new Float32Array(count * stride);
  const trajectories = grid ? new Float32Array(count * curveStride).fill(Number.NaN) : undefined;
  for (let done = 0; done < count; ) {
    const n = Math.min(part, count - done);
    // float64 rows: the host's generator and figures read them, the GPU gets them rounded once
    const rows = jobRows(job, start + done, n, Float64Array);
    const aux = new Float64Array(n * auxLayout(D).length);
    const work = fillNdWork(rows, n, settings, aux);
    // with a time grid the curves' pass reports the progress (as for two qubits)
    const progress = (p: { done: number }) => onProgress?.(done + p.done);
    const recordProgress = grid ? undefined : progress;
    const r = job.integrator === 'rk4' ? await engine.rk4Nd(work, n, settings, {}, recordProgress) : await engine.evaluateNd(work, n, settings, recordProgress);
    let finished = r.done;
    let error = r.error;
    // the spectrum of the points the evolution finished, from the same work buffers (G, tau)
    const spectrum = job.outputs.includes('liouvillian_gap') && finished > 0 ? await engine.spectrumNd(work, finished, settings) : undefined;
    if (spectrum) {
      finished = Math.min(finished, spectrum.done);
      error ??= spectrum.error;
    }
    if (grid && !error) {
      const t = await engine.timesNd(work, finished, settings, { from: grid.from, step: timeStep(grid), n: grid.n }, progress);
      ndCurvesOfStates(rows, t.done, settings, t.states, grid, r.out, trajectories!.subarray(done * curveStride));
      finished = t.done;
      error = t.error;
    }
    records.set(ndRecordsOfStates(rows, finished, settings, r, aux, spectrum?.out).subarray(0, finished * stride), done * stride);
    done += finished;
    if (error) return { records, done, error, trajectories };
  }
  return { records, done: count, trajectories };
}

/**
 * The charging curves of n > 2 points from the GPU's states r(t_j) (timesNd: grid.n x stateDim
 * per point): the values by the cpu backend's own curveOfStates with the system's battery
 * (model/observables.ts systemBattery), in float64, into `curves` (TRAJECTORY_QUANTITIES x
 * grid.n per point). A point whose record (the GPU's, before ndRecordsOfStates) is not finite
 * keeps NaN curves, as on cpu. No concurrence: it is a two-qubit output.
 */
export function ndCurvesOfStates(rows: Float64Array, done: number, settings: RunSettings, states: Float32Array, grid: TimeGrid, records: Float32Array, curves: Float32Array): void {
  const D = settings.system.stateDim;
  const L = recordLayout(D);
  const stride = recordStride(D);
  const curveStride = TRAJECTORY_QUANTITIES.length * grid.n;
  const battery = (r: ArrayLike<number>) => systemBattery(settings.system, r, 'f32');
  for (let k = 0; k < done; k++) {
    if ((records[k * stride + L.flags] | 0) & FLAG_BITS['non-finite']) continue;
    const p = rowToPoint(rows, k, settings);
    curves.set(curveOfStates(battery, initialVector(p), states.subarray(k * grid.n * D, (k + 1) * grid.n * D), grid, { concurrence: false }), k * curveStride);
  }
}

/**
 * The finished records of n > 2 points from the GPU's r(tau) (each record's r block) and
 * long-time r: every output by pointOfStates, in float64; the kernel's step, kernel dimension
 * and bound kept. A point the kernel found not finite keeps its record (settleRecord blanks it).
 */
export function ndRecordsOfStates(rows: Float64Array, done: number, settings: RunSettings, gpu: Pick<NdEvaluateResult, 'out' | 'longTimeR'>, aux: Float64Array, spectra?: Float32Array): Float32Array {
  const S = ndSpectrumLayout();
  const D = settings.system.stateDim;
  const L = recordLayout(D);
  const stride = recordStride(D);
  const auxLength = auxLayout(D).length;
  const record = new Float64Array(stride);
  const out = gpu.out;
  for (let k = 0; k < done; k++) {
    const b = k * stride;
    const words = out[b + L.flags] | 0;
    if (words & FLAG_BITS['non-finite']) continue;
    const p = rowToPoint(rows, k, settings);
    const bound = out[b + L.transientBound];
    const step = out[b + L.dt];
    const s = spectra?.subarray(k * S.stride, (k + 1) * S.stride);
    const spectrumFlags = s ? s[S.spectrumFlags] | 0 : 0;
    const res = pointOfStates(p, {
      r: Float64Array.from(out.subarray(b + L.r, b + L.r + D)),
      r0: initialVector(p),
      limitR: Float64Array.from(gpu.longTimeR.subarray(k * D, (k + 1) * D)),
      kernelDim: out[b + L.kernelDim],
      aux: aux.subarray(k * auxLength, (k + 1) * auxLength),
      degenerate: (words & FLAG_BITS.degenerate) !== 0,
      // a growing mode shows only in the spectrum: without it, the cross-check's float64 points catch one
      unstable: (spectrumFlags & FLAG_BITS.unstable) !== 0,
      notStationary: s ? (spectrumFlags & FLAG_BITS['not-stationary-at-tau']) !== 0 : !(bound < WebGpuEngine.STATIONARY_BOUND),
      spectrum: s ? { liouvillian_gap: s[S.gap], slowest_relaxation: s[S.slowest], spectral_radius: s[S.spectralRadius] } : NO_SPECTRUM,
      step,
      precision: 'f32',
    });
    writeRecord(res, step, record, 0);
    record[L.transientBound] = bound;
    out.set(record, b);
  }
  return out;
}
