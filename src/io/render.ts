// Figure layout for `qbsweep figure`: builds on the Vega-Lite builders of io/plotspec.ts
// (heatmaps, curves, tomography bars) without changing them: the specs they return are plain
// JSON, so series get the paper's colours and dash patterns, flagged x ranges get a grey band,
// and panels of different kinds are composed into one figure here.

import { FLAG_BITS } from '../core/layout.js';
import { renderFigure } from '../io/plot.js';
import { type BarsFigure, type HeatmapFigure, type HeatmapPanel, type LineFigure, type LinePanel, barsSpec, heatmapSpec, lineSpec, noteBlock } from '../io/plotspec.js';
import type { SweepResult } from '../sweep/run.js';

/** The paper's line styles: blue solid, red dashed, green dot-dashed, then more. */
export const STYLES = {
  blueSolid: { color: '#1f5fbf', dash: [1, 0] },
  redDashed: { color: '#d62728', dash: [8, 4] },
  greenDotDash: { color: '#2ca02c', dash: [9, 3, 2, 3] },
  purpleDotted: { color: '#7b3fa0', dash: [2, 3] },
  orangeLong: { color: '#e07b00', dash: [14, 4] },
  black: { color: '#000000', dash: [1, 0] },
  blackDotted: { color: '#000000', dash: [2, 3] },
  greyDashed: { color: '#777777', dash: [5, 4] },
} as const;
export type Style = { color: string; dash: readonly number[] };
export const CYCLE: Style[] = [STYLES.blueSolid, STYLES.redDashed, STYLES.greenDotDash, STYLES.purpleDotted, STYLES.orangeLong];

export const NOT_STATIONARY = FLAG_BITS['not-stationary-at-tau'];
const BLANK = FLAG_BITS.degenerate | FLAG_BITS['non-finite'];

type Json = Record<string, unknown>;

/** Every object in a JSON tree (depth first). */
function* walk(node: unknown): Generator<Json> {
  if (Array.isArray(node)) for (const x of node) yield* walk(x);
  else if (node && typeof node === 'object') {
    yield node as Json;
    for (const v of Object.values(node)) yield* walk(v);
  }
}

/** The panel specs (width/height/layer) of a spec made by plotspec.ts, in order. */
function panelsOf(spec: Json): Json[] {
  const grid = (spec.concat ? spec : (spec.vconcat as Json[])[0]) as Json;
  return grid.concat as Json[];
}

export interface Band {
  from: number;
  to: number;
}

/** A point drawn as a dot in its series' colour (no line through it). */
export interface Marker {
  series: string;
  x: number;
  y: number;
}

export interface StyledLinePanel extends LinePanel {
  markers?: Marker[];
  /** x ranges drawn as a grey band underneath the curves (points not stationary at tau) */
  bands?: Band[];
  /** horizontal reference lines */
  rules?: { y: number; label?: string }[];
}

/**
 * Curves with the paper's styles: `styles` maps series names to a colour and a dash pattern
 * (series not listed take the cycle in order).
 */
