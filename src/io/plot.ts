/**
 * Headless figure rendering: Vega-Lite spec (plotspec.ts) -> Vega -> SVG -> PNG (resvg).
 *
 * Text is laid out and rasterised with DejaVu Sans only (fonts-dejavu-core): resvg is given the
 * font files explicitly (system fonts are not consulted), and Vega's text-width measurement is
 * replaced by the real DejaVu advance widths read from the same TTF files, so label placement
 * and legend sizes match what resvg draws and are identical on any machine with those fonts.
 *
 * Font directory: $QBSWEEP_FONT_DIR, else /usr/share/fonts/truetype/dejavu. Without the fonts
 * rendering still works (system fonts, estimated text widths) but is not reproducible.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import {
  barsSpec,
  DEFAULT_PIXEL_RATIO,
  FONT_FAMILY,
  heatmapSpec,
  lineSpec,
  type BarsFigure,
  type HeatmapFigure,
  type LineFigure,
} from './plotspec.js';

export {
  barsSpec,
  heatmapRange,
  heatmapSpec,
  lineSpec,
  type Axis,
  type BarsFigure,
  type BarsPanel,
  type HeatmapFigure,
  type HeatmapPanel,
  type LineFigure,
  type LinePanel,
  type Series,
} from './plotspec.js';
export { colorAt, schemeLut } from './colormap.js';

// ---------------------------------------------------------------------------------------------
// fonts

const DEFAULT_FONT_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  italic: 'DejaVuSans-Oblique.ttf',
  boldItalic: 'DejaVuSans-BoldOblique.ttf',
} as const;
type FontVariant = keyof typeof FONT_FILES;

export function fontDir(): string {
  return process.env.QBSWEEP_FONT_DIR || DEFAULT_FONT_DIR;
}

/** Paths of the DejaVu Sans files that exist (regular first). */
export function fontFiles(): string[] {
  const dir = fontDir();
  return Object.values(FONT_FILES)
    .map((f) => join(dir, f))
    .filter((p) => existsSync(p));
}

/** Minimal TrueType reader: advance widths (in em) via cmap format 4 + hmtx. */
class TtfMetrics {
  private readonly cache = new Map<number, number>();
  private readonly unitsPerEm: number;
  private readonly nHMetrics: number;
  private readonly hmtx: number;
  private readonly seg: { count: number; end: number; start: number; delta: number; rangeOff: number } | null;

  constructor(private readonly buf: Buffer) {
    const tables = new Map<string, number>();
    const numTables = buf.readUInt16BE(4);
    for (let i = 0; i < numTables; i++) {
      const rec = 12 + 16 * i;
      tables.set(buf.toString('latin1', rec, rec + 4), buf.readUInt32BE(rec + 8));
    }
    const head = tables.get('head');
    const hhea = tables.get('hhea');
    const hmtx = tables.get('hmtx');
    const cmap = tables.get('cmap');
    if (head === undefined || hhea === undefined || hmtx === undefined || cmap === undefined) throw new Error('not a TrueType font');
    this.unitsPerEm = buf.readUInt16BE(head + 18);
    this.nHMetrics = buf.readUInt16BE(hhea + 34);
    this.hmtx = hmtx;
    let sub = -1;
    const n = buf.readUInt16BE(cmap + 2);
    for (let i = 0; i < n; i++) {
      const rec = cmap + 4 + 8 * i;
      const platform = buf.readUInt16BE(rec);
      const encoding = buf.readUInt16BE(rec + 2);
      const off = cmap + buf.readUInt32BE(rec + 4);
      if (buf.readUInt16BE(off) === 4 && ((platform === 3 && encoding === 1) || platform === 0)) {
        sub = off;
        if (platform === 3) break;
      }
    }
    if (sub < 0) {
      this.seg = null;
    } else {
      const count = buf.readUInt16BE(sub + 6) / 2;
      const end = sub + 14;
      const start = end + 2 * count + 2;
      const delta = start + 2 * count;
      const rangeOff = delta + 2 * count;
      this.seg = { count, end, start, delta, rangeOff };
    }
  }

