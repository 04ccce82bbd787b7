/**
 * Pure Vega-Lite spec builders for qbsweep figures.
 *
 * Every builder returns plain, JSON-serialisable Vega-Lite (v6) JSON: no functions, no NaN
 * (non-finite numbers become null), heatmap rasters embedded as PNG data URLs. The same spec
 * renders headless (see plot.ts) or in a browser with vega-embed.
 *
 * Heatmaps never emit one mark per cell: the colour-mapped grid is rasterised here (colours
 * from the same vega-scale scheme as the legend) and placed as a single Vega `image` mark that
 * exactly covers the plot area; axes are ordinary quantitative Vega axes whose domain is the
 * outer cell edges, so cell centres sit at the given axis values.
 */
import { axisGrid, type AxisGrid, encodePng, finiteExtent, hatchOverlay, parseColor, pngDataUrl, rasterize, schemeLut, type RGBA } from './colormap.js';

// ---------------------------------------------------------------------------------------------
// public figure types (re-exported by plot.ts)

export interface Axis {
  /** label including the unit, e.g. "Delta [lambda]" */
  label: string;
  values: number[];
}

export interface HeatmapPanel {
  title: string;
  x: Axis;
  y: Axis;
  /** row-major, z[iy * nx + ix], NaN = no value */
  z: ArrayLike<number>;
  /** nonzero = flagged point, drawn hatched */
  mask?: ArrayLike<number>;
}

export interface HeatmapFigure {
  title: string;
  colorbar: {
    label: string;
    min?: number;
    max?: number;
    /** a Vega scheme name, default 'viridis' */
    scheme?: string;
    /** reverse the scheme (optional) */
    reverse?: boolean;
  };
  panels: HeatmapPanel[];
  /** default min(panels, 2) */
  columns?: number;
  /** small text under the figure, e.g. "hatched: not stationary at tau" ('\n' = new line) */
  note?: string;
  /** plot-area size of each panel in CSS px (default 300 x 300) */
  panelWidth?: number;
  panelHeight?: number;
  /** output pixels per CSS px of the PNG (default 2); also sets the hatch raster resolution */
  pixelRatio?: number;
  /** colour of NaN cells (CSS hex/rgb colour, default light grey '#c8c8c8') */
  nanColor?: string;
}

export interface Series {
  name: string;
  x: number[];
  y: number[];
  dash?: boolean;
  /** draw point markers as well (optional) */
  points?: boolean;
}

export interface LinePanel {
  title: string;
  x: { label: string; log?: boolean; min?: number; max?: number };
  y: { label: string; log?: boolean; min?: number; max?: number };
  series: Series[];
}

export interface LineFigure {
  title: string;
  panels: LinePanel[];
  columns?: number;
  note?: string;
  /** plot-area size of each panel in CSS px (default 320 x 240) */
  panelWidth?: number;
  panelHeight?: number;
  pixelRatio?: number;
}

export interface BarsPanel {
  title: string;
  /** basis labels, e.g. ['ee','eg','ge','gg'] */
  labels: string[];
  /** |rho_ij|, values[i][j] */
  values: number[][];
}

export interface BarsFigure {
  title: string;
  panels: BarsPanel[];
  columns?: number;
  note?: string;
  /** plot-area size of each panel in CSS px (default 300 x 220) */
  panelWidth?: number;
  panelHeight?: number;
  pixelRatio?: number;
}

// ---------------------------------------------------------------------------------------------
// style

export const FONT_FAMILY = 'DejaVu Sans';
/** CSS font list used in the specs (browsers without DejaVu fall back to their sans-serif) */
const FONT_CSS = `${FONT_FAMILY}, sans-serif`;
export const DEFAULT_PIXEL_RATIO = 2;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

