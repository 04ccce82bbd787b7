// A job of a system of n > 2 qubits on the webgpu backend: the GPU evolves each point to tau
// (nd_leap, or nd_rk4 with --integrator rk4) and solves its long-time limit; every output is then
// computed on the host, in float64, from those two GPU states by the cpu backend's own path
// (model/point.ts pointOfStates: the battery's figures of merit, currents, flags), so for n > 2 the
// figures are the host's of the GPU state. Where the gap is asked for, the spectrum program
// (nd_spectrum, engine.spectrumNd) runs on the same work buffers and gives the gap, the spectral
// radius, the slowest decay and the `unstable`/`not-stationary-at-tau` verdicts; without it,
// `not-stationary-at-tau` stands wherever the leap's bound does not prove the point stationary.

import { FLAG_BITS, recordLayout, recordStride } from '../../core/layout.js';
import { auxLayout } from '../../compiler/targets.js';
import { initialVector } from '../../model/evolve.js';
import { pointOfStates } from '../../model/point.js';
import { rowToPoint, writeRecord } from '../cpu/record.js';
import { type RangeResult, type RunSettings, type SweepJob, jobRows } from '../types.js';
import { type NdEvaluateResult, WebGpuEngine } from './engine.js';
import { fillNdWork, ndBytesPerPoint } from './nd.js';
import { ndSpectrumLayout } from './ndSpectrum.js';

const NO_SPECTRUM = { liouvillian_gap: Number.NaN, slowest_relaxation: Number.NaN, spectral_radius: Number.NaN };

/** Bytes of host work buffers (f32, 48.5 KiB a point of 3 qubits, 770 KiB of 4) filled at a time: a block of 65,536 points would need 3 GiB. */
const HOST_WORK_BYTES = 64 * 2 ** 20;

/** Points start .. start + count - 1 of an n > 2 job through the engine, records of recordLayout(stateDim), in parts whose work buffers fit HOST_WORK_BYTES. */
export async function evaluateNdOnEngine(engine: WebGpuEngine, job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
  const settings = job.settings;
  const D = settings.system.stateDim;
  const stride = recordStride(D);
  const part = Math.max(1, Math.floor(HOST_WORK_BYTES / ndBytesPerPoint(D).work));
  const records = new Float32Array(count * stride);
  for (let done = 0; done < count; ) {
    const n = Math.min(part, count - done);
    // float64 rows: the host's generator and figures read them, the GPU gets them rounded once
    const rows = jobRows(job, start + done, n, Float64Array);
    const aux = new Float64Array(n * auxLayout(D).length);
    const work = fillNdWork(rows, n, settings, aux);
    const progress = (p: { done: number }) => onProgress?.(done + p.done);
    const r = job.integrator === 'rk4' ? await engine.rk4Nd(work, n, settings, {}, progress) : await engine.evaluateNd(work, n, settings, progress);
    // the spectrum of the points the evolution finished, from the same work buffers (G, tau)
    const spectrum = job.outputs.includes('liouvillian_gap') && r.done > 0 ? await engine.spectrumNd(work, r.done, settings) : undefined;
    const finished = Math.min(r.done, spectrum?.done ?? r.done);
    records.set(ndRecordsOfStates(rows, finished, settings, r, aux, spectrum?.out).subarray(0, finished * stride), done * stride);
    done += finished;
    const error = r.error ?? spectrum?.error;
    if (error) return { records, done, error };
  }
  return { records, done: count };
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
