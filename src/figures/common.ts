// Shared pieces of the figure definitions: the paper's fixed parameters, labels, and the
// shape of a definition.

import type { PointInput } from '../model/params.js';
import type { SweepResult } from '../sweep/run.js';
import type { FigureContext } from './context.js';
import { FLAG_BITS } from '../core/layout.js';
import { type Band, type Marker, NOT_STATIONARY, type StyledLinePanel, curve, flaggedBands, mergeBands, slice, type Style } from '../io/render.js';

const BISTABLE = FLAG_BITS.bistable;

type Json = Record<string, unknown>;

export interface FigureOutput {
  spec: Json;
  /** numbers the figure shows (maxima, values at Delta = 0, ...), for the manifest */
  numbers?: Record<string, unknown>;
  /** output pixels per CSS pixel (default 2) */
  pixelRatio?: number;
}

export interface FigureDef {
  /** as typed on the command line: 2a, 3, 10, eq4 */
  id: string;
  /** one line for --help and the manifest */
  title: string;
  /** the paper's caption / claim in short */
  paper: string;
  build(ctx: FigureContext): Promise<FigureOutput>;
}

/** Parameters every figure of the paper shares (Secs. 3-5): alpha = 0.1, omega_c = 5, tau = 20000, Delta_bar = 0. */
export const PAPER_BASE: PointInput = { lambda: 1, alpha1: 0.1, alpha2: 0.1, omega_c: 5, F: 0.5, Delta1: 0, Delta2: 0, tau: 20000, model: 'redfield' };

export const DELTA_RANGE = { from: -4, to: 4 };

export const L = {
  Delta: 'Δ/λ',
  F: 'F/λ',
  T: 'T/λ',
  dT: 'ΔT/λ',
  mu: 'μ/λ',
  dmu: 'Δμ/λ',
  theta: 'θ/π',
  phi: 'φ/π',
  gap: 'Liouvillian gap Λ/λ',
  P: 'efficiency P',
  Pss: 'efficiency P_ss',
  C: 'concurrence C',
};

/** How parameters are written in figures. */
export const SYMBOL: Record<string, string> = { Delta: 'Δ', F: 'F', T: 'T', Tbar: 'T̄', dT: 'ΔT', mu: 'μ', mubar: 'μ̄', dmu: 'Δμ', theta: 'θ', phi: 'φ' };

/** y label of a tau/steady quantity. */
export function quantityLabel(ctx: FigureContext, what: 'P' | 'C'): string {
  const name = what === 'P' ? 'efficiency P' : 'concurrence C';
  return ctx.opts.steady ? `${name} (τ → ∞)` : `${name} (τ = 20000/λ)`;
}

/** The output column of a tau/steady quantity. */
export function column(ctx: FigureContext, what: 'efficiency' | 'concurrence'): string {
  return ctx.opts.steady ? `steady.${what}` : what;
}

/** What the figure plots, for notes. */
export function tauNote(ctx: FigureContext): string {
  return ctx.opts.steady
    ? 'Plotted: the exact long-time limit (projection onto ker L; float64 at bistable points). Dots: the isolated bistable point Δ = 0, where the limit jumps.'
    : 'Plotted: ρ(τ) at τ = 20000/λ, as in the paper. Grey band / hatching: not stationary at τ (slowest decay |Λ|τ < 10); --steady plots the exact long-time limit.';
}

/** Panels of curves from a sweep whose last axis is x and whose leading axes pick the series. */
export interface SeriesSpec {
  name: string;
  /** indices along the leading axes */
  lead: number[];
  style?: Style;
}

export function seriesCurves(
  res: SweepResult,
  col: string,
  series: SeriesSpec[],
  x: (v: number) => number = (v) => v,
  opts: { steady?: boolean } = {},
): { series: StyledLinePanel['series']; bands: Band[]; markers: Marker[]; styles: Record<string, Style> } {
  const out: StyledLinePanel['series'] = [];
  const bands: Band[] = [];
  const markers: Marker[] = [];
  const styles: Record<string, Style> = {};
  const ax = res.grid.axes.length - 1;
  for (const s of series) {
    const ks = slice(res, s.lead);
    const c = curve(res, col, ks, (k) => x(res.grid.axisValues(k)[ax]));
    if (opts.steady) {
      // the long-time limit jumps at an isolated bistable point (Delta = 0): a marker, not a line
      const bi = ks.map((k) => (res.flags[k] & BISTABLE) !== 0);
      ks.forEach((_, i) => {
        if (bi[i] && !(bi[i - 1] ?? false) && !(bi[i + 1] ?? false) && Number.isFinite(c.y[i])) {
          markers.push({ series: s.name, x: c.x[i], y: c.y[i] });
          c.y[i] = Number.NaN;
        }
      });
    } else bands.push(...flaggedBands(c.x, (i) => c.flagged[i]));
    out.push({ name: s.name, x: c.x, y: c.y });
    if (s.style) styles[s.name] = s.style;
  }
  return { series: out, bands: mergeBands(bands), markers, styles };
}

/** Number of points flagged not stationary at tau. */
export function countNotStationary(res: SweepResult): number {
  let n = 0;
  for (let k = 0; k < res.done; k++) if (res.flags[k] & NOT_STATIONARY) n++;
  return n;
}

/** Value of `col` at the point of the sweep where the last axis is closest to x0, per series. */
export function valueAt(res: SweepResult, col: string, lead: number[], x0: number): number {
  const ks = slice(res, lead);
  const ax = res.grid.axes.length - 1;
  let best = ks[0];
  for (const k of ks) if (Math.abs(res.grid.axisValues(k)[ax] - x0) < Math.abs(res.grid.axisValues(best)[ax] - x0)) best = k;
  return +res.values[col][best];
}

/** Largest finite value of a column (and where), over the given points (default all). */
export function argmax(res: SweepResult, col: string, ks?: number[]): { value: number; at: Record<string, number> } {
  let best = -Infinity;
  let kb = -1;
  const it = ks ?? Array.from({ length: res.done }, (_, k) => k);
  for (const k of it) {
    const v = res.values[col][k];
    if (Number.isFinite(v) && v > best) {
      best = v;
      kb = k;
    }
  }
  const at: Record<string, number> = {};
  if (kb >= 0) {
    const vals = res.grid.axisValues(kb);
    res.grid.axes.forEach((a, i) => (at[a.param] = +vals[i].toPrecision(6)));
  }
  return { value: best, at };
}

/** A value in units of lambda for labels: 0, λ, −λ, 0.5λ, 2λ. */
export function lambdas(v: number): string {
  if (v === 0) return '0';
  const sign = v < 0 ? '−' : '';
  const a = Math.abs(v);
  return `${sign}${a === 1 ? '' : +a.toPrecision(4)}λ`;
}

export function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? +x.toFixed(digits) : x;
}
