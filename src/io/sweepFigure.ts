// A sweep's picture: heatmap panels (2 or 3 axes: [panel,] y, x) or curves (1 axis).

import { DEFAULTS, NAMED_STATES, NUMERIC_KEYS, PARAM_DOCS } from '../model/params.js';
import { FLAG_BITS } from '../core/layout.js';
import { isPaperSystem } from '../system/registry.js';
import { OUTPUT_DOCS } from '../sweep/outputs.js';
import type { SweepResult } from '../sweep/run.js';
import { type HeatmapFigure, type LineFigure, renderHeatmapPng, renderLinePng } from './plot.js';

export function axisLabel(param: string): string {
  const d = PARAM_DOCS[param];
  return d && d.unit !== '1' ? `${param} [${d.unit}]` : param;
}

export function outputLabel(column: string): string {
  const d = OUTPUT_DOCS[column];
  return d ? `${d.label}${d.unit ? ` [${d.unit}]` : ''}` : column;
}

/** The point keys each axis parameter sets: a caption does not repeat what an axis varies. */
const SETS: Record<string, string[]> = {
  Delta: ['Delta1', 'Delta2'], Delta_bar: ['Delta1', 'Delta2'], T: ['T1', 'T2'], Tbar: ['T1', 'T2'], dT: ['T1', 'T2'],
  mu: ['mu1', 'mu2'], mubar: ['mu1', 'mu2'], dmu: ['mu1', 'mu2'], alpha: ['alpha1', 'alpha2'], theta: ['state'], phi: ['state'],
};

/**
 * What a picture holds beyond its axes: the initial state, model, reservoirs and tau, and every
 * other base parameter that differs from its default.
 */
export function sweepCaption(res: SweepResult, column: string): string {
  const b = res.grid.base;
  const varied = new Set(res.grid.axes.flatMap((a) => SETS[a.param] ?? [a.param]));
  const state = varied.has('state') ? 'cos(theta)|eg> + sin(theta) e^(i phi)|ge>' : (NAMED_STATES[b.state_label]?.about.split(' (')[0] ?? b.state_label);
  const paper = isPaperSystem(b.system);
  const reservoirs = b.reservoir ?? b.system.reservoirs.map((r) => r.statistics).join('/');
  const parts = [`${column} at tau = ${b.tau}${varied.has('tau') ? ' (axis)' : ''} from ${state}`, `${paper ? '' : `system ${b.system.name}, `}${b.model}, ${reservoirs} reservoirs`];
  // every base parameter that differs from its default (the paper's names, or the system's own)
  const diffs = paper
    ? NUMERIC_KEYS.filter((k) => k !== 'tau' && !varied.has(k) && b[k] !== DEFAULTS[k]).map((k) => `${k} = ${+b[k].toPrecision(6)}`)
    : b.system.parameters.flatMap((d, i) => (!varied.has(d.name) && b.values[i] !== d.default ? [`${d.name} = ${+b.values[i].toPrecision(6)}`] : []));
  if (b.model === 'lindblad' && b.lindblad_freq !== DEFAULTS.lindblad_freq) diffs.push(`lindblad_freq = ${b.lindblad_freq}`);
  if (b.zero_freq !== DEFAULTS.zero_freq) diffs.push(`zero_freq = ${b.zero_freq}`);
  if (diffs.length) parts.push(diffs.join(', '));
  return parts.join('; ');
}

const HATCHED = FLAG_BITS['not-stationary-at-tau'];
const BLANK = FLAG_BITS.degenerate | FLAG_BITS['non-finite'];

export function sweepHeatmap(res: SweepResult, column: string, title?: string): HeatmapFigure {
  const axes = res.grid.axes;
  const nPanels = axes.length === 3 ? axes[0].values.length : 1;
  const [yAx, xAx] = axes.length === 3 ? [1, 2] : [0, 1];
  const nx = axes[xAx].values.length;
  const ny = axes[yAx].values.length;
  const per = nx * ny;
  const panels = [];
  for (let p = 0; p < nPanels; p++) {
    const off = p * per;
    // actual values (an axis relative to the panel parameter differs between panels)
    const xs = Array.from({ length: nx }, (_, i) => res.grid.axisValues(off + i)[xAx]);
    const ys = Array.from({ length: ny }, (_, j) => res.grid.axisValues(off + j * nx)[yAx]);
    const z = new Float64Array(per);
    const mask = new Uint8Array(per);
    for (let k = 0; k < per; k++) {
      const idx = off + k;
      const f = res.flags[idx];
      z[k] = idx < res.done && !(f & BLANK) ? res.values[column][idx] : Number.NaN;
      mask[k] = f & HATCHED ? 1 : 0;
    }
    const panelTitle = axes.length === 3 ? `${axes[0].param} = ${+axes[0].values[p].toPrecision(6)}` : '';
    panels.push({ title: panelTitle, x: { label: axisLabel(axes[xAx].param), values: xs }, y: { label: axisLabel(axes[yAx].param), values: ys }, z, mask });
  }
  return {
    title: title ?? `${res.spec.description ?? res.spec.name}: ${OUTPUT_DOCS[column]?.label.split(' =')[0] ?? column}`,
    colorbar: { label: outputLabel(column) },
    panels,
    note: `${res.spec.name}: ${sweepCaption(res, column)}; backend ${String(res.backend.backend)}. Hatched: not stationary at tau; grey: degenerate or no value.`,
  };
}

export function sweepCurves(res: SweepResult, columns: string[]): LineFigure {
  const ax = res.grid.axes[0];
  const xs = Array.from({ length: res.done }, (_, k) => res.grid.axisValues(k)[0]);
  return {
    title: res.spec.description ?? res.spec.name,
    panels: columns.map((c) => ({
      title: outputLabel(c),
      x: { label: axisLabel(ax.param) },
      y: { label: outputLabel(c) },
      series: [{ name: c, x: xs, y: Array.from(res.values[c].subarray(0, res.done)) }],
    })),
    columns: Math.min(columns.length, 2),
    note: `${res.spec.name}: ${sweepCaption(res, columns.join(', '))}; backend ${String(res.backend.backend)}.`,
  };
}

/** The PNG a sweep writes: its plotted output over the grid. */
export async function sweepPng(res: SweepResult, column: string): Promise<Buffer> {
  if (res.grid.axes.length === 1) return renderLinePng(sweepCurves(res, [column]));
  return renderHeatmapPng(sweepHeatmap(res, column));
}