export function styledLineSpec(fig: Omit<LineFigure, 'panels'> & { panels: StyledLinePanel[] }, styles: Record<string, Style> = {}): Json {
  const panels = fig.panels.map(({ bands: _b, rules: _r, markers, ...p }) => {
    // an explicit y bound fixes the domain to the curves: make room for the markers too
    if (!markers?.length || (p.y.min === undefined && p.y.max === undefined)) return p;
    const ys = [...p.series.flatMap((s) => s.y), ...markers.map((m) => m.y)].filter(Number.isFinite);
    return { ...p, y: { ...p.y, min: p.y.min ?? niceBound(Math.min(...ys), 'down'), max: p.y.max ?? niceBound(Math.max(...ys), 'up') } };
  });
  const spec = lineSpec({ ...fig, panels }) as Json;
  let free = 0;
  const styleOf = new Map<string, Style>();
  for (const p of fig.panels) for (const s of p.series) if (!styleOf.has(s.name)) styleOf.set(s.name, styles[s.name] ?? CYCLE[free++ % CYCLE.length]);
  for (const o of walk(spec)) {
    for (const ch of ['color', 'strokeDash'] as const) {
      const enc = o[ch] as Json | undefined;
      if (!enc || enc.field !== 'series' || !enc.scale) continue;
      const domain = (enc.scale as Json).domain as string[];
      enc.scale = { domain, range: domain.map((n) => (ch === 'color' ? styleOf.get(n)!.color : [...styleOf.get(n)!.dash])) };
    }
  }
  panelsOf(spec).forEach((panel, i) => {
    const p = fig.panels[i];
    const layer = panel.layer as Json[];
    if (p.bands?.length) {
      layer.unshift({
        data: { values: p.bands.map((b) => ({ x: b.from, x2: b.to })) },
        mark: { type: 'rect', color: '#bdbdbd', opacity: 0.45 },
        encoding: { x: { field: 'x', type: 'quantitative' }, x2: { field: 'x2' } },
      });
    }
    if (p.markers?.length) {
      layer.push({
        data: { values: p.markers },
        mark: { type: 'point', filled: true, size: 60, opacity: 1, clip: true },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 'series', type: 'nominal' } },
      });
    }
    if (p.rules?.length) {
      layer.splice(p.bands?.length ? 1 : 0, 0, {
        data: { values: p.rules.map((r) => ({ y: r.y, label: r.label ?? '' })) },
        layer: [
          { mark: { type: 'rule', color: '#555', strokeDash: [3, 3], strokeWidth: 1 }, encoding: { y: { field: 'y', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 4, dy: -2, fontSize: 11, color: '#333', x: 0 },
            encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
          },
        ],
      });
    }
  });
  return spec;
}

/** A round number at or beyond x (steps 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 per decade). */
export function niceBound(x: number, dir: 'up' | 'down'): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  const a = Math.abs(x);
  const e = 10 ** Math.floor(Math.log10(a));
  const steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
  const outward = (dir === 'up') === x > 0;
  const m = a / e;
  const pick = outward ? steps.find((s) => s >= m - 1e-12)! : [...steps].reverse().find((s) => s <= m + 1e-12)!;
  return Math.sign(x) * pick * e;
}

/**
 * Contiguous runs of flagged points as x ranges (half a grid step on each side, clipped to the
 * axis range): where tau = 20000 is not stationary.
 */
export function flaggedBands(xs: ArrayLike<number>, flagged: (k: number) => boolean): Band[] {
  const out: Band[] = [];
  const n = xs.length;
  const lo = Math.min(xs[0], xs[n - 1]);
  const hi = Math.max(xs[0], xs[n - 1]);
  let k = 0;
  while (k < n) {
    if (!flagged(k)) {
      k++;
      continue;
    }
    let j = k;
    while (j + 1 < n && flagged(j + 1)) j++;
    const left = k > 0 ? (xs[k - 1] + xs[k]) / 2 : xs[k];
    const right = j < n - 1 ? (xs[j] + xs[j + 1]) / 2 : xs[j];
    out.push({ from: Math.max(lo, Math.min(left, right)), to: Math.min(hi, Math.max(left, right)) });
    k = j + 1;
  }
  return mergeBands(out);
}

export function mergeBands(bands: Band[]): Band[] {
  const s = [...bands].sort((a, b) => a.from - b.from);
  const out: Band[] = [];
  for (const b of s) {
    const last = out[out.length - 1];
    if (last && b.from <= last.to + 1e-12) last.to = Math.max(last.to, b.to);
    else out.push({ ...b });
  }
  return out;
}

/** Curve data of one series out of a sweep: `x(k)` and `column` over the points k in `ks`. */
export function curve(res: SweepResult, column: string, ks: number[], x: (k: number) => number): { x: number[]; y: number[]; flagged: boolean[] } {
  return {
    x: ks.map(x),
    y: ks.map((k) => (res.flags[k] & BLANK ? Number.NaN : res.values[column][k])),
    flagged: ks.map((k) => (res.flags[k] & NOT_STATIONARY) !== 0),
  };
}

/** Indices of the points of a sweep whose leading axes have the given indices (the last axis runs). */
export function slice(res: SweepResult, lead: number[]): number[] {
  const shape = res.grid.shape;
  const n = shape[shape.length - 1];
  let off = 0;
  for (let a = 0; a < lead.length; a++) off = off * shape[a] + lead[a];
  off *= n;
  return Array.from({ length: n }, (_, i) => off + i);
}

