// The float64 CPU backend: the reference physics on worker threads (one per core).

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InputError } from '../../model/params.js';
import type { CpuIntegrator } from '../../model/point.js';
import { recordStride } from '../../core/layout.js';
import { type RangeResult, type SweepBackend, type SweepJob, jobRows } from '../types.js';
import type { WorkerMessage } from './worker.js';
import { cpuWorkerUrl } from '../../paths.js';
import { TRAJECTORY_QUANTITIES } from '../../model/charging.js';

export const CPU_INTEGRATORS: CpuIntegrator[] = ['expm', 'leap', 'rk4'];

/** Points per message to a worker: large enough to amortise messaging, small enough for progress. */
const TASK_POINTS = 64;

interface Pending {
  resolve: (r: { out: Float64Array; traj?: Float64Array }) => void;
  reject: (e: Error) => void;
}

export class CpuBackend implements SweepBackend {
  readonly name = 'cpu' as const;
  readonly precision = 'float64' as const;
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: (() => void)[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(readonly threads = Math.max(1, availableParallelism())) {}

  describe(): Record<string, unknown> {
    return { backend: 'cpu', precision: 'float64', threads: this.threads, integrators: CPU_INTEGRATORS };
  }

  private start(): void {
    if (this.workers.length) return;
    for (let i = 0; i < this.threads; i++) {
      const w = new Worker(cpuWorkerUrl());
      w.on('message', (m: { id: number; out?: Float64Array; traj?: Float64Array; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.release(w);
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve({ out: m.out!, traj: m.traj });
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  private release(w: Worker): void {
    this.idle.push(w);
    this.queue.shift()?.();
  }

  private run(job: WorkerMessage['job']): Promise<{ out: Float64Array; traj?: Float64Array }> {
    return new Promise((resolve, reject) => {
      const go = () => {
        const w = this.idle.pop()!;
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        w.postMessage({ id, job } satisfies WorkerMessage, [job.rows.buffer as ArrayBuffer]);
      };
      if (this.idle.length) go();
      else this.queue.push(go);
    });
  }

  async evaluate(job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
    const integrator = job.integrator as CpuIntegrator;
    if (!CPU_INTEGRATORS.includes(integrator)) {
      throw new InputError(`option --integrator: ${JSON.stringify(job.integrator)} is not a cpu integrator (expected ${CPU_INTEGRATORS.join(', ')})`);
    }
    this.start();
    const recordSize = recordStride(job.settings.system.stateDim);
    const records = new Float64Array(count * recordSize);
    const stride = job.times ? TRAJECTORY_QUANTITIES.length * job.times.n : 0;
    const trajectories = job.times ? new Float64Array(count * stride) : undefined;
    let finished = 0;
    const tasks: Promise<void>[] = [];
    for (let off = 0; off < count; off += TASK_POINTS) {
      const n = Math.min(TASK_POINTS, count - off);
      // the rows without the step: a cpu integrator takes it from job.dt
      const rows = jobRows(job, start + off, n, Float64Array, 0);
      tasks.push(
        this.run({ ...job, rows }).then(({ out, traj }) => {
          records.set(out, off * recordSize);
          if (traj) trajectories!.set(traj, off * stride);
          finished += n;
          onProgress?.(finished);
        }),
      );
    }
    try {
      await Promise.all(tasks);
    } catch (e) {
      return { records, done: 0, error: e as Error, trajectories };
    }
    return { records, done: count, trajectories };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    this.idle = [];
  }
}
