// One CSV row per point: axis values, then the outputs (named as the keys of `point --json`), then flags.

import type { SweepResult } from '../sweep/run.js';
import { flagNames } from '../sweep/outputs.js';
import { AtomicLineWriter } from './atomic.js';

/** f32 results print with 9 significant digits (enough to round-trip), f64 ones in full. */
export function formatValue(x: number, precision: 'float32' | 'float64'): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return precision === 'float32' ? String(+x.toPrecision(9)) : String(x);
}

export function csvHeader(res: SweepResult): string[] {
  return [...res.grid.axes.map((a) => a.param), ...res.columns, 'flags'];
}

/** The CSV line of result point k (flat grid point offset + k), without the newline. */
export function csvRow(res: SweepResult, k: number, precision: 'float32' | 'float64'): string {
  const axis = res.grid.axisValues(res.offset + k).map((v) => String(+v.toPrecision(12)));
  const vals = res.columns.map((c) => formatValue(res.values[c][k], precision));
  return [...axis, ...vals, flagNames(res.flags[k]).join('|')].join(',');
}

export async function writeCsv(path: string, res: SweepResult, precision: 'float32' | 'float64'): Promise<void> {
  const w = new AtomicLineWriter(path);
  try {
    await w.write(csvHeader(res).join(','));
    for (let k = 0; k < res.done; k++) {
      const p = w.write(csvRow(res, k, precision));
      if (p) await p;
    }
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
