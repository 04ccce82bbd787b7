// A CPU worker thread: float64 evaluation of parameter rows into records.

import { parentPort } from 'node:worker_threads';
import { OUT_STRIDE, PARAM_STRIDE } from '../../core/layout.js';
import { type CpuIntegrator, evaluatePoint } from '../../model/point.js';
import type { RunSettings } from '../webgpu/engine.js';
import { rowToPoint, writeRecord } from './record.js';
import { TRAJECTORY_QUANTITIES, type TimeGrid, chargingCurve } from '../../model/charging.js';
import { generator } from '../../model/generators.js';
import { initialVector } from '../../model/evolve.js';

export interface WorkerTask {
  id: number;
  rows: Float64Array;
  settings: RunSettings;
  integrator: CpuIntegrator;
  dt?: number;
  /** also each point's float64 charging curve on this grid */
  times?: TimeGrid;
  /** ... with its concurrence (the sweep's outputs include it) */
  concurrence?: boolean;
}

export function evaluateRows(task: Omit<WorkerTask, 'id'>): { out: Float64Array; traj?: Float64Array } {
  const n = task.rows.length / PARAM_STRIDE;
  const out = new Float64Array(n * OUT_STRIDE);
  const stride = task.times ? TRAJECTORY_QUANTITIES.length * task.times.n : 0;
  const traj = task.times ? new Float64Array(n * stride) : undefined;
  for (let k = 0; k < n; k++) {
    const p = rowToPoint(task.rows, k, task.settings);
    const res = evaluatePoint(p, { integrator: task.integrator, dt: task.dt });
    writeRecord(res, res.step, out, k);
    // the curve always by the exact exponential, whatever the integrator of the record; none where the point has no numbers
    if (traj && res.flags.includes('non-finite')) traj.fill(Number.NaN, k * stride, (k + 1) * stride);
    else if (traj) traj.set(chargingCurve(generator(p).G, initialVector(p), task.times!, { concurrence: task.concurrence }), k * stride);
  }
  return { out, traj };
}

parentPort?.on('message', (task: WorkerTask) => {
  try {
    const { out, traj } = evaluateRows(task);
    parentPort!.postMessage({ id: task.id, out, traj }, traj ? [out.buffer as ArrayBuffer, traj.buffer as ArrayBuffer] : [out.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
