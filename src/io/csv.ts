// One CSV row per point: axis values, then the outputs (named as the keys of `point --json`), then flags.

import type { SweepResult } from '../sweep/run.js';
import { flagNames } from '../sweep/outputs.js';
import { AtomicLineWriter } from './atomic.js';
import type { Grid } from '../sweep/grid.js';

/** f32 results print with 9 significant digits (enough to round-trip), f64 ones in full. */
export function formatValue(x: number, precision: 'float32' | 'float64'): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return precision === 'float32' ? shortPrecision9(x) : String(x);
}

/** String(+x.toPrecision(9)), without the round trip through a number (a third of the time). */
function shortPrecision9(x: number): string {
  const s = x.toPrecision(9);
  if (s.indexOf('e') >= 0 || s.indexOf('.') < 0) return String(+s);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--; // trailing '0'
  if (s.charCodeAt(end - 1) === 46) end--; // a bare '.'
  return s.slice(0, end);
}

/**
 * The leading columns: one per axis, named as its coordinate (a relative axis: dT_over_Tbar, its
 * own values), then the absolute values of each relative axis (dT), as in the HDF5 file.
 */
export function csvAxisHeader(grid: Grid): string[] {
  return [...grid.axisNames(), ...grid.axes.filter((a) => a.relative_to).map((a) => a.param)];
}

/** The values of those leading columns at flat point k. */
export function csvAxisValues(grid: Grid, k: number): number[] {
  const abs = grid.axes.some((a) => a.relative_to) ? grid.axisValues(k) : [];
  return [...grid.coordinateValues(k), ...grid.axes.flatMap((a, i) => (a.relative_to ? [abs[i]] : []))];
}

export function csvHeader(res: SweepResult): string[] {
  return [...csvAxisHeader(res.grid), ...res.columns, 'flags'];
}

/** Per result: the axis values as text (formatted once per value, not once per point) and the flag names per bit set. */
interface RowCache {
  axisText: string[][];
  /** the absolute values of each relative axis as text, over the axes they depend on (Grid.absoluteCoordinates) */
  absolute: { dims: number[]; shape: number[]; text: string[] }[];
  /** points per step along each axis (row-major) */
  strides: number[];
  /** the axis indices of the row being formatted */
  at: number[];
  flagText: Map<number, string>;
}
const caches = new WeakMap<SweepResult, RowCache>();

function rowCache(res: SweepResult): RowCache {
  let c = caches.get(res);
  if (!c) {
    const text = (v: number) => String(+v.toPrecision(12));
    const axisText = res.grid.axes.map((a) => a.values.map(text));
    // a table per relative axis instead of the point's parameters per row (most of a row's cost)
    const absolute = res.grid.absoluteCoordinates().map((c) => ({ dims: c.dims, shape: c.shape, text: Array.from(c.values, text) }));
    const strides = res.grid.shape.map((_, a) => res.grid.shape.slice(a + 1).reduce((p, n) => p * n, 1));
    c = { axisText, absolute, strides, at: res.grid.shape.map(() => 0), flagText: new Map() };
    caches.set(res, c);
  }
  return c;
}

/** The CSV line of result point k (flat grid point offset + k), without the newline. */
export function csvRow(res: SweepResult, k: number, precision: 'float32' | 'float64'): string {
  const cache = rowCache(res);
  const flat = res.offset + k;
  const shape = res.grid.shape;
  const at = cache.at;
  let line = '';
  for (let a = 0; a < shape.length; a++) {
    at[a] = Math.floor(flat / cache.strides[a]) % shape[a];
    line += (a ? ',' : '') + cache.axisText[a][at[a]];
  }
  for (const abs of cache.absolute) {
    let m = 0;
    for (let j = 0; j < abs.dims.length; j++) m = m * abs.shape[j] + at[abs.dims[j]];
    line += ',' + abs.text[m];
  }
  for (const c of res.columns) line += ',' + formatValue(res.values[c][k], precision);
  const bits = res.flags[k];
  let f = cache.flagText.get(bits);
  if (f === undefined) cache.flagText.set(bits, (f = flagNames(bits).join('|')));
  return line + ',' + f;
}

/** Writes the result's CSV; returns its sha256 (for the manifest). */
export async function writeCsv(path: string, res: SweepResult, precision: 'float32' | 'float64'): Promise<string> {
  const w = new AtomicLineWriter(path);
  try {
    await w.write(csvHeader(res).join(','));
    // thousands of lines per write: one stream write per line costs more than formatting them
    const batch: string[] = [];
    for (let k = 0; k < res.done; k++) {
      batch.push(csvRow(res, k, precision));
      if (batch.length === 8192 || k === res.done - 1) {
        const p = w.write(batch.join('\n'));
        batch.length = 0;
        if (p) await p;
      }
    }
    return await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