function baseConfig(): Record<string, unknown> {
  return {
    font: FONT_CSS,
    background: 'white',
    title: { fontSize: 17, fontWeight: 'bold', color: '#000', offset: 14, anchor: 'middle' },
    axis: {
      labelFontSize: 12,
      titleFontSize: 13,
      titleFontWeight: 'normal',
      labelColor: '#000',
      titleColor: '#000',
      domainColor: '#000',
      tickColor: '#000',
      tickSize: 5,
      titlePadding: 8,
      labelFlush: false,
      labelOverlap: true,
      grid: false,
    },
    legend: {
      labelFontSize: 12,
      titleFontSize: 13,
      titleFontWeight: 'normal',
      titleColor: '#000',
      labelColor: '#000',
      titleLimit: 400,
      labelLimit: 300,
    },
    view: { stroke: '#000', strokeWidth: 1 },
    concat: { spacing: 36 },
    text: { font: FONT_CSS },
  };
}

/**
 * Panel titles are a text mark at a fixed distance above the plot area (a Vega title would be
 * pushed up by tick labels that overhang the top edge, misaligning the panels of a row).
 */
function panelTitle(text: string, width: number): object {
  return {
    data: { values: [{ title: text }] },
    mark: { type: 'text', x: width / 2, y: -10, align: 'center', baseline: 'bottom', fontSize: 14, fontWeight: 'bold', color: '#000' },
    encoding: { text: { field: 'title', type: 'nominal' } },
  };
}

/** A black frame around the plot area, drawn above the data (the view stroke lies underneath). */
function frameLayer(): object {
  return {
    data: { values: [{}] },
    mark: { type: 'rect', x: 0, x2: 'width', y: 0, y2: 'height', fill: null, stroke: '#000', strokeWidth: 1 },
  };
}

/** The small text under a figure ('\n' = new line), as one text mark. */
export function noteBlock(note: string): object {
  const lines = note.split('\n');
  return {
    width: 1,
    height: 14 * lines.length,
    view: { stroke: null },
    data: { values: [{ note: lines.length > 1 ? lines : lines[0] }] },
    mark: { type: 'text', align: 'left', baseline: 'top', x: 0, y: 0, fontSize: 12, color: '#222', lineHeight: 15 },
    encoding: { text: { field: 'note', type: 'nominal' } },
  };
}

/** Figure title + panel grid (+ optional note underneath). */
function assemble(title: string, panels: object[], columns: number, resolve: object, note: string | undefined, config: Record<string, unknown>): object {
  const grid: Record<string, unknown> = { concat: panels, columns, resolve };
  const out: Record<string, unknown> = {
    $schema: SCHEMA,
    title: { text: title },
    background: 'white',
    padding: 16,
  };
  if (note && note.trim()) {
    out.vconcat = [grid, noteBlock(note)];
    out.spacing = 18;
  } else {
    Object.assign(out, grid);
  }
  out.config = config;
  return out;
}

