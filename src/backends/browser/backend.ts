// The browser backend: the WebGPU engine (or, without a WebGPU adapter, the gpu.js kernel on
// WebGL2) inside headless Chromium, driven from Node. Useful where Dawn for Node is missing;
// the browser tests use it to hold the page's engine to the float64 reference.
//
// Node fills the parameter rows (as for every backend) and ships the job to the harness page
// (src/web/harness.ts), its rows as base64 (Float32Array, Float64Array for n > 2: rows.ts); the
// page returns records of the system's size (recordStride).

import type { Page } from 'puppeteer-core';
import { InputError } from '../../model/params.js';
import { type RangeResult, type SweepBackend, type SweepJob, jobRows } from '../types.js';
import { TRAJECTORY_QUANTITIES } from '../../model/charging.js';
import { recordStride } from '../../core/layout.js';
import { GPU_INTEGRATORS } from '../webgpu/backend.js';
import { type LaunchedChromium, launchChromium } from './chromium.js';
import { wireRowsType } from './rows.js';
import { type RunningServer, startServer } from './server.js';

export type BrowserEngine = 'auto' | 'webgpu' | 'webgl';

export interface BrowserBackendOptions {
  /** which engine the page uses (default auto: WebGPU, else gpu.js on WebGL2) */
  engine?: BrowserEngine;
  /** launch Chromium with WebGPU enabled (default true); false exercises the WebGL fallback */
  webgpu?: boolean;
  /** points per call into the page */
  blockPoints?: number;
  /** a browser to open the harness page in (it stays open on close); default: a new one */
  chromium?: LaunchedChromium;
}

interface InitInfo {
  kind: 'webgpu' | 'webgl';
  why: string;
  info: Record<string, unknown>;
  userAgent: string;
}

export class BrowserBackend implements SweepBackend {
  readonly name = 'browser' as const;
  readonly precision = 'float32' as const;

  /** charging curves need the WebGPU runtime of the page (gpu.js has no times program) */
  get timeGrids(): boolean {
    return this.init.kind !== 'webgl';
  }
  private progress: ((done: number) => void) | undefined;
  private info: Record<string, unknown>;

  private constructor(
    private readonly chromium: LaunchedChromium,
    private readonly server: RunningServer,
    readonly page: Page,
    readonly init: InitInfo,
    private readonly opts: BrowserBackendOptions,
  ) {
    this.info = init.info;
  }

  static async create(opts: BrowserBackendOptions = {}): Promise<BrowserBackend> {
    const server = await startServer();
    let chromium: LaunchedChromium | undefined = opts.chromium;
    try {
      chromium ??= await launchChromium({ webgpu: opts.webgpu ?? true });
      const page = await chromium.browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push((e as Error).message));
      await page.goto(`${server.url}harness.html`, { waitUntil: 'load' });
      await page.waitForFunction('window.qbsweepHarness !== undefined', { timeout: 30_000 }).catch(() => {
        throw new Error(`the harness page did not start${errors.length ? `: ${errors[0]}` : ''}`);
      });
      const init = (await page.evaluate((prefer) => (window as unknown as { qbsweepHarness: { init(p: string): Promise<InitInfo> } }).qbsweepHarness.init(prefer), opts.engine ?? 'auto')) as InitInfo;
      const backend = new BrowserBackend(chromium, server, page, init, opts);
      await page.exposeFunction('qbsweepProgress', (d: number) => backend.progress?.(d));
      return backend;
    } catch (e) {
      if (!opts.chromium) await chromium?.close();
      await server.close();
      throw e;
    }
  }

  /** One line: which engine the page runs and on what. */
  get why(): string {
    return `${this.init.why} in ${this.init.userAgent.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0] ?? 'Chromium'}`;
  }

  describe(): Record<string, unknown> {
    return { backend: 'browser', precision: 'float32', browser: this.init.userAgent.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0], chromium: this.chromium.executable, ...this.info };
  }

  async evaluate(job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
    const integrators = this.init.kind === 'webgl' ? ['leap'] : GPU_INTEGRATORS;
    if (!integrators.includes(job.integrator)) {
      throw new InputError(`option --integrator: ${JSON.stringify(job.integrator)} is not a ${this.init.kind === 'webgl' ? 'webgl' : 'GPU'} integrator (expected ${integrators.join(', ')})`);
    }
    const recStride = recordStride(job.settings.system.stateDim);
    const records = new Float32Array(count * recStride);
    const stride = job.times ? TRAJECTORY_QUANTITIES.length * job.times.n : 0;
    const trajectories = job.times ? new Float32Array(count * stride) : undefined;
    const block = this.opts.blockPoints ?? Math.max(1, Math.min(16384, Math.floor((64 << 20) / Math.max(1, stride * 4))));
    let done = 0;
    while (done < count) {
      const n = Math.min(block, count - done);
      const rows = jobRows(job, start + done, n, wireRowsType(job.settings.system));
      const base = done;
      this.progress = (d) => onProgress?.(base + d);
      let r: { records: string; trajectories?: string; done: number; error?: string; info: Record<string, unknown> };
      try {
        r = await this.page.evaluate(
          (req) => (window as unknown as { qbsweepHarness: { evaluate(q: unknown): Promise<typeof r> } }).qbsweepHarness.evaluate(req),
          { ...job, rows: Buffer.from(rows.buffer).toString('base64') } satisfies SweepJob<string>,
        );
      } catch (e) {
        return { records, done, error: new Error(`the browser failed: ${(e as Error).message.split('\n')[0]}`), trajectories };
      } finally {
        this.progress = undefined;
      }
      this.info = r.info;
      const got = new Float32Array(new Uint8Array(Buffer.from(r.records, 'base64')).buffer);
      records.set(got.subarray(0, r.done * recStride), done * recStride);
      if (trajectories && r.trajectories !== undefined) trajectories.set(new Float32Array(new Uint8Array(Buffer.from(r.trajectories, 'base64')).buffer).subarray(0, r.done * stride), done * stride);
      done += r.done;
      onProgress?.(done);
      if (r.error) return { records, done, error: new Error(r.error), trajectories };
    }
    return { records, done, trajectories };
  }

  /** The page's prepareEngine on the first point: compiles, and (n > 2) meets an adapter's loop budget before any point, in one line. */
  async prepare(job: SweepJob): Promise<void> {
    if (this.init.kind !== 'webgpu') return;
    const rows = jobRows(job, 0, 1, wireRowsType(job.settings.system));
    await this.page
      .evaluate(
        (req) => (window as unknown as { qbsweepHarness: { prepare(q: unknown): Promise<void> } }).qbsweepHarness.prepare(req),
        { ...job, rows: Buffer.from(rows.buffer).toString('base64') } satisfies SweepJob<string>,
      )
      .catch((e: Error) => {
        throw new Error(e.message.split('\n')[0]);
      });
  }

  async close(): Promise<void> {
    if (this.opts.chromium) await this.page.close().catch(() => undefined);
    else await this.chromium.close();
    await this.server.close();
  }
}
