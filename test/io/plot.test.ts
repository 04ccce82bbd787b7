import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { axisGrid } from '../../src/io/colormap.js';
import {
  barsSpec,
  colorAt,
  heatmapRange,
  heatmapSpec,
  installDejaVuTextMetrics,
  lineSpec,
  renderBarsPng,
  renderHeatmapPng,
  renderLinePng,
  schemeLut,
  svgToPng,
  textWidth,
  vegaLiteToSvg,
  type BarsFigure,
  type HeatmapFigure,
  type LineFigure,
} from '../../src/io/plot.js';

const OUT = join(process.cwd(), 'test-output', 'plot');
const RATIO = 2; // default pixelRatio of the render functions

beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
});

// ---------------------------------------------------------------------------------------------
// helpers

interface Img {
  width: number;
  height: number;
  data: Buffer;
}

function decode(png: Buffer): Img {
  const p = PNG.sync.read(png);
  return { width: p.width, height: p.height, data: p.data };
}

function px(img: Img, x: number, y: number): [number, number, number] {
  const o = 4 * (Math.round(y) * img.width + Math.round(x));
  return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
}

function dist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.max(Math.abs(a[0]! - b[0]!), Math.abs(a[1]! - b[1]!), Math.abs(a[2]! - b[2]!));
}

/** number of distinct RGB colours in a rectangle (device px) */
function distinctColours(img: Img, x0: number, y0: number, x1: number, y1: number): number {
  const s = new Set<number>();
  for (let y = Math.ceil(y0); y < Math.floor(y1); y++) {
    for (let x = Math.ceil(x0); x < Math.floor(x1); x++) {
      const o = 4 * (y * img.width + x);
      s.add((img.data[o]! << 16) | (img.data[o + 1]! << 8) | img.data[o + 2]!);
    }
  }
  return s.size;
}

/** count of dark pixels (luminance < 110) in a rectangle (device px) */
function darkPixels(img: Img, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.max(0, Math.ceil(y0)); y < Math.min(img.height, Math.floor(y1)); y++) {
    for (let x = Math.max(0, Math.ceil(x0)); x < Math.min(img.width, Math.floor(x1)); x++) {
      const o = 4 * (y * img.width + x);
      const l = 0.299 * img.data[o]! + 0.587 * img.data[o + 1]! + 0.114 * img.data[o + 2]!;
      if (l < 110) n++;
    }
  }
  return n;
}

/** pixels within `tol` of colour c in a rectangle */
function countColour(img: Img, c: ArrayLike<number>, tol: number, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height): number {
  let n = 0;
  for (let y = Math.max(0, Math.ceil(y0)); y < Math.min(img.height, Math.floor(y1)); y++) {
    for (let x = Math.max(0, Math.ceil(x0)); x < Math.min(img.width, Math.floor(x1)); x++) {
      const o = 4 * (y * img.width + x);
      if (dist([img.data[o]!, img.data[o + 1]!, img.data[o + 2]!], c) <= tol) n++;
    }
  }
  return n;
}

interface PanelGeom {
  /** plot area in CSS px of the whole figure */
  x: number;
  y: number;
  width: number;
  height: number;
  /** the panel's x/y scales mapping data -> px inside the plot area */
  sx: (v: number) => number;
  sy: (v: number) => number;
}

/**
 * Lay the spec out with Vega (same text metrics as the renderer) and return each panel's plot
 * area (in figure CSS px, i.e. the SVG coordinate system) and scales.
 */
async function panelGeometry(spec: object): Promise<PanelGeom[]> {
  installDejaVuTextMetrics();
  const view = new vega.View(vega.parse(compile(spec as any).spec), { renderer: 'none' });
  await view.runAsync();
  // the SVG translates the scene by origin + padding
  const origin = view.origin();
  const pad = view.padding() as { left?: number; top?: number };
  origin[0] += pad.left ?? 0;
  origin[1] += pad.top ?? 0;
  const out: PanelGeom[] = [];
  const walk = (node: any, ox: number, oy: number): void => {
    if (!node) return;
    if (node.marktype === 'group') {
      for (const g of node.items ?? []) {
        const gx = ox + (g.x ?? 0);
        const gy = oy + (g.y ?? 0);
        // a panel group = a group whose direct children include the raster image mark
        const hasImage = (g.items ?? []).some((m: { marktype?: string }) => m.marktype === 'image');
        if (hasImage && /concat_\d+_group$/.test(node.name ?? '')) {
          const prefix = (node.name as string).replace(/_group$/, '');
          out.push({ x: gx, y: gy, width: g.width, height: g.height, sx: view.scale(`${prefix}_x`), sy: view.scale(`${prefix}_y`) });
        }
        for (const m of g.items ?? []) walk(m, gx, gy);
      }
    }
  };
  walk((view.scenegraph() as unknown as { root: unknown }).root, origin[0], origin[1]);
  view.finalize();
  return out;
}

