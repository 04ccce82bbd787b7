// Writing one figure: DIR/FILE.csv (every sweep behind it, one row per point), DIR/FILE.json
// (manifest) and DIR/FILE.png.

import { join } from 'node:path';
import { AtomicLineWriter, writeFileAtomic } from '../io/atomic.js';
import { formatValue } from '../io/csv.js';
import { machineInfo, packageVersions } from '../io/manifest.js';
import { flagNames } from '../sweep/outputs.js';
import type { FigureDef, FigureOutput } from './common.js';
import { type FigureContext, partSummary } from './context.js';
import { type FigureLayout, renderFigure } from '../io/plot.js';

/**
 * One CSV for the whole figure: a `part` column names the sweep (or table) a row belongs to;
 * the other columns are the union of the parts' axis and output columns (empty where a part
 * has no such column).
 */
export async function writeFigureCsv(path: string, ctx: FigureContext): Promise<void> {
  const cols: string[] = [];
  const add = (c: string) => {
    if (!cols.includes(c)) cols.push(c);
  };
  for (const d of ctx.data) {
    for (const a of d.result.grid.axes) add(a.param);
  }
  for (const t of ctx.tables) for (const c of t.columns) add(c);
  for (const d of ctx.data) for (const c of d.result.columns) add(c);
  const w = new AtomicLineWriter(path);
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  try {
    await w.write(['part', ...cols, 'flags'].join(','));
    for (const d of ctx.data) {
      const res = d.result;
      const precision = (res.backend as { precision: 'float32' | 'float64' }).precision;
      const axisIdx = cols.map((c) => res.grid.axes.findIndex((a) => a.param === c));
      const label = esc(d.label);
      for (let k = 0; k < res.done; k++) {
        const av = res.grid.axisValues(k);
        const row = cols.map((c, i) => (axisIdx[i] >= 0 ? String(+av[axisIdx[i]].toPrecision(12)) : c in res.values ? formatValue(res.values[c][k], precision) : ''));
        const p = w.write([label, ...row, flagNames(res.flags[k]).join('|')].join(','));
        if (p) await p;
      }
    }
    for (const t of ctx.tables) {
      const label = esc(t.label);
      for (const r of t.rows) {
        const row = cols.map((c) => {
          const i = t.columns.indexOf(c);
          if (i < 0) return '';
          const v = r[i];
          return typeof v === 'number' ? formatValue(v, 'float64') : esc(v);
        });
        const p = w.write([label, ...row, ''].join(','));
        if (p) await p;
      }
    }
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

export interface WrittenFigure {
  files: string[];
  seconds: number;
  points: number;
  numbers?: Record<string, unknown>;
  /** where the picture put its panels and texts (CSS px) */
  layout: FigureLayout;
}

/**
 * A figure's file stem: `figure-9`, `figure-3-steady`. The prefix keeps it apart from sweeps
 * (a preset's stem is `fig9`), and the long-time plot apart from the plot at tau.
 */
export function figureStem(def: FigureDef, steady: boolean): string {
  return `figure-${def.id}${steady ? '-steady' : ''}`;
}

/** Builds a figure on the context's backend and writes its three files. */
export async function produceFigure(def: FigureDef, ctx: FigureContext, dir: string, command: string): Promise<WrittenFigure> {
  const t0 = performance.now();
  ctx.reset();
  const out: FigureOutput = await def.build(ctx);
  const tBuilt = performance.now();
  const stem = figureStem(def, ctx.opts.steady);
  const csv = join(dir, `${stem}.csv`);
  await writeFigureCsv(csv, ctx);
  const png = join(dir, `${stem}.png`);
  const drawn = await renderFigure(out.spec, out.pixelRatio ?? 2);
  writeFileAtomic(png, drawn.png);
  const json = join(dir, `${stem}.json`);
  const points = ctx.data.reduce((s, d) => s + d.result.done, 0) + ctx.tables.reduce((s, t) => s + t.rows.length, 0);
  const seconds = (performance.now() - t0) / 1000;
  const manifest = {
    qbsweep: 'figure',
    figure: def.id,
    steady: ctx.opts.steady,
    title: def.title,
    paper: def.paper,
    created: new Date().toISOString(),
    command,
    plotted: ctx.opts.steady ? 'exact long-time limit (--steady)' : 'rho(tau) at tau = 20000/lambda, as in the paper',
    resolution: { curve_points: ctx.opts.curvePoints, map_grid: ctx.opts.mapGrid },
    files: [csv, png, json].map((f) => f.split('/').pop()),
    parts: ctx.data.map(partSummary),
    tables: ctx.tables.map((t) => ({ label: t.label, columns: t.columns, rows: t.rows.length, about: t.about })),
    numbers: out.numbers ?? {},
    timings: { compute_s: +((tBuilt - t0) / 1000).toFixed(3), total_s: +seconds.toFixed(3) },
    versions: packageVersions(),
    machine: machineInfo(),
  };
  writeFileAtomic(json, JSON.stringify(manifest, null, 2) + '\n');
  return { files: [csv, png, json], seconds: (performance.now() - t0) / 1000, points, numbers: out.numbers, layout: drawn.layout };
}