/** JSON-safe number: non-finite -> null */
function num(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * Tick values for a log axis on [lo, hi]: the decades (1, 2, 5 multiples if fewer than two
 * decades fit; every 2nd/3rd decade if there are many). undefined = let Vega choose.
 */
export function logTicks(lo: number, hi: number): number[] | undefined {
  if (!(lo > 0) || !(hi > lo)) return undefined;
  const e0 = Math.ceil(Math.log10(lo) - 1e-9);
  const e1 = Math.floor(Math.log10(hi) + 1e-9);
  const dec: number[] = [];
  for (let e = e0; e <= e1; e++) dec.push(Number(`1e${e}`));
  if (dec.length >= 2) {
    const step = Math.ceil(dec.length / 8);
    return dec.filter((_, i) => (dec.length - 1 - i) % step === 0);
  }
  const out: number[] = [];
  for (let e = e0 - 1; e <= e1 + 1; e++) {
    for (const k of [1, 2, 5]) {
      const v = Number(`${k}e${e}`);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out.length >= 2 ? out : undefined;
}

/** [min, max] of the non-null entries, undefined if none */
function extentOf(v: (number | null)[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x === null) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

function defaultColumns(n: number, columns?: number): number {
  const c = columns ?? Math.min(n, 2);
  return Math.max(1, Math.min(Math.max(1, n), Math.floor(c)));
}

// ---------------------------------------------------------------------------------------------
// heatmaps

/** Shared colour range: explicit min/max, else the finite extent of all panels. */
export function heatmapRange(fig: HeatmapFigure): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of fig.panels) {
    const [a, b] = finiteExtent(p.z);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  let min = fig.colorbar.min ?? (Number.isFinite(lo) ? lo : 0);
  let max = fig.colorbar.max ?? (Number.isFinite(hi) ? hi : 1);
  if (!(max > min)) {
    // constant data (or an empty/inverted explicit range): a small range centred on the value
    const c = Number.isFinite(min) ? min : 0;
    const d = c !== 0 ? Math.abs(c) * 0.01 : 0.5;
    min = c - d;
    max = c + d;
  }
  return [min, max];
}

function heatAxis(label: string, g: AxisGrid): { scale: object; axis: object } {
  const scale: Record<string, unknown> = { type: g.scale, domain: g.domain, nice: false };
  if (g.scale === 'linear') scale.zero = false;
  const axis: Record<string, unknown> = { title: label, grid: false };
  if (g.uniform && g.sorted.length <= 10) {
    // few cells: one tick per cell centre
    axis.values = g.sorted;
    axis.format = '~g';
  } else if (g.scale === 'log') {
    const ticks = logTicks(g.domain[0], g.domain[1]);
    if (ticks) axis.values = ticks;
    // plain numbers (Vega's log-axis default writes 1e+1, 2e+1, ...)
    axis.format = '~g';
  }
  return { scale, axis };
}

export function heatmapSpec(fig: HeatmapFigure): object {
  if (fig.panels.length === 0) throw new Error('heatmap figure has no panels');
  const W = fig.panelWidth ?? 300;
  const H = fig.panelHeight ?? 300;
  const ratio = fig.pixelRatio ?? DEFAULT_PIXEL_RATIO;
  const schemeName = fig.colorbar.scheme ?? 'viridis';
  const reverse = fig.colorbar.reverse ?? false;
  const lut = schemeLut(schemeName, 1024, reverse);
  const [min, max] = heatmapRange(fig);
  const nanColor: RGBA = parseColor(fig.nanColor ?? '#c8c8c8');

  const colorScale: Record<string, unknown> = { domain: [min, max], scheme: schemeName, clamp: true, zero: false, nice: false };
  if (reverse) colorScale.reverse = true;

  const panels = fig.panels.map((p) => {
    const nx = p.x.values.length;
    const ny = p.y.values.length;
    const gx = axisGrid(p.x.values, { minPixels: Math.ceil(W * ratio), maxPixels: 4096 });
    const gy = axisGrid(p.y.values, { minPixels: Math.ceil(H * ratio), maxPixels: 4096 });
    const rgba = rasterize(p.z, nx, ny, gx, gy, { min, max, lut, nanColor });
    const image = {
      x0: gx.domain[0],
      x1: gx.domain[1],
      y0: gy.domain[0],
      y1: gy.domain[1],
      url: pngDataUrl(encodePng(gx.pixels, gy.pixels, rgba)),
    };
    const xEnc = { field: 'x0', type: 'quantitative', ...heatAxis(p.x.label, gx) };
    const yEnc = { field: 'y0', type: 'quantitative', ...heatAxis(p.y.label, gy) };
    const layer: object[] = [
      {
        data: { values: [image] },
        mark: { type: 'image', aspect: false, clip: true },
        encoding: { x: xEnc, x2: { field: 'x1' }, y: yEnc, y2: { field: 'y1' }, url: { field: 'url', type: 'nominal' } },
      },
    ];
    if (p.mask) {
      const hw = Math.round(W * ratio);
      const hh = Math.round(H * ratio);
      const hatch = hatchOverlay(p.mask, nx, ny, gx, gy, hw, hh, Math.max(6, Math.round(4 * ratio)));
      if (hatch) {
        layer.push({
          data: { values: [{ ...image, url: pngDataUrl(encodePng(hw, hh, hatch)) }] },
          mark: { type: 'image', aspect: false, clip: true },
          encoding: {
            x: { field: 'x0', type: 'quantitative' },
            x2: { field: 'x1' },
            y: { field: 'y0', type: 'quantitative' },
            y2: { field: 'y1' },
            url: { field: 'url', type: 'nominal' },
          },
        });
      }
    }
    layer.push(frameLayer());
    // invisible mark that carries the colour scale, so Vega draws a real gradient legend
    layer.push({
      data: { values: [{ z: min }, { z: max }] },
      mark: { type: 'point', opacity: 0, size: 0 },
      encoding: {
        color: {
          field: 'z',
          type: 'quantitative',
          scale: colorScale,
          legend: {
            title: fig.colorbar.label,
            type: 'gradient',
            direction: 'vertical',
            gradientLength: H,
            gradientThickness: 16,
            titleOrient: 'right',
            titleAnchor: 'middle',
            titlePadding: 8,
            labelFontSize: 12,
            tickCount: 6,
            format: '~g',
          },
        },
      },
    });
    return { width: W, height: H, layer: p.title ? [...layer, panelTitle(p.title, W)] : layer };
  });

  const config = baseConfig();
  config.view = { stroke: '#000', strokeWidth: 1, fill: fig.nanColor ?? '#c8c8c8' };
  return assemble(
    fig.title,
    panels,
    defaultColumns(fig.panels.length, fig.columns),
    { scale: { color: 'shared', x: 'independent', y: 'independent' }, legend: { color: 'shared' } },
    fig.note,
    config,
  );
}

// ---------------------------------------------------------------------------------------------
// line plots

const DASH: number[] = [7, 4];
const SOLID: number[] = [1, 0];

export function lineSpec(fig: LineFigure): object {
  if (fig.panels.length === 0) throw new Error('line figure has no panels');
  const W = fig.panelWidth ?? 320;
  const H = fig.panelHeight ?? 240;
  // series names in order of first appearance; dash style from the first occurrence
  const names: string[] = [];
  const dashes: number[][] = [];
  for (const p of fig.panels) {
    for (const s of p.series) {
      if (!names.includes(s.name)) {
        names.push(s.name);
        dashes.push(s.dash ? DASH : SOLID);
      }
    }
  }
  const legend = { title: null, symbolType: 'stroke', symbolSize: 400, symbolStrokeWidth: 2.5, labelFontSize: 12 };
  const panels = fig.panels.map((p) => {
    const rows: { series: string; x: number | null; y: number | null; order: number }[] = [];
    const pointRows: typeof rows = [];
    for (const s of p.series) {
      const n = Math.min(s.x.length, s.y.length);
      for (let i = 0; i < n; i++) {
        let x: number | null = num(s.x[i]!);
        let y: number | null = num(s.y[i]!);
        if (p.x.log && x !== null && x <= 0) x = null;
        if (p.y.log && y !== null && y <= 0) y = null;
        const row = { series: s.name, x, y, order: i };
        rows.push(row);
        if (s.points && x !== null && y !== null) pointRows.push(row);
      }
    }
    const x = { field: 'x', type: 'quantitative', ...lineAxis(p.x, rows.map((r) => r.x)) };
    const y = { field: 'y', type: 'quantitative', ...lineAxis(p.y, rows.map((r) => r.y)) };
    const color = { field: 'series', type: 'nominal', scale: { domain: names, scheme: 'tableau10' }, legend };
    const strokeDash = { field: 'series', type: 'nominal', scale: { domain: names, range: dashes }, legend };
    const layer: object[] = [
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, clip: true, invalid: 'break-paths-show-domains' },
        encoding: { x, y, color, strokeDash, order: { field: 'order', type: 'quantitative' }, detail: { field: 'series', type: 'nominal' } },
      },
    ];
    if (pointRows.length > 0) {
      layer.push({
        data: { values: pointRows },
        mark: { type: 'point', filled: true, size: 30, clip: true },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color },
      });
    }
    layer.push(frameLayer());
    return { width: W, height: H, layer: p.title ? [...layer, panelTitle(p.title, W)] : layer };
  });
  const config = baseConfig();
  config.view = { stroke: '#000', strokeWidth: 1 };
  return assemble(
    fig.title,
    panels,
    defaultColumns(fig.panels.length, fig.columns),
    { scale: { color: 'shared', strokeDash: 'shared', x: 'independent', y: 'independent' }, legend: { color: 'shared', strokeDash: 'shared' } },
    fig.note,
    config,
  );
}