export interface MapPanelOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** index along the panel axis of a 3-axis sweep */
  panel?: number;
  /** display transform of the axis values (e.g. v / pi) */
  xScale?: (v: number) => number;
  yScale?: (v: number) => number;
  /** hatch points not stationary at tau (default true) */
  hatch?: boolean;
  /** a function of the record instead of one column */
  value?: (k: number) => number;
}

/** A heatmap panel of one column of a 2- or 3-axis sweep. */
export function mapPanel(res: SweepResult, column: string, o: MapPanelOptions): HeatmapPanel {
  const axes = res.grid.axes;
  const [yAx, xAx] = axes.length === 3 ? [1, 2] : [0, 1];
  const nx = axes[xAx].values.length;
  const ny = axes[yAx].values.length;
  const per = nx * ny;
  const off = (o.panel ?? 0) * per;
  const xs = Array.from({ length: nx }, (_, i) => (o.xScale ?? ((v) => v))(res.grid.axisValues(off + i)[xAx]));
  const ys = Array.from({ length: ny }, (_, j) => (o.yScale ?? ((v) => v))(res.grid.axisValues(off + j * nx)[yAx]));
  const z = new Float64Array(per);
  const mask = new Uint8Array(per);
  for (let k = 0; k < per; k++) {
    const idx = off + k;
    const f = res.flags[idx];
    z[k] = idx < res.done && !(f & BLANK) ? (o.value ? o.value(idx) : res.values[column][idx]) : Number.NaN;
    mask[k] = o.hatch !== false && f & NOT_STATIONARY ? 1 : 0;
  }
  return { title: o.title, x: { label: o.xLabel, values: xs }, y: { label: o.yLabel, values: ys }, z, mask: o.hatch === false ? undefined : mask };
}

/** Heatmap figure spec (panels share one colour bar). */
export function mapSpec(fig: HeatmapFigure): Json {
  return heatmapSpec({ panelWidth: 270, panelHeight: 250, ...fig }) as Json;
}

export function bars(fig: BarsFigure): Json {
  return barsSpec(fig) as Json;
}

const INDEPENDENT = {
  scale: { color: 'independent', strokeDash: 'independent', x: 'independent', y: 'independent' },
  legend: { color: 'independent', strokeDash: 'independent' },
};

/**
 * One figure out of several specs from plotspec.ts (each keeps its own legend and colour
 * scale), laid out in rows, with a title and a note underneath.
 */
export function compose(title: string, rows: Json[][], note?: string): Json {
  const strip = (s: Json): Json => {
    const { $schema: _s, config: _c, padding: _p, background: _b, title: _t, ...rest } = s;
    return rest;
  };
  const first = rows[0][0];
  const body: Json = { vconcat: rows.map((r) => ({ hconcat: r.map(strip), resolve: INDEPENDENT, spacing: 30 })), resolve: INDEPENDENT, spacing: 26 };
  // a wrapped title ('\n') is drawn line by line
  const out: Json = { $schema: first.$schema, title: { text: title.includes('\n') ? title.split('\n') : title }, background: 'white', padding: 16 };
  if (note?.trim()) {
    out.vconcat = [body, noteBlock(note)];
    out.spacing = 14;
    out.resolve = INDEPENDENT;
  } else Object.assign(out, body);
  out.config = first.config;
  return out;
}

/** A spec (of plotspec.ts or compose) with its title replaced and an optional note. */
export function retitle(spec: Json, title: string, note?: string): Json {
  return compose(title, [[spec]], note);
}

/** Renders a Vega-Lite spec to PNG (DejaVu fonts, resvg): every figure's and every sweep's picture. */
export async function renderPng(spec: Json, pixelRatio = 2): Promise<Buffer> {
  return (await renderFigure(spec, pixelRatio)).png;
}

/** Wraps a long note into lines of at most `width` characters. */
export function wrap(text: string, width = 110): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const w of para.split(' ')) {
      if (line && line.length + 1 + w.length > width) {
        out.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(line);
  }
  return out.join('\n');
}