  private glyph(c: number): number {
    const s = this.seg;
    if (!s || c > 0xffff) return 0;
    const b = this.buf;
    let lo = 0;
    let hi = s.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b.readUInt16BE(s.end + 2 * mid) < c) lo = mid + 1;
      else hi = mid;
    }
    const start = b.readUInt16BE(s.start + 2 * lo);
    if (c < start || c > b.readUInt16BE(s.end + 2 * lo)) return 0;
    const delta = b.readUInt16BE(s.delta + 2 * lo);
    const ro = b.readUInt16BE(s.rangeOff + 2 * lo);
    if (ro === 0) return (c + delta) & 0xffff;
    const g = b.readUInt16BE(s.rangeOff + 2 * lo + ro + 2 * (c - start));
    return g === 0 ? 0 : (g + delta) & 0xffff;
  }

  /** true if the font has a glyph for code point c */
  has(c: number): boolean {
    return this.glyph(c) !== 0;
  }

  /** advance width of code point c in em */
  advance(c: number): number {
    let w = this.cache.get(c);
    if (w === undefined) {
      const g = Math.min(this.glyph(c), this.nHMetrics - 1);
      w = this.buf.readUInt16BE(this.hmtx + 4 * g) / this.unitsPerEm;
      this.cache.set(c, w);
    }
    return w;
  }

  width(text: string, fontSize: number): number {
    let w = 0;
    for (const ch of text) w += this.advance(ch.codePointAt(0)!);
    return w * fontSize;
  }
}

let metrics: Partial<Record<FontVariant, TtfMetrics>> | null = null;

function loadMetrics(): Partial<Record<FontVariant, TtfMetrics>> {
  if (metrics) return metrics;
  metrics = {};
  for (const [k, f] of Object.entries(FONT_FILES) as [FontVariant, string][]) {
    const p = join(fontDir(), f);
    if (existsSync(p)) {
      try {
        metrics[k] = new TtfMetrics(readFileSync(p));
      } catch {
        // unreadable font: fall back to estimates below
      }
    }
  }
  return metrics;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  fontStyle?: string;
  limit?: number;
}

function itemWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? +item.fontSize || 0 : 11;
  const lines = Array.isArray(text) ? text : [text];
  const m = loadMetrics();
  const w = item.fontWeight;
  const bold = w === 'bold' || w === 'bolder' || (typeof w === 'number' && w >= 600) || (typeof w === 'string' && +w >= 600);
  const italic = item.fontStyle === 'italic' || item.fontStyle === 'oblique';
  const variant: FontVariant = bold ? (italic ? 'boldItalic' : 'bold') : italic ? 'italic' : 'regular';
  const tm = m[variant] ?? m.regular;
  let width = 0;
  for (const line of lines) {
    const s = line == null ? '' : String(line).trim();
    const lw = tm ? tm.width(s, size) : 0.6 * s.length * size;
    if (lw > width) width = lw;
  }
  return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
}

let metricsInstalled = false;
/**
 * Make Vega measure text with DejaVu Sans advance widths (process-wide; Vega supports a
 * user-defined `textMetrics.width`, as vl-convert does). Idempotent.
 */
export function installDejaVuTextMetrics(): void {
  if (metricsInstalled) return;
  const tm = (vega as unknown as { textMetrics: unknown }).textMetrics as { width: (item: TextItem, text: unknown) => number };
  tm.width = itemWidth;
  metricsInstalled = true;
}

/** Width in px of `text` in DejaVu Sans at `fontSize` (exposed for tests/layout helpers). */
export function textWidth(text: string, fontSize: number, bold = false): number {
  return itemWidth({ fontSize, fontWeight: bold ? 'bold' : 'normal' }, text);
}

// ---------------------------------------------------------------------------------------------
// rendering

