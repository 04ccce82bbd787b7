// The chunked array output, HDF5 through h5wasm (readable by h5py, xarray, MATLAB, ...):
//   NAME.h5: one dataset per output over the grid, dimensions named after the axes (HDF5
//     dimension labels and scales: the axis values), flags, the spec and provenance as
//     attributes; chunked one panel (the last two axes) at a time, gzip-compressed.
//   NAME.shard-i-of-N.h5 and the parts of an unfinished run: the same columns over a contiguous
//     range of the flattened grid (1-D, chunked), which `merge` and `--resume` assemble.
// HDF5 has one writer per file, so every shard writes its own file of chunks.

import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { PARAM_DOCS } from '../model/params.js';
import { FLAG_BITS } from '../backends/webgpu/layout.js';
import { OUTPUT_DOCS } from '../sweep/outputs.js';
import { axisName } from '../sweep/grid.js';

export const H5_FORMAT = 'qbsweep-1';

type H5File = InstanceType<typeof h5wasm.File>;

let ready: Promise<unknown> | undefined;
async function h5(): Promise<typeof h5wasm> {
  ready ??= h5wasm.ready;
  await ready;
  return h5wasm;
}

/** Opens `path` for writing under a temporary name; the callback fills it; then it is renamed into place. */
async function writeAtomically(path: string, fill: (f: H5File) => void): Promise<void> {
  const lib = await h5();
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const f = new lib.File(tmp, 'w');
  try {
    fill(f);
    f.close();
    renameSync(tmp, path);
  } catch (e) {
    try {
      f.close();
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

export interface GridArrays {
  axes: { param: string; values: number[]; relative_to?: string }[];
  shape: number[];
  columns: string[];
  values: Record<string, Float32Array | Float64Array>;
  flags: Uint8Array;
  /** JSON-serialisable attributes for the root group (spec, provenance) */
  attributes: Record<string, unknown>;
  /** absolute values of relative axes (e.g. dT over Tbar x dT_over_Tbar): non-dimension coordinates */
  coordinates?: { name: string; dims: number[]; shape: number[]; values: Float64Array }[];
}

function chunkShape(shape: number[]): number[] {
  // one panel (the last two axes) per chunk, at most 1M values
  const c = shape.map((n, i) => (i >= shape.length - 2 ? n : 1));
  while (c.reduce((a, b) => a * b, 1) > 1 << 20) {
    const i = c.findIndex((n) => n > 1);
    c[i] = Math.ceil(c[i] / 2);
  }
  return c;
}

function setAttributes(target: { create_attribute: (name: string, value: string | number) => unknown }, attrs: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    target.create_attribute(k, typeof v === 'number' ? v : typeof v === 'string' ? v : JSON.stringify(v));
  }
}

/** NAME.h5: the full grid. */
export async function writeGridH5(path: string, g: GridArrays): Promise<void> {
  await writeAtomically(path, (f) => {
    setAttributes(f, { format: H5_FORMAT, ...g.attributes });
    // a relative axis is its own coordinate (dT_over_Tbar, units of Tbar); its absolute values
    // are a separate coordinate (dT) over the axes they depend on, named in each variable's
    // "coordinates" attribute (CF), so xarray shows both
    const names = g.axes.map(axisName);
    g.axes.forEach((ax, i) => {
      const d = f.create_dataset({ name: names[i], data: Float64Array.from(ax.values) });
      d.make_scale(names[i]);
      setAttributes(d, {
        units: ax.relative_to ? ax.relative_to : PARAM_DOCS[ax.param]?.unit,
        long_name: ax.relative_to ? `${PARAM_DOCS[ax.param]?.about ?? ax.param} in units of ${ax.relative_to}` : PARAM_DOCS[ax.param]?.about,
        relative_to: ax.relative_to,
      });
    });
    for (const c of g.coordinates ?? []) {
      const d = f.create_dataset({ name: c.name, data: c.values, shape: c.shape });
      c.dims.forEach((ax, i) => {
        d.set_dimension_label(i, names[ax]);
        d.attach_scale(i, names[ax]);
      });
      setAttributes(d, { units: PARAM_DOCS[c.name]?.unit, long_name: PARAM_DOCS[c.name]?.about });
    }
    const coordinates = (g.coordinates ?? []).map((c) => c.name).join(' ') || undefined;
    const chunks = chunkShape(g.shape);
    const attach = (d: ReturnType<H5File['create_dataset']>) => {
      g.axes.forEach((_, i) => {
        d.set_dimension_label(i, names[i]);
        d.attach_scale(i, names[i]);
      });
      if (coordinates) setAttributes(d, { coordinates });
    };
    for (const c of g.columns) {
      const d = f.create_dataset({ name: c, data: g.values[c], shape: g.shape, chunks, compression: 'gzip', compression_opts: 4 });
      attach(d);
      setAttributes(d, { long_name: OUTPUT_DOCS[c]?.label ?? c, units: OUTPUT_DOCS[c]?.unit || '1' });
    }
    const fl = f.create_dataset({ name: 'flags', data: g.flags, shape: g.shape, chunks, compression: 'gzip', compression_opts: 4 });
    attach(fl);
    setAttributes(fl, { long_name: 'flag bits', bits: FLAG_BITS });
  });
}

export interface FlatArrays {
  /** first flat point index and number of points */
  start: number;
  count: number;
  total: number;
  columns: string[];
  values: Record<string, Float32Array | Float64Array>;
  flags: Uint8Array;
  attributes: Record<string, unknown>;
}

/** A contiguous range of the flattened grid (a shard, or a part of an unfinished run). */
export async function writeFlatH5(path: string, a: FlatArrays): Promise<void> {
  await writeAtomically(path, (f) => {
    setAttributes(f, { format: H5_FORMAT, start: a.start, count: a.count, total: a.total, columns: a.columns, ...a.attributes });
    const chunks = [Math.max(1, Math.min(a.count, 1 << 16))];
    for (const c of a.columns) f.create_dataset({ name: c, data: a.values[c], chunks, compression: 'gzip', compression_opts: 4 });
    f.create_dataset({ name: 'flags', data: a.flags, chunks, compression: 'gzip', compression_opts: 4 });
  });
}

function attr(f: H5File, name: string): unknown {
  const a = f.attrs[name];
  return a === undefined ? undefined : a.value;
}

export async function readFlatH5(path: string): Promise<FlatArrays> {
  const lib = await h5();
  const f = new lib.File(path, 'r');
  try {
    if (attr(f, 'format') !== H5_FORMAT) throw new Error(`${path}: not a qbsweep ${H5_FORMAT} file`);
    const columns = JSON.parse(String(attr(f, 'columns'))) as string[];
    const values: Record<string, Float32Array | Float64Array> = {};
    for (const c of columns) values[c] = (f.get(c) as InstanceType<typeof h5wasm.Dataset>).value as Float32Array | Float64Array;
    const flags = (f.get('flags') as InstanceType<typeof h5wasm.Dataset>).value as Uint8Array;
    const attributes: Record<string, unknown> = {};
    for (const k of Object.keys(f.attrs)) attributes[k] = attr(f, k);
    return { start: Number(attr(f, 'start')), count: Number(attr(f, 'count')), total: Number(attr(f, 'total')), columns, values, flags, attributes };
  } finally {
    f.close();
  }
}
