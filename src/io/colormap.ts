/**
 * Colour maps and raster encoding for heatmap panels.
 *
 * Colours come from vega-scale's scheme registry (re-exported by `vega`), i.e. the very
 * interpolator that the Vega colour legend uses, so the rasterised grid and the gradient
 * legend agree pixel for pixel (up to the LUT resolution of 1/1023).
 */
import { scheme as vegaScheme } from 'vega';
import { PNG } from 'pngjs';

export type RGBA = [number, number, number, number];

/** Parse the colour strings vega-scale produces: `rgb(r, g, b)`, `rgba(...)`, `#rgb`, `#rrggbb`. */
export function parseColor(s: string): RGBA {
  const str = s.trim();
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(str);
  if (m) {
    let a = 255;
    if (m[4] !== undefined) {
      a = m[4].endsWith('%') ? (parseFloat(m[4]) / 100) * 255 : parseFloat(m[4]) * 255;
    }
    return [clamp255(+m[1]!), clamp255(+m[2]!), clamp255(+m[3]!), clamp255(a)];
  }
  const h = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(str);
  if (h) {
    let hex = h[1]!;
    if (hex.length === 3) hex = hex.replace(/(.)/g, '$1$1');
    const n = parseInt(hex, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 255];
  }
  throw new Error(`cannot parse colour '${s}'`);
}

function clamp255(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/**
 * A lookup table of `n` RGBA colours sampling a Vega colour scheme at t = i/(n-1).
 * Continuous schemes (functions) are sampled directly; discrete schemes (colour arrays)
 * are interpolated linearly in RGB.
 */
export function schemeLut(name: string, n = 1024, reverse = false): Uint8Array {
  const s: unknown = vegaScheme(name.toLowerCase());
  let f: (t: number) => RGBA;
  if (typeof s === 'function') {
    const fn = s as (t: number) => string;
    f = (t) => parseColor(fn(t));
  } else if (Array.isArray(s) && s.length > 0) {
    const cols = (s as string[]).map(parseColor);
    f = (t) => {
      if (cols.length === 1) return cols[0]!;
      const u = t * (cols.length - 1);
      const i = Math.min(cols.length - 2, Math.floor(u));
      const w = u - i;
      const a = cols[i]!;
      const b = cols[i + 1]!;
      return [0, 1, 2, 3].map((k) => clamp255(a[k]! * (1 - w) + b[k]! * w)) as RGBA;
    };
  } else {
    throw new Error(`unknown Vega colour scheme '${name}'`);
  }
  const lut = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    const t = n === 1 ? 0 : i / (n - 1);
    const c = f(reverse ? 1 - t : t);
    lut.set(c, 4 * i);
  }
  return lut;
}

/** Colour of value `v` on `[min, max]` (clamped) as the legend would show it. */
export function colorAt(lut: Uint8Array, v: number, min: number, max: number): RGBA {
  const n = lut.length / 4;
  const t = max > min ? (v - min) / (max - min) : 0.5;
  const i = Math.round(Math.max(0, Math.min(1, t)) * (n - 1));
  return [lut[4 * i]!, lut[4 * i + 1]!, lut[4 * i + 2]!, lut[4 * i + 3]!];
}

