// Comparing two runs of the same spec (e.g. webgpu against the float64 cpu backend).

import { flagBits } from './outputs.js';
import type { SweepResult } from './run.js';
import { toleranceAt } from './tolerance.js';
import { inverseTemperatureSum } from '../model/observables.js';

export interface ColumnComparison {
  column: string;
  compared: number;
  max: number;
  median: number;
  /** axis values of the point of the max */
  at: Record<string, number>;
  /** largest |difference| / tolerance (> 1 fails) */
  worstRatio: number;
  /** the tolerance at the point of the worst ratio */
  tolerance?: number;
  pass: boolean;
}

export interface Comparison {
  points: number;
  /** points left out: a degenerate crossing, a non-finite value, or NaN in either run */
  skipped: Record<string, number>;
  columns: ColumnComparison[];
  pass: boolean;
}

const EXCLUDE = flagBits(['degenerate', 'non-finite']);
const NON_FINITE = flagBits(['non-finite']);

/** `a` is checked against the reference `ref`; tolerances come from ref's gap and spectral radius. */
export function compareResults(a: SweepResult, ref: SweepResult, columns = a.columns.filter((c) => !c.startsWith('_'))): Comparison {
  if (a.offset !== ref.offset) throw new Error('compareResults: the two results cover different ranges');
  const n = Math.min(a.done, ref.done);
  const skipped: Record<string, number> = {};
  const out: ColumnComparison[] = [];
  const gap = ref.values.liouvillian_gap;
  const radius = ref.values._spectral_radius;
  for (const c of columns) {
    if (!(c in a.values) || !(c in ref.values)) continue;
    const diffs: number[] = [];
    let max = -1;
    let maxK = -1;
    let worstRatio = 0;
    let worstTol: number | undefined;
    let skip = 0;
    for (let k = 0; k < n; k++) {
      const x = a.values[c][k];
      const y = ref.values[c][k];
      // non-finite in one run only: the runs disagree there (both: agreed, no numbers to compare)
      if ((a.flags[k] ^ ref.flags[k]) & NON_FINITE) {
        worstRatio = Infinity;
        worstTol = undefined;
        maxK = k;
        skip++;
        continue;
      }
      if ((a.flags[k] | ref.flags[k]) & EXCLUDE || Number.isNaN(x) || Number.isNaN(y)) {
        skip++;
        continue;
      }
      const d = Math.abs(x - y);
      diffs.push(d);
      if (d > max) {
        max = d;
        maxK = k;
      }
      const inverseTemperatures = c === 'steady.entropy_production' ? inverseTemperatureSum(a.grid.point(a.offset + k)) : undefined;
      const energy = /efficiency$/.test(c) ? ref.values[c === 'steady.efficiency' ? 'steady.E_B_over_omega' : 'E_B_over_omega']?.[k] : undefined;
      const tol = toleranceAt(c, { gap: gap ? gap[k] : 0, radius: radius ? radius[k] : 1, tau: a.grid.point(a.offset + k).tau, inverseTemperatures, energy });
      if (tol !== undefined && d / tol > worstRatio) {
        worstRatio = d / tol;
        worstTol = tol;
      }
    }
    if (skip) skipped[c] = skip;
    diffs.sort((p, q) => p - q);
    const at: Record<string, number> = {};
    if (maxK >= 0) {
      const vals = a.grid.axisValues(a.offset + maxK);
      a.grid.axes.forEach((ax, i) => (at[ax.param] = vals[i]));
    }
    const hasTol = toleranceAt(c, { gap: 0, radius: 1, tau: 1 }) !== undefined;
    out.push({
      column: c,
      compared: diffs.length,
      max: Math.max(max, 0),
      median: diffs.length ? diffs[Math.floor(diffs.length / 2)] : 0,
      at,
      worstRatio,
      tolerance: worstTol,
      pass: !hasTol || worstRatio <= 1,
    });
  }
  // the charging curves of a time grid, every time of every point
  const nt = a.times?.length ?? 0;
  for (const c of Object.keys(a.trajectories ?? {})) {
    const x = a.trajectories![c];
    const y = ref.trajectories?.[c];
    if (!y || ref.times?.length !== nt) continue;
    const diffs: number[] = [];
    let maxI = -1;
    let skip = 0;
    let worstRatio = 0;
    let worstTol: number | undefined;
    for (let i = 0; i < n * nt; i++) {
      const k = Math.floor(i / nt);
      if ((a.flags[k] | ref.flags[k]) & EXCLUDE || Number.isNaN(x[i]) || Number.isNaN(y[i])) {
        skip++;
        continue;
      }
      const d = Math.abs(x[i] - y[i]);
      if (maxI < 0 || d > Math.abs(x[maxI] - y[maxI])) maxI = i;
      diffs.push(d);
      const tol = toleranceAt(c, { gap: gap ? gap[k] : 0, radius: radius ? radius[k] : 1, tau: a.times![i % nt], energy: ref.trajectories?.['trajectory.E_B_over_omega']?.[i] })!;
      if (d / tol > worstRatio) {
        worstRatio = d / tol;
        worstTol = tol;
      }
    }
    if (skip) skipped[c] = skip;
    diffs.sort((p, q) => p - q);
    const max = maxI >= 0 ? Math.abs(x[maxI] - y[maxI]) : 0;
    const at: Record<string, number> = {};
    if (maxI >= 0) {
      const vals = a.grid.axisValues(a.offset + Math.floor(maxI / nt));
      a.grid.axes.forEach((ax, i) => (at[ax.param] = vals[i]));
      at.t = a.times![maxI % nt];
    }
    out.push({ column: c, compared: diffs.length, max, median: diffs.length ? diffs[Math.floor(diffs.length / 2)] : 0, at, worstRatio, tolerance: worstTol, pass: worstRatio <= 1 });
  }
  return { points: n, skipped, columns: out, pass: out.every((c) => c.pass) };
}
