// A CPU worker thread: float64 evaluation of parameter rows into records.

import { parentPort } from 'node:worker_threads';
import { recordStride } from '../../core/layout.js';
import { type CpuIntegrator, evaluatePoint } from '../../model/point.js';
import { type SweepJob, jobCount } from '../types.js';
import { rowToPoint, writeRecord } from './record.js';
import { TRAJECTORY_QUANTITIES, chargingCurve } from '../../model/charging.js';
import { generator } from '../../model/generators.js';
import { initialVector } from '../../model/evolve.js';
import type { SystemDefinition } from '../../system/definition.js';
import { systemKey } from '../../system/registry.js';

/** A message to a worker: a job of filled float64 rows, and its id for the answer. */
export interface WorkerMessage {
  id: number;
  job: SweepJob<Float64Array>;
}

export function evaluateRows(job: SweepJob<Float64Array>): { out: Float64Array; traj?: Float64Array } {
  const n = jobCount(job);
  const out = new Float64Array(n * recordStride(job.settings.system.stateDim));
  const stride = job.times ? TRAJECTORY_QUANTITIES.length * job.times.n : 0;
  const traj = job.times ? new Float64Array(n * stride) : undefined;
  const concurrence = job.outputs.includes('concurrence');
  for (let k = 0; k < n; k++) {
    const p = rowToPoint(job.rows, k, job.settings);
    const res = evaluatePoint(p, { integrator: job.integrator as CpuIntegrator, dt: job.dt });
    writeRecord(res, res.step, out, k);
    // the curve always by the exact exponential, whatever the integrator of the record; none where the point has no numbers
    if (traj && res.flags.includes('non-finite')) traj.fill(Number.NaN, k * stride, (k + 1) * stride);
    else if (traj) traj.set(chargingCurve(p.system, generator(p).G, initialVector(p), job.times!, { concurrence }), k * stride);
  }
  return { out, traj };
}

// Each message carries a structured clone of the system: the first clone of each definition is kept,
// so that its compiled float64 generator (cached per system object) is reused by every later block.
const systems = new Map<string, SystemDefinition>();

parentPort?.on('message', ({ id, job }: WorkerMessage) => {
  try {
    const key = systemKey(job.settings.system);
    const system = systems.get(key) ?? (systems.set(key, job.settings.system), job.settings.system);
    const { out, traj } = evaluateRows({ ...job, settings: { ...job.settings, system } });
    parentPort!.postMessage({ id, out, traj }, traj ? [out.buffer as ArrayBuffer, traj.buffer as ArrayBuffer] : [out.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id, error: (e as Error).message });
  }
});