/** scale + axis of one line-plot axis: explicit min/max, decade ticks on log axes */
function lineAxis(ax: { label: string; log?: boolean; min?: number; max?: number }, v: (number | null)[]): { scale: object; axis: object } {
  const scale: Record<string, unknown> = { type: ax.log ? 'log' : 'linear' };
  if (!ax.log) scale.zero = false;
  const axis: Record<string, unknown> = { title: ax.label, grid: true, gridColor: '#e4e4e4' };
  const ext = extentOf(v);
  let lo = ax.min ?? ext?.[0];
  let hi = ax.max ?? ext?.[1];
  if (ax.min !== undefined || ax.max !== undefined) {
    if (lo === undefined) lo = ax.log ? hi! / 10 : hi! - 1;
    if (hi === undefined || !(hi > lo)) hi = ax.log ? lo * 10 : lo + 1;
    scale.domain = [lo, hi];
    scale.nice = ax.min === undefined || ax.max === undefined;
  }
  if (ax.log && lo !== undefined && hi !== undefined) {
    // Vega 'nice' on a log scale extends the domain to whole decades
    const nice = scale.nice !== false;
    const tlo = nice ? Math.pow(10, Math.floor(Math.log10(lo) + 1e-9)) : lo;
    const thi = nice ? Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9)) : hi;
    const ticks = logTicks(tlo, thi);
    if (ticks) axis.values = ticks;
  }
  // plain numbers (Vega's log-axis default writes 1e+1, 2e+1, ...)
  if (ax.log) axis.format = '~g';
  return { scale, axis };
}

