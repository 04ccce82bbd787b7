// The chunked array output, HDF5 through h5wasm (readable by h5py, xarray, MATLAB, ...):
//   NAME.h5: one dataset per output over the grid, dimensions named after the axes (HDF5
//     dimension labels and scales: the axis values), flags, the spec and provenance as
//     attributes; chunked one panel (the last two axes) at a time, gzip-compressed.
//   NAME.shard-i-of-N.h5 and the parts of an unfinished run: the same columns over a contiguous
//     range of the flattened grid (1-D, chunked), which `merge` and `--resume` assemble.
// HDF5 has one writer per file, so every shard writes its own file of chunks.
// NAME.h5 follows the CF conventions (netCDF-4 readers open it): dataset names are the column
// names with '.' spelled '_' (h5Name), units UDUNITS parses ('1' for the numbers measured in
// lambda, the energy unit, which the file states in `energy_unit` and each variable in
// `natural_units`), flags with flag_masks/flag_meanings, the base point as scalar attributes.

import fs, { mkdirSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import h5wasm from 'h5wasm/node';
import { InputError, type PointParams, nameDoc } from '../model/params.js';
import { FLAG_BITS } from '../core/layout.js';
import { paperSystem } from '../system/registry.js';
import { type FlagWords, OUTPUT_DOCS, h5Name } from '../sweep/outputs.js';
import { StorageError, fsyncPath, storageError, tempName } from './atomic.js';
import { axisName } from '../sweep/grid.js';

// 2: dataset names without dots (h5Name)
export const H5_FORMAT = 'qbsweep-2';


/** The energy unit every number in lambda refers to (hbar = 1: times in 1/lambda). */
export const ENERGY_UNIT = 'lambda (charger-battery coupling; hbar = 1, times in 1/lambda)';

/**
 * CF units of a unit written the qbsweep way: what UDUNITS parses as it is (rad), '1' for pure
 * numbers (nat included) and for the model's natural units (lambda, 1/lambda, omega lambda:
 * the stored numbers are multiples of them, named beside in `natural_units`), '1' too for a
 * unit that is another parameter (a relative axis in units of Tbar, named in its long_name).
 */
export function cfUnits(unit: string | undefined): { units: string; natural_units?: string } {
  if (!unit || unit === '1' || unit === 'nat') return { units: '1' };
  if (unit === 'rad') return { units: 'rad' };
  return /lambda|omega/.test(unit) ? { units: '1', natural_units: unit } : { units: '1' };
}

/** A name's unit and meaning, as the point's system (by default the default one) says. */
function paramDoc(name: string, base: PointParams | undefined): { unit?: string; about?: string } {
  return nameDoc(base?.system ?? paperSystem(), name);
}

/** What a whole-grid file says of itself beyond its data (CF global attributes and the base point). */
export interface GridDescription {
  title: string;
  /** the command line that made it */
  command: string;
  version: string;
  base: PointParams;
  /** base parameters an axis sets: not written as fixed */
  varied: Set<string>;
}

/** CF global attributes (Conventions, title, history, source) and the base point's parameters as scalars. */
export function globalAttributes(d: GridDescription, created: string): Record<string, string | number> {
  const b = d.base;
  const out: Record<string, string | number> = {
    Conventions: 'CF-1.10',
    title: d.title,
    history: `${created}: ${d.command}`,
    source: `qbsweep ${d.version}`,
    energy_unit: ENERGY_UNIT,
    model: b.model,
    initial_state: b.state_label,
    system_name: b.system.name,
  };
  if (b.reservoir) out.reservoir = b.reservoir;
  if (b.model === 'lindblad') out.lindblad_freq = String(b.lindblad_freq);
  out.zero_freq = String(b.zero_freq);
  const fixed = (k: string) => !d.varied.has(k);
  b.system.parameters.forEach((p, i) => fixed(p.name) && (out[p.name] = b.values[i]));
  if (fixed('tau')) out.tau = b.tau;
  return out;
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

let ready: Promise<unknown> | undefined;
async function h5(): Promise<typeof h5wasm> {
  ready ??= h5wasm.ready;
  await ready;
  return h5wasm;
}

/** A file that exists but cannot be trusted (short, damaged, from another run): one line naming it. */
export class DamagedFileError extends InputError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} is damaged or incomplete (${reason}); it is not used`);
    this.name = 'DamagedFileError';
  }
}

/**
 * Runs h5wasm calls with HDF5's diagnostic stack (printed straight to fd 2 by the wasm runtime)
 * captured instead of dumped on the user; returns what HDF5 reported, '' when all went well.
 */
function quietly<T>(fn: () => T): { value?: T; error?: unknown; diagnostics: string } {
  const writeSync = fs.writeSync;
  let diagnostics = '';
  (fs as { writeSync: unknown }).writeSync = (fd: number, buf: string | Uint8Array, ...rest: unknown[]) => {
    if (fd !== 2) return (writeSync as (...a: unknown[]) => number)(fd, buf, ...rest);
    const text = typeof buf === 'string' ? buf : Buffer.from(buf).toString('utf8', (rest[0] as number) ?? 0, ((rest[0] as number) ?? 0) + ((rest[1] as number) ?? buf.length));
    diagnostics += text;
    return typeof buf === 'string' ? Buffer.byteLength(buf) : ((rest[1] as number) ?? buf.length);
  };
  try {
    return { value: fn(), diagnostics };
  } catch (error) {
    return { error, diagnostics };
  } finally {
    (fs as { writeSync: unknown }).writeSync = writeSync;
  }
}

/** The most telling line of an HDF5 diagnostic stack (the OS error where there is one). */
function hdf5Reason(diagnostics: string, error?: unknown): string {
  const os = /error message = '([^']+)'/.exec(diagnostics);
  if (os) return os[1];
  const truncated = /truncated file: [^\n]*/.exec(diagnostics);
  if (truncated) return truncated[0].trim();
  const minor = [...diagnostics.matchAll(/minor: ([^\n]+)/g)].map((m) => m[1].trim());
  if (minor.length) return `HDF5: ${minor[minor.length - 1].toLowerCase()}`;
  return error instanceof Error ? error.message.split('\n')[0] : 'HDF5 error';
}

/** sha256 over the named datasets (name, then bytes), in the order given: the files' data checksum. */
export function dataSha256(names: string[], data: Record<string, ArrayBufferView>): string {
  const h = createHash('sha256');
  for (const n of names) {
    const v = data[n];
    h.update(n).update('\0').update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return h.digest('hex');
}

/** Reads every dataset a qbsweep file lists and checks them against its stored checksum. */
function verifiedData(f: H5File, path: string, expectLength: number | ((name: string) => number)): { names: string[]; data: Record<string, ArrayBufferView>; sha: string } {
  if (attr(f, 'format') !== H5_FORMAT) throw new DamagedFileError(path, `not a qbsweep ${H5_FORMAT} file`);
  const sha = attr(f, 'data_sha256');
  const namesText = attr(f, 'data_names');
  if (typeof sha !== 'string' || typeof namesText !== 'string') throw new DamagedFileError(path, 'no data checksum (written by an older qbsweep, or damaged)');
  const names = JSON.parse(namesText) as string[];
  const data: Record<string, ArrayBufferView> = {};
  for (const n of names) {
    const d = f.get(h5Name(n)) as H5Dataset | undefined;
    if (!d || typeof d !== 'object' || !('value' in d)) throw new DamagedFileError(path, `dataset ${n} is missing`);
    const v = d.value as unknown as ArrayBufferView & { length: number };
    const expect = typeof expectLength === 'number' ? expectLength : expectLength(n);
    if (!ArrayBuffer.isView(v) || v.length !== expect) throw new DamagedFileError(path, `dataset ${n} holds ${(v as { length?: number })?.length ?? 'no'} values, expected ${expect}`);
    data[n] = v;
  }
  const actual = dataSha256(names, data);
  if (actual !== sha) throw new DamagedFileError(path, `data checksum mismatch: stored ${sha.slice(0, 12)}, read ${actual.slice(0, 12)}`);
  return { names, data, sha };
}

/**
 * Opens a file for reading with every HDF5 failure turned into a DamagedFileError naming it.
 * `read` runs on the open file; what it throws passes through.
 */
async function readVerified<T>(path: string, read: (f: H5File) => T): Promise<T> {
  const lib = await h5();
  const opened = quietly(() => new lib.File(path, 'r'));
  if (opened.error || !opened.value || opened.diagnostics) {
    if (!fs.existsSync(path)) throw new DamagedFileError(path, 'missing');
    throw new DamagedFileError(path, hdf5Reason(opened.diagnostics, opened.error));
  }
  const f = opened.value;
  try {
    const r = quietly(() => read(f));
    if (r.error instanceof InputError) throw r.error;
    if (r.error || r.diagnostics) throw new DamagedFileError(path, hdf5Reason(r.diagnostics, r.error));
    return r.value as T;
  } finally {
    quietly(() => f.close());
  }
}

/**
 * Opens `path` for writing under a temporary name; the callback fills it; the file is closed,
 * flushed to the disk and read back against its checksum, and only then renamed into place.
 * A write HDF5 reports failed (h5wasm's close() does not throw) raises a StorageError.
 */
async function writeAtomically(path: string, expectLength: number | ((name: string) => number), fill: (f: H5File) => void): Promise<string> {
  const lib = await h5();
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw storageError(dirname(path), e);
  }
  const tmp = tempName(path);
  try {
    const created = quietly(() => new lib.File(tmp, 'w'));
    if (created.error || !created.value) throw new StorageError(path, /No space/.test(created.diagnostics) ? 'ENOSPC' : undefined, hdf5Reason(created.diagnostics, created.error));
    const f = created.value;
    const filled = quietly(() => fill(f));
    const closed = quietly(() => f.close());
    const diagnostics = filled.diagnostics + closed.diagnostics;
    if (filled.error instanceof InputError) throw filled.error;
    if (filled.error || closed.error || diagnostics) {
      const reason = hdf5Reason(diagnostics, filled.error ?? closed.error);
      throw new StorageError(path, /No space left/.test(reason) ? 'ENOSPC' : undefined, reason);
    }
    fsyncPath(tmp);
    // read back: what is renamed into place is exactly what was meant to be written
    const sha = await readVerified(tmp, (g) => verifiedData(g, tmp, expectLength).sha).catch((e) => {
      throw e instanceof DamagedFileError ? new StorageError(path, undefined, `read back after writing: ${e.reason}`) : e;
    });
    renameSync(tmp, path);
    return sha;
  } catch (e) {
    rmSync(tmp, { force: true });
    throw storageError(path, e);
  }
}

export interface GridArrays {
  axes: { param: string; values: number[]; relative_to?: string }[];
  shape: number[];
  columns: string[];
  values: Record<string, Float32Array | Float64Array>;
  flags: FlagWords;
  /** JSON-serialisable attributes for the root group (spec, provenance) */
  attributes: Record<string, unknown>;
  /** absolute values of relative axes (e.g. dT over Tbar x dT_over_Tbar): non-dimension coordinates */
  coordinates?: { name: string; dims: number[]; shape: number[]; values: Float64Array }[];
  /** a time grid: its times and the charging curves (count x times values each), written over the axes and t */
  times?: number[];
  trajectories?: Record<string, Float32Array | Float64Array>;
  /** the CF global attributes and the base point (absent: only the provenance attributes) */
  description?: GridDescription;
}

/** Datasets of n values per point (the charging curves) are n times longer than the others. */
const lengthOf = (count: number, trajectories: Record<string, unknown> | undefined, times: number) => (name: string) => (trajectories && name in trajectories ? count * times : count);

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
export async function writeGridH5(path: string, g: GridArrays): Promise<string> {
  const curves = g.trajectories && g.times ? Object.keys(g.trajectories) : [];
  const dataNames = [...g.columns, 'flags', ...curves];
  const sha = dataSha256(dataNames, { ...g.values, flags: g.flags, ...g.trajectories });
  const count = g.shape.reduce((a, b) => a * b, 1);
  return writeAtomically(path, lengthOf(count, g.trajectories, g.times?.length ?? 0), (f) => {
    const created = typeof g.attributes.created === 'string' ? g.attributes.created : new Date().toISOString();
    // the parameters as float64 scalars whatever their value (J = 1 is a float, not an int32)
    for (const [k, v] of Object.entries(g.description ? globalAttributes(g.description, created) : {})) {
      if (typeof v === 'number') f.create_attribute(k, v, [], '<d');
      else f.create_attribute(k, v);
    }
    setAttributes(f, { format: H5_FORMAT, ...g.attributes, data_sha256: sha, data_names: dataNames });
    // a relative axis is its own coordinate (dT_over_Tbar, units of Tbar); its absolute values
    // are a separate coordinate (dT) over the axes they depend on, named in each variable's
    // "coordinates" attribute (CF), so xarray shows both
    const names = g.axes.map(axisName);
    g.axes.forEach((ax, i) => {
      const d = f.create_dataset({ name: names[i], data: Float64Array.from(ax.values) });
      d.make_scale(names[i]);
      const doc = paramDoc(ax.param, g.description?.base);
      setAttributes(d, {
        ...cfUnits(ax.relative_to ? undefined : doc.unit),
        long_name: ax.relative_to ? `${doc.about ?? ax.param} in units of ${ax.relative_to}` : doc.about,
        relative_to: ax.relative_to,
      });
    });
    for (const c of g.coordinates ?? []) {
      const d = f.create_dataset({ name: c.name, data: c.values, shape: c.shape });
      // the attached scales name the dimensions (netCDF-4); a DIMENSION_LABELS attribute would only show up as clutter
      c.dims.forEach((ax, i) => d.attach_scale(i, names[ax]));
      const doc = paramDoc(c.name, g.description?.base);
      setAttributes(d, { ...cfUnits(doc.unit), long_name: doc.about });
    }
    const coordinates = (g.coordinates ?? []).map((c) => c.name).join(' ') || undefined;
    const chunks = chunkShape(g.shape);
    const attach = (d: ReturnType<H5File['create_dataset']>) => {
      g.axes.forEach((_, i) => d.attach_scale(i, names[i]));
      if (coordinates) setAttributes(d, { coordinates });
    };
    for (const c of g.columns) {
      const d = f.create_dataset({ name: h5Name(c), data: g.values[c], shape: g.shape, chunks, compression: 'gzip', compression_opts: 4 });
      attach(d);
      setAttributes(d, { long_name: OUTPUT_DOCS[c]?.label ?? c, ...cfUnits(OUTPUT_DOCS[c]?.unit) });
    }
    const fl = f.create_dataset({ name: 'flags', data: g.flags, shape: g.shape, chunks, compression: 'gzip', compression_opts: 4 });
    attach(fl);
    // CF flags: one mask per bit, of the variable's own integer type (the bits follow FLAG_BITS)
    const bits = Object.entries(FLAG_BITS);
    const FlagArray = g.flags.constructor as new (v: number[]) => FlagWords;
    fl.create_attribute('flag_masks', new FlagArray(bits.map(([, v]) => v)));
    setAttributes(fl, { long_name: 'flags of the point (bits)', flag_meanings: bits.map(([k]) => k.replace(/-/g, '_')).join(' ') });
    if (curves.length) {
      // the charging curves: the axes, then the time grid t as the last dimension
      const t = f.create_dataset({ name: 't', data: Float64Array.from(g.times!) });
      t.make_scale('t');
      setAttributes(t, { ...cfUnits('1/lambda'), long_name: 'time since the start of charging' });
      const shape = [...g.shape, g.times!.length];
      const tChunks = chunkShape(shape);
      for (const c of curves) {
        const d = f.create_dataset({ name: h5Name(c), data: g.trajectories![c], shape, chunks: tChunks, compression: 'gzip', compression_opts: 4 });
        attach(d);
        d.attach_scale(g.axes.length, 't');
        setAttributes(d, { long_name: OUTPUT_DOCS[c]?.label ?? c, ...cfUnits(OUTPUT_DOCS[c]?.unit) });
      }
    }
  });
}

export interface FlatArrays {
  /** first flat point index and number of points */
  start: number;
  count: number;
  total: number;
  columns: string[];
  values: Record<string, Float32Array | Float64Array>;
  flags: FlagWords;
  attributes: Record<string, unknown>;
  /** a time grid: its times and the charging curves of these points (count x times values each) */
  times?: number[];
  trajectories?: Record<string, Float32Array | Float64Array>;
  /** gzip the data (default); the parts of a running sweep are written plain: they live minutes and speed matters */
  compress?: boolean;
}

/** A contiguous range of the flattened grid (a shard, or a part of an unfinished run). */
export async function writeFlatH5(path: string, a: FlatArrays): Promise<string> {
  const curves = a.trajectories && a.times ? Object.keys(a.trajectories) : [];
  const names = [...a.columns, 'flags', ...curves];
  const sha = dataSha256(names, { ...a.values, flags: a.flags, ...a.trajectories });
  const nt = a.times?.length ?? 0;
  return writeAtomically(path, lengthOf(a.count, a.trajectories, nt), (f) => {
    setAttributes(f, { format: H5_FORMAT, start: a.start, count: a.count, total: a.total, columns: a.columns, ...(curves.length ? { times: a.times, trajectories: curves } : {}), ...a.attributes, data_sha256: sha, data_names: names });
    const chunks = [Math.max(1, Math.min(a.count, 1 << 16))];
    const gzip: { compression?: 'gzip'; compression_opts?: number } = a.compress === false ? {} : { compression: 'gzip', compression_opts: 4 };
    for (const c of a.columns) f.create_dataset({ name: h5Name(c), data: a.values[c], chunks, ...gzip });
    f.create_dataset({ name: 'flags', data: a.flags, chunks, ...gzip });
    const rows = Math.max(1, Math.min(a.count, Math.floor((1 << 20) / Math.max(nt, 1))));
    for (const c of curves) f.create_dataset({ name: h5Name(c), data: a.trajectories![c], shape: [a.count, nt], chunks: [rows, nt], ...gzip });
  });
}

function attr(f: H5File, name: string): unknown {
  const a = f.attrs[name];
  return a === undefined ? undefined : a.value;
}

/**
 * A flat file (a part or a shard), verified: every dataset present with `count` values and the
 * data checksum matching. Anything else is a DamagedFileError naming the file.
 */
export async function readFlatH5(path: string): Promise<FlatArrays & { sha256: string }> {
  return readVerified(path, (f) => {
    if (attr(f, 'format') !== H5_FORMAT) throw new DamagedFileError(path, `not a qbsweep ${H5_FORMAT} file`);
    const count = Number(attr(f, 'count'));
    if (!Number.isInteger(count) || count < 0) throw new DamagedFileError(path, 'no point count');
    const times = attr(f, 'times') === undefined ? undefined : (JSON.parse(String(attr(f, 'times'))) as number[]);
    const curves = attr(f, 'trajectories') === undefined ? [] : (JSON.parse(String(attr(f, 'trajectories'))) as string[]);
    const { data, sha } = verifiedData(f, path, (n) => (curves.includes(n) ? count * (times?.length ?? 0) : count));
    let trajectories: Record<string, Float32Array | Float64Array> | undefined;
    for (const c of curves) {
      if (!(data[c] instanceof Float32Array || data[c] instanceof Float64Array)) throw new DamagedFileError(path, `charging curve ${c} is missing`);
      (trajectories ??= {})[c] = data[c] as Float32Array | Float64Array;
    }
    const columns = JSON.parse(String(attr(f, 'columns'))) as string[];
    const values: Record<string, Float32Array | Float64Array> = {};
    for (const c of columns) {
      if (!(data[c] instanceof Float32Array || data[c] instanceof Float64Array)) throw new DamagedFileError(path, `column ${c} is missing`);
      values[c] = data[c] as Float32Array | Float64Array;
    }
    // uint16 flag words; parts written before the flags outgrew a byte hold uint8
    if (!(data.flags instanceof Uint16Array || data.flags instanceof Uint8Array)) throw new DamagedFileError(path, 'flags are missing');
    const attributes: Record<string, unknown> = {};
    for (const k of Object.keys(f.attrs)) attributes[k] = attr(f, k);
    return { start: Number(attr(f, 'start')), count, total: Number(attr(f, 'total')), columns, values, flags: Uint16Array.from(data.flags), attributes, sha256: sha, ...(trajectories ? { times, trajectories } : {}) };
  });
}
