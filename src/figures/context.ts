// What every figure definition gets: the backend to run sweeps on (shared by all figures of
// one `qbsweep figure` call), the resolution, --steady, and a place to record what ran.
//
// Sweeps run on the chosen backend (webgpu by default). float32 GPU backends return NaN for
// the long-time limit at exactly bistable points (Delta1 = Delta2 = 0: the kernel of L is
// two-dimensional and f32 cannot resolve it, see shaders/kernels/steady.wgsl). Where a figure
// asks for the long-time limit (--steady) those points get it in float64 on the CPU: the
// projection onto ker L along the range of L, built once per generator (the resonant Figs. 5
// and 6 vary only the initial state, so one projector serves a whole panel). Points off resonance
// whose gap is below f32 resolution (|Delta| < ~0.02: gap ~ 1e-7) also look bistable in f32;
// their flags (not stationary at tau) and long-time values come from float64 too. All of this
// is recorded in the manifest.

import { createBackend } from '../backends/select.js';
import type { SweepBackend } from '../backends/types.js';
import { FLAG_BITS } from '../core/layout.js';
import { initialVector } from '../model/evolve.js';
import { generator } from '../model/generators.js';
import { batteryObservables, concurrenceOf } from '../model/observables.js';
import type { PointParams } from '../model/params.js';
import { type SteadySummary, evaluatePoint } from '../model/point.js';
import { longTimeLimit, spectrum } from '../model/spectrum.js';
import { flagCounts } from '../io/manifest.js';
import { flagBits } from '../sweep/outputs.js';
import { type SweepResult, crossCheckSummary, runSweep } from '../sweep/run.js';
import { shaderCacheLocation } from '../backends/webgpu/shaderCache.js';
import { type SweepSpec, resolveSpec } from '../sweep/spec.js';

const BISTABLE = FLAG_BITS.bistable;
const NOT_STATIONARY = FLAG_BITS['not-stationary-at-tau'];

export interface FigureOptions {
  /** plot the exact long-time limit instead of the value at tau = 20000 */
  steady: boolean;
  /** points per curve (the paper's resolution: 401) */
  curvePoints: number;
  /** heatmap resolution: nx points along x, ny along y (the paper's resolution: 201 x 201) */
  mapGrid: [number, number];
}

export const PAPER_RESOLUTION: Omit<FigureOptions, 'steady'> = { curvePoints: 401, mapGrid: [201, 201] };

/** One sweep (or table) behind a figure, as written to the CSV and the manifest. */
export interface FigureData {
  /** what this part is, e.g. "(b) dT = 1" */
  label: string;
  result: SweepResult;
  /** near-resonant points (f32 cannot tell their gap from 0) re-evaluated in float64 on the CPU */
  cpuFilled?: number;
  /** exactly resonant points whose long-time limit came from a float64 kernel projector */
  resonantProjected?: { points: number; generators: number; projectors: number };
}

/** A table that is not a sweep (e.g. the Eq. (4) scan over lindblad_freq, a run setting). */
export interface FigureTable {
  label: string;
  columns: string[];
  rows: (number | string)[][];
  /** how it was computed */
  about: string;
}

export class FigureContext {
  readonly data: FigureData[] = [];
  readonly tables: FigureTable[] = [];
  private chosen?: Promise<SweepBackend>;
  /** progress notes (the CLI's stderr) */
  log?: (line: string) => void;
  /** sweeps whose float64 cross-check failed: the verdict lines */
  readonly failedChecks: string[] = [];
  private compileReported = false;

  constructor(
    readonly opts: FigureOptions,
    /** the chosen backend, created on first use (e.g. () => createBackend({backend: 'webgpu'})) */
    private readonly makeBackend: () => Promise<SweepBackend>,
  ) {}

  static withBackendName(opts: FigureOptions, name: string, log?: (line: string) => void, extra: { adapter?: string; threads?: number } = {}): FigureContext {
    const ctx = new FigureContext(
      opts,
      async () => {
        const chosen = await createBackend({ backend: name, adapter: extra.adapter, threads: extra.threads });
        log?.(`qbsweep: ${chosen.why}`);
        return chosen.backend;
      },
    );
    ctx.log = log;
    return ctx;
  }

  backend(): Promise<SweepBackend> {
    this.chosen ??= this.makeBackend();
    return this.chosen;
  }

  /** Forget the data of the previous figure (the backends stay). */
  reset(): void {
    this.data.length = 0;
    this.tables.length = 0;
  }