// ---------------------------------------------------------------------------------------------
// tomography bars

export function barsSpec(fig: BarsFigure): object {
  if (fig.panels.length === 0) throw new Error('bars figure has no panels');
  const W = fig.panelWidth ?? 300;
  const H = fig.panelHeight ?? 220;
  const labels: string[] = [];
  let vmax = 0;
  for (const p of fig.panels) {
    for (const l of p.labels) if (!labels.includes(l)) labels.push(l);
    for (const row of p.values) for (const v of row) if (Number.isFinite(v) && Math.abs(v) > vmax) vmax = Math.abs(v);
  }
  const ymax = vmax > 0 ? vmax : 1;
  const panels = fig.panels.map((p) => {
    const n = p.labels.length;
    if (p.values.length !== n || p.values.some((r) => r.length !== n)) {
      throw new Error(`bars panel '${p.title}': values must be ${n}x${n} to match labels`);
    }
    const rows: { row: string; col: string; v: number | null }[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        rows.push({ row: p.labels[i]!, col: p.labels[j]!, v: num(Math.abs(p.values[i]![j]!)) });
      }
    }
    const encoding = {
      x: { field: 'row', type: 'nominal', sort: p.labels, axis: { title: 'row i', labelAngle: 0, labelFontSize: 13 }, scale: { paddingInner: 0.25 } },
      xOffset: { field: 'col', type: 'nominal', sort: labels, scale: { paddingInner: 0.08 } },
      y: {
        field: 'v',
        type: 'quantitative',
        scale: { domain: [0, ymax], nice: true },
        axis: { title: '|\u03c1\u1d62\u2c7c|', grid: true, gridColor: '#e4e4e4', format: '~g' },
      },
      color: {
        field: 'col',
        type: 'nominal',
        sort: labels,
        scale: { domain: labels, scheme: 'tableau10' },
        legend: { title: 'column j', symbolType: 'square', symbolSize: 160 },
      },
      tooltip: [
        { field: 'row', type: 'nominal' },
        { field: 'col', type: 'nominal' },
        { field: 'v', type: 'quantitative', format: '.4f' },
      ],
    };
    return {
      width: W,
      height: H,
      layer: [{ data: { values: rows }, mark: { type: 'bar', stroke: '#000', strokeWidth: 0.5 }, encoding }, frameLayer(), panelTitle(p.title, W)],
    };
  });
  const config = baseConfig();
  config.view = { stroke: '#000', strokeWidth: 1 };
  return assemble(
    fig.title,
    panels,
    defaultColumns(fig.panels.length, fig.columns),
    { scale: { color: 'shared', y: 'shared' }, legend: { color: 'shared' } },
    fig.note,
    config,
  );
}