/** Finite min/max of an array (NaN/±Inf ignored). Returns [NaN, NaN] if there is no finite value. */
export function finiteExtent(z: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/**
 * Geometry of one heatmap axis: cell edges, the scale type and a pixel -> cell map.
 *
 * Cell i is centred at values[i]; its edges are the midpoints to its neighbours (in scale
 * space), the outer edges mirror the inner ones. If the centres are equally spaced in
 * linear space the scale is linear, if equally spaced in log space (all > 0) it is log;
 * otherwise the scale is linear and the raster is resampled so that each raster pixel shows
 * the cell whose [edge, edge) interval contains the pixel centre.
 */
export interface AxisGrid {
  scale: 'linear' | 'log';
  /** domain of the axis scale = outer cell edges, ascending */
  domain: [number, number];
  /** number of raster pixels along this axis */
  pixels: number;
  /** raster pixel index (ascending in value) -> cell index into the original values array */
  pixelToCell: Int32Array;
  /** true if the centres are equally spaced in scale space (no resampling) */
  uniform: boolean;
  /** the axis values, ascending */
  sorted: number[];
}

export function axisGrid(values: ArrayLike<number>, opts: { minPixels?: number; maxPixels?: number } = {}): AxisGrid {
  const n = values.length;
  if (n === 0) throw new Error('heatmap axis has no values');
  for (let i = 0; i < n; i++) if (!Number.isFinite(values[i]!)) throw new Error('heatmap axis values must be finite');
  // sort ascending but remember the original index
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const v = order.map((i) => values[i]!);
  for (let i = 1; i < n; i++) if (!(v[i]! > v[i - 1]!)) throw new Error('heatmap axis values must be distinct');

  const positive = v[0]! > 0;
  const isUniform = (w: number[]): boolean => {
    if (w.length < 3) return true;
    const d = (w[w.length - 1]! - w[0]!) / (w.length - 1);
    for (let i = 1; i < w.length; i++) if (Math.abs(w[i]! - w[i - 1]! - d) > 1e-6 * Math.abs(d)) return false;
    return true;
  };
  let scale: 'linear' | 'log' = 'linear';
  let s = v; // coordinates in scale space
  if (!isUniform(v) && positive) {
    const lv = v.map(Math.log10);
    if (isUniform(lv)) {
      scale = 'log';
      s = lv;
    }
  }
  // edges in scale space
  const edges = new Array<number>(n + 1);
  if (n === 1) {
    const half = scale === 'log' ? 0.5 : v[0] !== 0 ? Math.abs(v[0]!) * 0.05 : 0.5;
    edges[0] = s[0]! - half;
    edges[1] = s[0]! + half;
  } else {
    for (let i = 1; i < n; i++) edges[i] = 0.5 * (s[i - 1]! + s[i]!);
    edges[0] = s[0]! - (edges[1]! - s[0]!);
    edges[n] = s[n - 1]! + (s[n - 1]! - edges[n - 1]!);
  }
  const lo = edges[0]!;
  const hi = edges[n]!;
  const toValue = (x: number): number => (scale === 'log' ? Math.pow(10, x) : x);

  const uniform = scale === 'log' || isUniform(v);
  const minPixels = opts.minPixels ?? 0;
  const maxPixels = Math.max(n, opts.maxPixels ?? 4096);
  let pixels: number;
  const pixelToCell = (p: number): Int32Array => new Int32Array(p);
  let map: Int32Array;
  if (uniform) {
    // integer up-sampling factor so that small grids are crisp even with smoothing on
    const k = Math.max(1, Math.min(Math.floor(maxPixels / n), Math.ceil(minPixels / n)));
    pixels = n * k;
    map = pixelToCell(pixels);
    for (let p = 0; p < pixels; p++) map[p] = order[Math.floor(p / k)]!;
  } else {
    pixels = Math.min(maxPixels, Math.max(minPixels, 8 * n, 512));
    map = pixelToCell(pixels);
    let c = 0;
    for (let p = 0; p < pixels; p++) {
      const x = lo + ((p + 0.5) / pixels) * (hi - lo);
      while (c < n - 1 && x >= edges[c + 1]!) c++;
      map[p] = order[c]!;
    }
  }
  return { scale, domain: [toValue(lo), toValue(hi)], pixels, pixelToCell: map, uniform, sorted: v };
}

/** Encode an RGBA buffer (row-major, top row first) as PNG. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const png = new PNG({ width, height, colorType: 6, inputHasAlpha: true });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  // filter 0: the raster is only an intermediate inside the SVG, so the adaptive filter search is wasted time
  return PNG.sync.write(png, { colorType: 6, deflateLevel: 1, filterType: 0 });
}

export function pngDataUrl(png: Buffer): string {
  return `data:image/png;base64,${png.toString('base64')}`;
}

export interface RasterOptions {
  min: number;
  max: number;
  lut: Uint8Array;
  /** colour for NaN / non-finite cells; default fully transparent (the plot background shows) */
  nanColor?: RGBA;
}