  /**
   * Runs a sweep on the chosen backend and records it. Long-time outputs (steady.*) that a
   * float32 backend leaves NaN at bistable points are computed in float64 (see the top).
   */
  async sweep(label: string, spec: SweepSpec): Promise<SweepResult> {
    const resolved = resolveSpec(spec);
    const backend = await this.backend();
    const res = await runSweep(resolved, {
      backend,
      onCompile: (phase, seconds) => {
        // the first compile is the long one (later sweeps reuse the kernels): say so while it runs
        if (this.compileReported) return;
        if (phase === 'start') {
          const adapter = (backend.describe().adapter as { description?: string } | undefined)?.description ?? '';
          this.log?.(`qbsweep: compiling GPU kernels (first run: up to a minute; cached afterwards in ${shaderCacheLocation(adapter)})`);
        } else {
          this.log?.(`qbsweep: GPU kernels ready in ${(seconds ?? 0).toFixed(1)} s`);
          this.compileReported = true;
        }
      },
    });
    if (res.error) throw res.error;
    if (res.check && !res.check.pass) this.failedChecks.push(`${label}: ${crossCheckSummary(res.check)}`);
    const entry: FigureData = { label, result: res };
    if (backend.precision === 'float32') {
      const steadyCols = res.columns.filter((c) => c.startsWith('steady.'));
      const near: number[] = [];
      const resonant: number[] = [];
      for (let k = 0; k < res.done; k++) {
        if (!(res.flags[k] & BISTABLE) || res.flags[k] & FLAG_BITS.degenerate) continue;
        const p = res.grid.point(k);
        (res.grid.valueAt(p, 'Delta1') === 0 && res.grid.valueAt(p, 'Delta2') === 0 ? resonant : near).push(k);
      }
      // near-resonant points (gap ~ 1e-7) look bistable in f32: their flags (and long-time
      // values) come from float64
      for (const k of near) {
        const ref = evaluatePoint(res.grid.point(k));
        setSteady(res, k, steadyCols, ref.steady);
        res.flags[k] = (res.flags[k] & ~(BISTABLE | NOT_STATIONARY)) | flagBits(ref.flags.filter((f) => f === 'bistable' || f === 'not-stationary-at-tau'));
      }
      // exactly resonant points: the float64 projection onto ker L along the range of L; a
      // generator met again (only the initial state differs) reuses its projector matrix
      if (steadyCols.length) {
        const seen = new Map<string, { p: PointParams; kernelDim: number; proj?: Projector }>();
        let built = 0;
        for (const k of resonant) {
          const p = res.grid.point(k);
          const key = generatorKey(p);
          const s = seen.get(key);
          let r: Float64Array;
          let kdim: number;
          if (!s) {
            const { G } = generator(p);
            const lim = longTimeLimit(G, initialVector(p), spectrum(G));
            seen.set(key, { p, kernelDim: lim.kernelDim });
            r = lim.r;
            kdim = lim.kernelDim;
          } else {
            if (!s.proj) {
              s.proj = kernelProjector(s.p);
              built++;
            }
            r = s.proj.apply(initialVector(p));
            kdim = s.kernelDim;
          }
          setSteady(res, k, steadyCols, r, kdim);
        }
        if (resonant.length) entry.resonantProjected = { points: resonant.length, generators: seen.size, projectors: built };
      }
      if (near.length) entry.cpuFilled = near.length;
    }
    this.data.push(entry);
    return res;
  }

  table(t: FigureTable): void {
    this.tables.push(t);
  }

  async close(): Promise<void> {
    if (this.chosen) await (await this.chosen).close();
  }
}

/** Flag counts of a figure part, for the manifest. */
export function partSummary(d: FigureData): Record<string, unknown> {
  const r = d.result;
  return {
    label: d.label,
    name: r.spec.name,
    base: r.spec.base,
    axes: r.spec.axes,
    outputs: r.spec.outputs,
    points: r.done,
    backend: r.backend.backend,
    precision: r.backend.precision,
    integrator: r.integrator,
    compute_s: +r.seconds.compute.toFixed(3),
    points_per_s: Math.round(r.pointsPerSecond),
    flags: flagCounts(r),
    ...(r.check ? { float64_cross_check: r.check } : {}),
    ...(d.cpuFilled ? { near_resonant_points_reevaluated_in_float64: d.cpuFilled } : {}),
    ...(d.resonantProjected ? { resonant_long_time_limit_float64_projection: d.resonantProjected } : {}),
  };
}

/** A generator's projection onto its kernel along its range (the exact long-time limit map). */
export interface Projector {
  kernelDim: number;
  /** the long-time limit of r0 (r0[0] = 1) */
  apply(r0: Float64Array): Float64Array;
}

/** Everything but the initial state (and tau) of a point: the generator is a function of it. */
function generatorKey(p: PointParams): string {
  const { psi_real: _a, psi_imag: _b, state_label: _c, tau: _d, ...rest } = p;
  return JSON.stringify(rest);
}

/**
 * The stateDim x stateDim matrix of r0 -> long-time limit (linear, with r_0 = 1 kept), assembled
 * from the float64 longTimeLimit of e0 and e0 + e_i.
 */
export function kernelProjector(p: PointParams): Projector {
  const { G } = generator(p);
  const n = p.system.stateDim;
  const eigs = spectrum(G);
  const e = new Float64Array(n);
  e[0] = 1;
  const first = longTimeLimit(G, e, eigs);
  const cols: Float64Array[] = [first.r];
  for (let i = 1; i < n; i++) {
    const v = new Float64Array(n);
    v[0] = 1;
    v[i] = 1;
    const r = longTimeLimit(G, v, eigs).r;
    cols.push(r.map((x, j) => x - first.r[j]));
  }
  return {
    kernelDim: first.kernelDim,
    apply(r0: Float64Array): Float64Array {
      const r = new Float64Array(n);
      for (let i = 0; i < n; i++) if (r0[i] !== 0) for (let j = 0; j < n; j++) r[j] += cols[i][j] * r0[i];
      r[0] = 1;
      return r;
    },
  };
}

/** Writes the long-time columns of point k from a summary or from the limit's Pauli vector. */
function setSteady(res: SweepResult, k: number, cols: string[], s: SteadySummary | Float64Array, kernelDim = 1): void {
  let v: Record<string, number>;
  if (s instanceof Float64Array) {
    const b = batteryObservables(s);
    v = { efficiency: b.efficiency, E_B_over_omega: b.E_B_over_omega, ergotropy_over_omega: b.ergotropy_over_omega, kernel_dim: kernelDim };
    if (cols.includes('steady.concurrence')) v.concurrence = concurrenceOf(s);
  } else v = s as unknown as Record<string, number>;
  for (const c of cols) res.values[c][k] = v[c.slice('steady.'.length)];
}
