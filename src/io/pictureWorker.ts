// Draws a sweep's pictures on a worker thread, so that they render while the main thread writes
// the CSV and HDF5 files (on a 2-core machine the three writers otherwise take turns).

import { parentPort } from 'node:worker_threads';
import { Grid } from '../sweep/grid.js';
import type { SweepResult } from '../sweep/run.js';
import type { ResolvedSpec } from '../sweep/spec.js';
import { sweepPng } from './sweepFigure.js';

/** What a picture needs of a result: plain data that crosses to a worker. */
export interface PictureTask {
  spec: ResolvedSpec;
  values: Record<string, Float32Array | Float64Array>;
  flags: SweepResult['flags'];
  done: number;
  count: number;
  offset: number;
  backend: Record<string, unknown>;
  columns: string[];
}

export async function drawPictures(task: PictureTask): Promise<Uint8Array[]> {
  const res = { ...task, grid: new Grid(task.spec) } as unknown as SweepResult;
  const out: Uint8Array[] = [];
  for (const c of task.columns) out.push(await sweepPng(res, c));
  return out;
}

parentPort?.once('message', (task: PictureTask) => {
  drawPictures(task).then(
    (pngs) => parentPort!.postMessage({ pngs }),
    (e: Error) => parentPort!.postMessage({ error: e.message }),
  );
});