/** Compile a Vega-Lite spec and render it headless to an SVG string. */
export async function vegaLiteToSvg(spec: object): Promise<string> {
  installDejaVuTextMetrics();
  const vg = compile(spec as any).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterise an SVG with resvg using only the DejaVu fonts. `width`: output width in px
 * (aspect kept); else `scale` (zoom factor, default 1).
 */
export async function svgToPng(svg: string, opts: { width?: number; scale?: number; background?: string } = {}): Promise<Buffer> {
  const files = fontFiles();
  const options: ResvgRenderOptions = {
    fitTo: opts.width ? { mode: 'width', value: Math.round(opts.width) } : { mode: 'zoom', value: opts.scale ?? 1 },
    background: opts.background ?? 'white',
    font: {
      fontFiles: files,
      loadSystemFonts: files.length === 0,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
      serifFamily: FONT_FAMILY,
      monospaceFamily: FONT_FAMILY,
      defaultFontSize: 11,
    },
    shapeRendering: 2,
    textRendering: 1,
    imageRendering: 0,
    logLevel: 'off',
  };
  return new Resvg(svg, options).render().asPng();
}

/** A box in CSS px of the figure (the PNG's pixels over the pixel ratio), origin top left. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a figure put its parts: what tests check a picture by, instead of by eye. */
export interface FigureLayout {
  /** the canvas (CSS px) */
  width: number;
  height: number;
  /** plot areas (groups holding a raster image or curves), in drawing order */
  panels: Box[];
  /** colour-bar gradients */
  colorbars: Box[];
  /** every text drawn, with its box and whether its limit cut it short (an ellipsis) */
  texts: (Box & { text: string; clipped: boolean })[];
}

type SceneItem = { x?: number; y?: number; width?: number; height?: number; items?: SceneNode[]; bounds?: { x1: number; y1: number; x2: number; y2: number }; text?: unknown; limit?: number; fontSize?: number; fontWeight?: string | number; fontStyle?: string };
type SceneNode = { marktype?: string; role?: string; items?: SceneItem[] };

/** The layout of a laid-out view: the scene graph walked with each group's offset added. */
function layoutOf(view: vega.View, width: number, height: number): FigureLayout {
  const out: FigureLayout = { width, height, panels: [], colorbars: [], texts: [] };
  const origin = view.origin();
  const pad = view.padding() as { left?: number; top?: number };
  const box = (b: NonNullable<SceneItem['bounds']>, ox: number, oy: number): Box => ({ x: b.x1 + ox, y: b.y1 + oy, width: b.x2 - b.x1, height: b.y2 - b.y1 });
  const walk = (mark: SceneNode, ox: number, oy: number): void => {
    for (const item of mark.items ?? []) {
      if (mark.marktype === 'group') {
        const gx = ox + (item.x ?? 0);
        const gy = oy + (item.y ?? 0);
        const children = item.items ?? [];
        if (children.some((m) => m.marktype === 'image' || m.marktype === 'line')) out.panels.push({ x: gx, y: gy, width: item.width ?? 0, height: item.height ?? 0 });
        for (const m of children) walk(m, gx, gy);
      } else if (mark.role === 'legend-gradient' && item.bounds) {
        out.colorbars.push(box(item.bounds, ox, oy));
      } else if (mark.marktype === 'text' && item.bounds && item.text != null && item.text !== '') {
        const text = Array.isArray(item.text) ? item.text.join('\n') : String(item.text);
        const full = itemWidth({ ...item, limit: 0 }, item.text);
        out.texts.push({ ...box(item.bounds, ox, oy), text, clipped: !!item.limit && item.limit > 0 && full > item.limit + 0.5 });
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, origin[0] + (pad.left ?? 0), origin[1] + (pad.top ?? 0));
  return out;
}

/** Compiles, lays out and draws a Vega-Lite spec: the PNG and the layout it was drawn from. */
export async function renderFigure(spec: object, pixelRatio = DEFAULT_PIXEL_RATIO): Promise<{ png: Buffer; layout: FigureLayout }> {
  installDejaVuTextMetrics();
  const view = new vega.View(vega.parse(compile(spec as any).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const size = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    const layout = layoutOf(view, size ? +size[1] : 0, size ? +size[2] : 0);
    return { png: await svgToPng(svg, { scale: pixelRatio }), layout };
  } finally {
    view.finalize();
  }
}

async function renderSpec(spec: object, pixelRatio: number | undefined): Promise<Buffer> {
  return (await renderFigure(spec, pixelRatio ?? DEFAULT_PIXEL_RATIO)).png;
}

/** Heatmap figure as SVG (same content as the PNG). */
export async function renderHeatmapSvg(fig: HeatmapFigure): Promise<string> {
  return vegaLiteToSvg(heatmapSpec(fig));
}

export async function renderHeatmapPng(fig: HeatmapFigure): Promise<Buffer> {
  return renderSpec(heatmapSpec(fig), fig.pixelRatio);
}

export async function renderLinePng(fig: LineFigure): Promise<Buffer> {
  return renderSpec(lineSpec(fig), fig.pixelRatio);
}

export async function renderBarsPng(fig: BarsFigure): Promise<Buffer> {
  return renderSpec(barsSpec(fig), fig.pixelRatio);
}
