// A CPU worker thread: float64 evaluation of parameter rows into records.

import { parentPort } from 'node:worker_threads';
import { OUT_STRIDE, PARAM_STRIDE } from '../../core/layout.js';
import { type CpuIntegrator, evaluatePoint } from '../../model/point.js';
import type { RunSettings } from '../webgpu/engine.js';
import { rowToPoint, writeRecord } from './record.js';

export interface WorkerTask {
  id: number;
  rows: Float64Array;
  settings: RunSettings;
  integrator: CpuIntegrator;
  dt?: number;
}

export function evaluateRows(task: Omit<WorkerTask, 'id'>): Float64Array {
  const n = task.rows.length / PARAM_STRIDE;
  const out = new Float64Array(n * OUT_STRIDE);
  for (let k = 0; k < n; k++) {
    const p = rowToPoint(task.rows, k, task.settings);
    const res = evaluatePoint(p, { integrator: task.integrator, dt: task.dt });
    writeRecord(res, res.step, out, k);
  }
  return out;
}

parentPort?.on('message', (task: WorkerTask) => {
  try {
    const out = evaluateRows(task);
    parentPort!.postMessage({ id: task.id, out }, [out.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: task.id, error: (e as Error).message });
  }
});