/**
 * Colour-map a row-major grid `z[iy*nx+ix]` to an RGBA raster whose top row is the largest y.
 * Returns the raster (pixel size gx.pixels x gy.pixels).
 */
export function rasterize(z: ArrayLike<number>, nx: number, ny: number, gx: AxisGrid, gy: AxisGrid, o: RasterOptions): Uint8Array {
  if (z.length !== nx * ny) throw new Error(`heatmap z has ${z.length} values, expected nx*ny = ${nx}*${ny} = ${nx * ny}`);
  const W = gx.pixels;
  const H = gy.pixels;
  const out = new Uint8Array(4 * W * H);
  const lut = o.lut;
  const nl = lut.length / 4;
  const span = o.max > o.min ? o.max - o.min : 0;
  const nan = o.nanColor ?? [0, 0, 0, 0];
  // colour every cell once, then replicate
  const cellColour = new Uint8Array(4 * nx * ny);
  for (let i = 0; i < nx * ny; i++) {
    const v = z[i]!;
    if (!Number.isFinite(v)) {
      cellColour.set(nan, 4 * i);
      continue;
    }
    const t = span > 0 ? (v - o.min) / span : 0.5;
    const j = 4 * Math.round((t <= 0 ? 0 : t >= 1 ? 1 : t) * (nl - 1));
    cellColour[4 * i] = lut[j]!;
    cellColour[4 * i + 1] = lut[j + 1]!;
    cellColour[4 * i + 2] = lut[j + 2]!;
    cellColour[4 * i + 3] = lut[j + 3]!;
  }
  const u32cell = new Uint32Array(cellColour.buffer);
  const u32out = new Uint32Array(out.buffer);
  const xmap = gx.pixelToCell;
  for (let r = 0; r < H; r++) {
    const iy = gy.pixelToCell[H - 1 - r]!;
    const rowBase = iy * nx;
    const outBase = r * W;
    for (let p = 0; p < W; p++) u32out[outBase + p] = u32cell[rowBase + xmap[p]!]!;
  }
  return out;
}

/**
 * Hatch overlay for flagged cells, rendered in screen space (W x H pixels covering the plot
 * area): diagonal white stripes with a dark edge, visible on light and dark colours alike.
 * Returns null when no cell is flagged.
 */
export function hatchOverlay(
  mask: ArrayLike<number>,
  nx: number,
  ny: number,
  valuesX: AxisGrid,
  valuesY: AxisGrid,
  W: number,
  H: number,
  period = 8,
): Uint8Array | null {
  if (mask.length !== nx * ny) throw new Error(`heatmap mask has ${mask.length} values, expected ${nx * ny}`);
  let any = false;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i]) {
      any = true;
      break;
    }
  }
  if (!any) return null;
  const out = new Uint8Array(4 * W * H);
  const xcell = new Int32Array(W);
  for (let p = 0; p < W; p++) xcell[p] = valuesX.pixelToCell[Math.min(valuesX.pixels - 1, Math.floor(((p + 0.5) / W) * valuesX.pixels))]!;
  const lw = Math.max(1, Math.round(period / 4)); // white stripe width
  for (let r = 0; r < H; r++) {
    const iy = valuesY.pixelToCell[Math.min(valuesY.pixels - 1, Math.floor(((H - 1 - r + 0.5) / H) * valuesY.pixels))]!;
    for (let p = 0; p < W; p++) {
      if (!mask[iy * nx + xcell[p]!]) continue;
      const d = (((p + r) % period) + period) % period;
      const o = 4 * (r * W + p);
      if (d < lw) {
        out[o] = 255;
        out[o + 1] = 255;
        out[o + 2] = 255;
        out[o + 3] = 235;
      } else if (d === lw) {
        out[o] = 0;
        out[o + 1] = 0;
        out[o + 2] = 0;
        out[o + 3] = 150;
      }
    }
  }
  return out;
}