function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
}

/** 4 panels of z = sin(x + k/2) cos(y), with a NaN block (top left) and a flagged block (bottom right) */
function analyticFigure(n: number): HeatmapFigure {
  const xs = linspace(-3, 3, n);
  const ys = linspace(-2, 2, n);
  const panels = [0, 1, 2, 3].map((k) => {
    const z = new Float64Array(n * n);
    const mask = new Uint8Array(n * n);
    for (let iy = 0; iy < n; iy++) {
      for (let ix = 0; ix < n; ix++) {
        z[iy * n + ix] = Math.sin(xs[ix]! + 0.5 * k) * Math.cos(ys[iy]!);
        if (ix < n / 4 && iy >= Math.floor(0.75 * n)) z[iy * n + ix] = NaN;
        if (ix >= Math.floor(0.75 * n) && iy < n / 4) mask[iy * n + ix] = 1;
      }
    }
    return { title: `phase offset ${k}/2`, x: { label: 'Delta [lambda]', values: xs }, y: { label: 'g [lambda]', values: ys }, z, mask };
  });
  return {
    title: `Efficiency, ${n} x ${n}`,
    colorbar: { label: 'efficiency eta [1]' },
    panels,
    note: 'hatched: not stationary at tau; grey: no value',
  };
}

function argExt(z: ArrayLike<number>, sign: 1 | -1, skip: (i: number) => boolean): number {
  let best = -1;
  for (let i = 0; i < z.length; i++) {
    if (!Number.isFinite(z[i]!) || skip(i)) continue;
    if (best < 0 || sign * (z[i]! - z[best]!) > 0) best = i;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------

describe('heatmapSpec', () => {
  it('is JSON-serialisable Vega-Lite that compiles', () => {
    const fig = analyticFigure(16);
    const spec = heatmapSpec(fig);
    const json = JSON.stringify(spec);
    expect(JSON.parse(json)).toEqual(spec); // no NaN, functions, typed arrays
    expect(json).not.toMatch(/NaN|Infinity/);
    const vg = compile(JSON.parse(json) as any).spec;
    expect(() => vega.parse(vg)).not.toThrow();
    // one image per panel + one hatch overlay per panel (not one mark per cell)
    expect(json.match(/"type":"image"/g)?.length).toBe(8);
    expect(json).toContain('efficiency eta [1]');
    expect(json).toContain('"scheme":"viridis"');
  });

  it('lineSpec and barsSpec compile too', () => {
    for (const spec of [lineSpec(lineFigure()), barsSpec(barsFigure())]) {
      const json = JSON.stringify(spec);
      expect(JSON.parse(json)).toEqual(spec);
      expect(() => vega.parse(compile(JSON.parse(json) as any).spec)).not.toThrow();
    }
  });
});

describe('axisGrid', () => {
  it('uniform axis: linear, edges half a step outside', () => {
    const g = axisGrid([0, 1, 2, 3], { minPixels: 10 });
    expect(g.scale).toBe('linear');
    expect(g.domain).toEqual([-0.5, 3.5]);
    expect(g.pixels).toBe(12);
    expect(Array.from(g.pixelToCell)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });
  it('geometric axis: log scale with geometric-mean edges', () => {
    const g = axisGrid([0.01, 0.1, 1, 10]);
    expect(g.scale).toBe('log');
    expect(g.domain[0]).toBeCloseTo(Math.pow(10, -2.5), 12);
    expect(g.domain[1]).toBeCloseTo(Math.pow(10, 1.5), 12);
  });
  it('irregular axis: resampled, each pixel shows the nearest centre', () => {
    const v = [0, 0.1, 0.3, 1];
    const g = axisGrid(v);
    expect(g.scale).toBe('linear');
    expect(g.domain[0]).toBeCloseTo(-0.05, 12);
    expect(g.domain[1]).toBeCloseTo(1.35, 12);
    for (let p = 0; p < g.pixels; p++) {
      const x = g.domain[0] + ((p + 0.5) / g.pixels) * (g.domain[1] - g.domain[0]);
      const nearest = v.reduce((b, _, i) => (Math.abs(v[i]! - x) < Math.abs(v[b]! - x) ? i : b), 0);
      expect(g.pixelToCell[p]).toBe(nearest);
    }
  });
  it('descending axis values keep their cell indices', () => {
    const g = axisGrid([3, 2, 1]);
    expect(g.domain).toEqual([0.5, 3.5]);
    expect(g.pixelToCell[0]).toBe(2);
    expect(g.pixelToCell[g.pixels - 1]).toBe(0);
  });
});

describe('text metrics', () => {
  it('uses DejaVu Sans advance widths', () => {
    // DejaVu Sans: 'M' advance 1767/2048 em, bold wider than regular
    expect(textWidth('M', 20)).toBeCloseTo((1767 / 2048) * 20, 6);
    expect(textWidth('Delta [lambda]', 12, true)).toBeGreaterThan(textWidth('Delta [lambda]', 12));
  });
});

const viridis = schemeLut('viridis');
const TOP = colorAt(viridis, 1, 0, 1);
const BOTTOM = colorAt(viridis, 0, 0, 1);

async function checkHeatmap(n: number): Promise<void> {
  const fig = analyticFigure(n);
  const t0 = performance.now();
  const png = await renderHeatmapPng(fig);
  const ms = performance.now() - t0;
  writeFileSync(join(OUT, `heatmap_${n}x${n}.png`), png);
  console.log(`heatmap 4 panels ${n}x${n}: ${ms.toFixed(0)} ms, ${(png.length / 1024).toFixed(0)} KiB`);

  const img = decode(png);
  const geom = await panelGeometry(heatmapSpec(fig));
  expect(geom.length).toBe(4);
  const svg = await vegaLiteToSvg(heatmapSpec(fig));
  const svgW = Number(/<svg[^>]*width="([\d.]+)"/.exec(svg)![1]);
  expect(img.width).toBe(Math.round(svgW * RATIO));
  expect(img.width).toBeGreaterThan(1000);
  expect(img.width).toBeLessThan(3000);
  expect(img.height).toBeGreaterThan(1000);
  expect(img.height).toBeLessThan(3000);
  for (const text of ['Delta [lambda]', 'g [lambda]', 'efficiency eta [1]', 'phase offset 3/2', `Efficiency, ${n} x ${n}`, 'hatched: not stationary at tau']) {
    expect(svg).toContain(text);
  }
  expect(svg).toContain('linearGradient'); // real gradient colour legend

  let min = Infinity;
  let max = -Infinity;
  for (const p of fig.panels) {
    for (const v of Array.from(p.z)) {
      if (Number.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
  }
  expect(heatmapRange(fig)).toEqual([min, max]);

  let sawMax = false;
  let sawMin = false;
  for (let k = 0; k < 4; k++) {
    const g = geom[k]!;
    const p = fig.panels[k]!;
    const X0 = g.x * RATIO;
    const Y0 = g.y * RATIO;
    const X1 = (g.x + g.width) * RATIO;
    const Y1 = (g.y + g.height) * RATIO;
    // device pixel at the centre of cell (ix, iy), located through the panel's own axis scales
    const at = (ix: number, iy: number): [number, number] => [(g.x + g.sx(p.x.values[ix]!)) * RATIO, (g.y + g.sy(p.y.values[iy]!)) * RATIO];

    // many distinct colours in the plot area
    expect(distinctColours(img, X0 + 4, Y0 + 4, X1 - 4, Y1 - 4)).toBeGreaterThan(Math.min(200, n * 2));

    // cell colours: the extreme cells map to the scheme's end colours (shared range)
    // skip flagged cells and cells whose centre lies under the 1 px plot frame
    const m = Math.ceil((1.5 * n) / Math.min(g.width, g.height));
    const masked = (i: number): boolean => !!p.mask![i] || i % n < m || i % n >= n - m || i < m * n || i >= (n - m) * n;
    const iMax = argExt(p.z, 1, masked);
    const iMin = argExt(p.z, -1, masked);
    const cMax = px(img, ...at(iMax % n, Math.floor(iMax / n)));
    const cMin = px(img, ...at(iMin % n, Math.floor(iMin / n)));
    expect(dist(cMax, colorAt(viridis, p.z[iMax]!, min, max))).toBeLessThanOrEqual(4);
    expect(dist(cMin, colorAt(viridis, p.z[iMin]!, min, max))).toBeLessThanOrEqual(4);
    if (p.z[iMax] === max) {
      expect(dist(cMax, TOP)).toBeLessThanOrEqual(4);
      sawMax = true;
    }
    if (p.z[iMin] === min) {
      expect(dist(cMin, BOTTOM)).toBeLessThanOrEqual(4);
      sawMin = true;
    }
    // a generic interior cell
    const ix = Math.floor(0.4 * n);
    const iy = Math.floor(0.55 * n);
    expect(dist(px(img, ...at(ix, iy)), colorAt(viridis, p.z[iy * n + ix]!, min, max))).toBeLessThanOrEqual(4);

    // NaN cells: neutral grey, far from every colour of the scheme
    const nanPx = px(img, ...at(1, n - 2));
    expect(Number.isNaN(p.z[(n - 2) * n + 1]!)).toBe(true);
    expect(Math.max(...nanPx) - Math.min(...nanPx)).toBeLessThanOrEqual(3);
    let nearest = Infinity;
    for (let i = 0; i < viridis.length; i += 4) nearest = Math.min(nearest, dist(nanPx, viridis.subarray(i, i + 3)));
    expect(nearest).toBeGreaterThan(40);

    // hatching: white stripes inside the flagged block, none in an unflagged block of the same size
    const [hx0, hy1] = at(Math.ceil(0.75 * n) + 1, 0);
    const [hx1, hy0] = at(n - 1, Math.floor(n / 4) - 2);
    const [ux0, uy1] = at(Math.floor(0.4 * n), Math.floor(0.4 * n));
    const white = [255, 255, 255];
    const hatched = countColour(img, white, 30, hx0, hy0, hx1, hy1) / ((hx1 - hx0) * (hy1 - hy0));
    const unflagged = countColour(img, white, 30, ux0, uy1 - (hy1 - hy0), ux0 + (hx1 - hx0), uy1) / ((hx1 - hx0) * (hy1 - hy0));
    expect(hatched).toBeGreaterThan(0.1);
    expect(unflagged).toBeLessThan(0.01);

    // axis tick labels rendered below the panel
    expect(darkPixels(img, X0, Y1 + 8, X1, Y1 + 40 * RATIO)).toBeGreaterThan(300);
  }

  // the global max / min cells (interior by construction) have the scheme's end colours
  expect(sawMax).toBe(true);
  expect(sawMin).toBe(true);

  // figure title: dark text above the top-row panels
  const top = Math.min(...geom.map((g) => g.y)) * RATIO;
  expect(darkPixels(img, 0, 0, img.width, top * 0.45)).toBeGreaterThan(500);
  // colour bar to the right of the right column: contains the scheme's top and bottom colours
  const right = Math.max(...geom.map((g) => g.x + g.width)) * RATIO;
  expect(countColour(img, TOP, 6, right + 10, 0, img.width, img.height)).toBeGreaterThan(50);
  expect(countColour(img, BOTTOM, 6, right + 10, 0, img.width, img.height)).toBeGreaterThan(50);
  // colour bar label / tick labels (dark text right of the bar)
  expect(darkPixels(img, right + 10, 0, img.width, img.height)).toBeGreaterThan(500);
}

describe('renderHeatmapPng', () => {
  it('4 panels 64x64: decodes, colours at known cells, NaN, hatch, text', async () => {
    await checkHeatmap(64);
  });

  it('4 panels 256x256', async () => {
    const t0 = performance.now();
    await checkHeatmap(256);
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('1 panel 1024x1024 stays fast and exact at the cell centres', async () => {
    const n = 1024;
    const v = linspace(0, 1, n);
    const z = new Float32Array(n * n);
    for (let iy = 0; iy < n; iy++) for (let ix = 0; ix < n; ix++) z[iy * n + ix] = Math.sin(40 * v[ix]! * v[iy]!);
    const fig: HeatmapFigure = {
      title: '1024 x 1024 grid',
      colorbar: { label: 'sin(40 x y) [1]', min: -1, max: 1, scheme: 'redblue' },
      panels: [{ title: 'single panel', x: { label: 'x [1]', values: v }, y: { label: 'y [1]', values: v }, z }],
    };
    const t0 = performance.now();
    const png = await renderHeatmapPng(fig);
    const ms = performance.now() - t0;
    console.log(`heatmap 1 panel 1024x1024: ${ms.toFixed(0)} ms, ${(png.length / 1024).toFixed(0)} KiB`);
    writeFileSync(join(OUT, 'heatmap_1024x1024.png'), png);
    expect(ms).toBeLessThan(20_000);
    const img = decode(png);
    const [g] = await panelGeometry(heatmapSpec(fig));
    expect(distinctColours(img, g!.x * RATIO + 2, g!.y * RATIO + 2, (g!.x + g!.width) * RATIO - 2, (g!.y + g!.height) * RATIO - 2)).toBeGreaterThan(500);
    // bottom-left corner region z ~ 0 -> the scheme's middle colour
    const lut = schemeLut('redblue');
    const c = px(img, (g!.x + g!.sx(0.01)) * RATIO, (g!.y + g!.sy(0.01)) * RATIO);
    expect(dist(c, colorAt(lut, 0, -1, 1))).toBeLessThanOrEqual(8);
  });

  it('small, log-spaced and irregular grids put cell centres at the axis values', async () => {
    const xs = [1, 2, 3, 4, 5];
    const ys = [0.01, 0.1, 1, 10];
    const z = Array.from({ length: 20 }, (_, i) => i);
    const xi = [0, 0.1, 0.3, 0.4, 1.0, 2.0];
    const yi = [-1, 0, 1];
    const zi = Array.from({ length: 18 }, (_, i) => 19 - i);
    const fig: HeatmapFigure = {
      title: 'Small grids',
      colorbar: { label: 'index [1]', scheme: 'magma' },
      panels: [
        { title: 'log-spaced y, 5 x 4', x: { label: 'n [1]', values: xs }, y: { label: 'gamma [lambda]', values: ys }, z },
        { title: 'irregular x, 6 x 3', x: { label: 'Omega [lambda]', values: xi }, y: { label: 'kappa [lambda]', values: yi }, z: zi },
      ],
    };
    const png = await renderHeatmapPng(fig);
    writeFileSync(join(OUT, 'heatmap_small.png'), png);
    const img = decode(png);
    const geom = await panelGeometry(heatmapSpec(fig));
    const lut = schemeLut('magma');
    for (let k = 0; k < 2; k++) {
      const g = geom[k]!;
      const p = fig.panels[k]!;
      const nx = p.x.values.length;
      for (let iy = 0; iy < p.y.values.length; iy++) {
        for (let ix = 0; ix < nx; ix++) {
          const c = px(img, (g.x + g.sx(p.x.values[ix]!)) * RATIO, (g.y + g.sy(p.y.values[iy]!)) * RATIO);
                    expect(dist(c, colorAt(lut, p.z[iy * nx + ix]!, 0, 19)), `panel ${k} cell ${ix},${iy}`).toBeLessThanOrEqual(3);
        }
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

function lineFigure(): LineFigure {
  const t = Array.from({ length: 200 }, (_, i) => 0.01 * 1.04 ** i);
  const coarse = t.filter((_, i) => i % 15 === 0);
  return {
    title: 'Charging dynamics',
    panels: [
      {
        title: 'Stored energy',
        x: { label: 'time t [1/lambda]' },
        y: { label: 'E(t) [hbar omega]', min: 0, max: 1.05 },
        series: [
          { name: 'Redfield', x: t, y: t.map((v) => 1 - Math.exp(-v / 5)) },
          { name: 'Lindblad (secular)', x: t, y: t.map((v) => 1 - Math.exp(-v / 6)), dash: true },
          { name: 'float64 reference', x: coarse, y: coarse.map((v) => 1 - Math.exp(-v / 5)), points: true },
        ],
      },
      {
        title: 'Ergotropy (log-log)',
        x: { label: 'time t [1/lambda]', log: true },
        y: { label: 'W(t) [hbar omega]', log: true, min: 1e-4, max: 1 },
        series: [
          { name: 'Redfield', x: t, y: t.map((v) => (1 - Math.exp(-v / 5)) ** 2) },
          { name: 'Lindblad (secular)', x: t, y: t.map((v, i) => (i === 50 ? NaN : (1 - Math.exp(-v / 6)) ** 2)), dash: true },
        ],
      },
    ],
    note: 'dashed: secular approximation',
  };
}

function barsFigure(): BarsFigure {
  const labels = ['ee', 'eg', 'ge', 'gg'];
  const rho = (p: number): number[][] =>
    labels.map((_, i) => labels.map((_, j) => (i === j ? [p * p, p * (1 - p), p * (1 - p), (1 - p) ** 2][i]! : 0.15 * Math.exp(-Math.abs(i - j)) * p)));
  return {
    title: 'Two-qubit state tomography',
    panels: [
      { title: 't = 0', labels, values: rho(0.1) },
      { title: 't = tau', labels, values: rho(0.7) },
    ],
    note: 'bars: |rho_ij| grouped by row i, coloured by column j',
  };
}

describe('renderLinePng', () => {
  it('renders several series with legend, dashes, log axes', async () => {
    const fig = lineFigure();
    const t0 = performance.now();
    const png = await renderLinePng(fig);
    console.log(`line plot: ${(performance.now() - t0).toFixed(0)} ms`);
    writeFileSync(join(OUT, 'lines.png'), png);
    const img = decode(png);
    expect(img.width).toBeGreaterThan(800);
    expect(img.height).toBeGreaterThan(400);
    const svg = await vegaLiteToSvg(lineSpec(fig));
    for (const text of ['Redfield', 'Lindblad (secular)', 'float64 reference', 'time t [1/lambda]', 'W(t) [hbar omega]', 'Charging dynamics', 'Ergotropy (log-log)', 'dashed: secular approximation']) {
      expect(svg).toContain(text);
    }
    expect(svg).toMatch(/stroke-dasharray="7(,| )4"/);
    // the three tableau10 series colours appear as drawn lines
    for (const c of [
      [0x4c, 0x78, 0xa8],
      [0xf5, 0x85, 0x18],
      [0xe4, 0x57, 0x56],
    ]) {
      expect(countColour(img, c, 12)).toBeGreaterThan(200);
    }
    const geom = await panelGeometry(lineSpec(fig));
    expect(geom.length).toBe(0); // no image marks in line plots
    expect(darkPixels(img, 0, 0, img.width, 60 * RATIO)).toBeGreaterThan(500); // title
  });
});

describe('renderBarsPng', () => {
  it('renders a tomography bar chart', async () => {
    const fig = barsFigure();
    const png = await renderBarsPng(fig);
    writeFileSync(join(OUT, 'bars.png'), png);
    const img = decode(png);
    expect(img.width).toBeGreaterThan(800);
    expect(img.height).toBeGreaterThan(400);
    const svg = await vegaLiteToSvg(barsSpec(fig));
    for (const text of ['column j', 'row i', 'ee', 'gg', 't = tau', 'Two-qubit state tomography']) expect(svg).toContain(text);
    // the 4 column colours (tableau10) all appear as filled bars
    for (const c of [
      [0x4c, 0x78, 0xa8],
      [0xf5, 0x85, 0x18],
      [0xe4, 0x57, 0x56],
      [0x72, 0xb7, 0xb2],
    ]) {
      expect(countColour(img, c, 6)).toBeGreaterThan(300);
    }
    expect(darkPixels(img, 0, 0, img.width, 60 * RATIO)).toBeGreaterThan(500);
  });
});

describe('svgToPng', () => {
  it('honours width and renders DejaVu text', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="10" y="35" font-family="DejaVu Sans" font-size="24">Delta</text></svg>';
    const img = decode(await svgToPng(svg, { width: 400 }));
    expect(img.width).toBe(400);
    expect(img.height).toBe(100);
    expect(darkPixels(img, 0, 0, img.width, img.height)).toBeGreaterThan(300);
  });
});
