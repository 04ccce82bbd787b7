// The explorer's figures: the same Vega-Lite specs the CLI renders to PNG (plotspec.ts via
// sweepFigure.ts), drawn by Vega on a canvas in the page, plus the geometry that maps a mouse
// position on a heatmap panel back to its grid point.

import * as vega from 'vega';
import { compile } from 'vega-lite';
import { axisGrid, type AxisGrid } from '../io/colormap.js';
import { type BarsFigure, DEFAULT_PIXEL_RATIO, type HeatmapFigure, type LineFigure, barsSpec, heatmapSpec, lineSpec } from '../io/plotspec.js';

export const PANEL_WIDTH = 300;
export const PANEL_HEIGHT = 300;

export interface PanelGeometry {
  /** the image mark of the panel (its x, y, width, height in its group's coordinates) */
  item: vega.Item & { x: number; y: number; width: number; height: number };
  gx: AxisGrid;
  gy: AxisGrid;
  nx: number;
  ny: number;
}

export interface HeatmapView {
  view: vega.View;
  panels: PanelGeometry[];
  figure: HeatmapFigure;
}

export async function renderVegaLite(container: HTMLElement, spec: object): Promise<vega.View> {
  // room on the right for the colour bar's rotated title (autosize does not count all of it)
  const vgSpec = compile({ ...spec, padding: { left: 12, top: 8, right: 36, bottom: 8 } } as Parameters<typeof compile>[0]).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'canvas', container, hover: false });
  await view.runAsync();
  return view;
}

/** Draws a heatmap figure and locates each panel's raster for hover and click. */
export async function renderHeatmap(container: HTMLElement, fig: HeatmapFigure): Promise<HeatmapView> {
  const figure: HeatmapFigure = { ...fig, panelWidth: fig.panelWidth ?? PANEL_WIDTH, panelHeight: fig.panelHeight ?? PANEL_HEIGHT };
  const spec = heatmapSpec(figure) as { vconcat?: unknown[]; hconcat?: unknown[]; concat?: unknown[] };
  const view = await renderVegaLite(container, spec);
  const ratio = figure.pixelRatio ?? DEFAULT_PIXEL_RATIO;
  // the panels' rasters are the image marks whose url is a panel's data url, in panel order
  const urls = panelUrls(spec);
  const found = new Map<string, PanelGeometry['item']>();
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, (item) => {
    const url = (item.datum as { url?: string } | undefined)?.url;
    if (item.mark?.marktype === 'image' && url && urls.includes(url) && !found.has(url)) found.set(url, item as PanelGeometry['item']);
  });
  const panels = figure.panels.map((p, i) => ({
    item: found.get(urls[i])!,
    gx: axisGrid(p.x.values, { minPixels: Math.ceil(figure.panelWidth! * ratio), maxPixels: 4096 }),
    gy: axisGrid(p.y.values, { minPixels: Math.ceil(figure.panelHeight! * ratio), maxPixels: 4096 }),
    nx: p.x.values.length,
    ny: p.y.values.length,
  }));
  return { view, panels, figure };
}

interface SceneNode {
  items?: SceneNode[];
  mark?: { marktype?: string; group?: SceneNode };
  datum?: unknown;
  x?: number;
  y?: number;
}

function walk(node: SceneNode, fn: (item: SceneNode) => void): void {
  fn(node);
  for (const child of node.items ?? []) walk(child, fn);
}

/** Data urls of the panels' rasters (first image layer of each panel), in order. */
function panelUrls(spec: Record<string, unknown>): string[] {
  const urls: string[] = [];
  const visit = (s: unknown) => {
    if (!s || typeof s !== 'object') return;
    const o = s as Record<string, unknown>;
    for (const key of ['vconcat', 'hconcat', 'concat']) if (Array.isArray(o[key])) for (const c of o[key] as unknown[]) visit(c);
    if (Array.isArray(o.layer)) {
      const first = (o.layer as { mark?: { type?: string }; data?: { values?: { url?: string }[] } }[]).find((l) => l.mark?.type === 'image');
      const url = first?.data?.values?.[0]?.url;
      if (url) urls.push(url);
    }
  };
  visit(spec);
  return urls;
}

/** Offset of an item's group in canvas coordinates (the view's origin included). */
function groupOffset(view: vega.View, item: SceneNode): [number, number] {
  let x = 0;
  let y = 0;
  for (let g = item.mark?.group; g; g = g.mark?.group) {
    x += g.x ?? 0;
    y += g.y ?? 0;
  }
  const [ox, oy] = view.origin();
  return [x + ox, y + oy];
}

/** The grid cell under a point of the canvas (CSS pixels), or undefined off the rasters. */
export function cellAt(h: HeatmapView, canvasX: number, canvasY: number): { panel: number; ix: number; iy: number } | undefined {
  for (let p = 0; p < h.panels.length; p++) {
    const g = h.panels[p];
    if (!g.item) continue;
    const [gx0, gy0] = groupOffset(h.view, g.item as unknown as SceneNode);
    const fx = (canvasX - gx0 - g.item.x) / g.item.width;
    const fy = (canvasY - gy0 - g.item.y) / g.item.height;
    if (fx < 0 || fx >= 1 || fy < 0 || fy >= 1) continue;
    // the raster's top row is the largest y (colormap.rasterize)
    const ix = g.gx.pixelToCell[Math.min(g.gx.pixels - 1, Math.floor(fx * g.gx.pixels))];
    const iy = g.gy.pixelToCell[Math.min(g.gy.pixels - 1, Math.floor((1 - fy) * g.gy.pixels))];
    return { panel: p, ix, iy };
  }
  return undefined;
}

/** Canvas coordinates (CSS pixels) of the centre of a cell: the inverse of cellAt. */
export function cellCentre(h: HeatmapView, panel: number, ix: number, iy: number): [number, number] {
  const g = h.panels[panel];
  const mid = (grid: AxisGrid, cell: number) => {
    const ps: number[] = [];
    for (let p = 0; p < grid.pixels; p++) if (grid.pixelToCell[p] === cell) ps.push(p);
    return (ps[0] + ps[ps.length - 1] + 1) / 2 / grid.pixels;
  };
  const [gx0, gy0] = groupOffset(h.view, g.item as unknown as SceneNode);
  return [gx0 + g.item.x + mid(g.gx, ix) * g.item.width, gy0 + g.item.y + (1 - mid(g.gy, iy)) * g.item.height];
}

/** The x value under canvas position x of a one-panel line chart (its first line mark's scale). */
export function lineX(view: vega.View, canvasX: number): number | undefined {
  let line: SceneNode | undefined;
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, (item) => {
    if (!line && item.mark?.marktype === 'line') line = item;
  });
  const scale = (view.scale('concat_0_x') ?? view.scale('x')) as unknown as { invert?: (p: number) => number } | undefined;
  if (!line || !scale?.invert) return undefined;
  return scale.invert(canvasX - groupOffset(view, line)[0]);
}

/** Canvas position of the point (x, y) of a one-panel line chart (the inverse of lineX, with its y scale). */
export function linePoint(view: vega.View, x: number, y: number): [number, number] | undefined {
  let line: SceneNode | undefined;
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, (item) => {
    if (!line && item.mark?.marktype === 'line') line = item;
  });
  const sx = (view.scale('concat_0_x') ?? view.scale('x')) as unknown as ((v: number) => number) | undefined;
  const sy = (view.scale('concat_0_y') ?? view.scale('y')) as unknown as ((v: number) => number) | undefined;
  if (!line || !sx || !sy) return undefined;
  const [ox, oy] = groupOffset(view, line);
  return [ox + sx(x), oy + sy(y)];
}

export function renderLines(container: HTMLElement, fig: LineFigure): Promise<vega.View> {
  return renderVegaLite(container, lineSpec(fig));
}

export function renderBars(container: HTMLElement, fig: BarsFigure): Promise<vega.View> {
  return renderVegaLite(container, barsSpec(fig));
}
