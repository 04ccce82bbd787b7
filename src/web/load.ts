// Loading a result written by `qbsweep sweep` (NAME.json manifest + NAME.csv) into the page:
// the spec comes back through resolveSpec and the Grid, the values and flags from the CSV.

import { InputError } from '../model/params.js';
import { Grid } from '../sweep/grid.js';
import { csvAxisHeader, csvAxisValues } from '../io/csv.js';
import { FlagWords, flagBits } from '../sweep/outputs.js';
import type { SweepResult } from '../sweep/run.js';
import { resolveSpec } from '../sweep/spec.js';

interface Manifest {
  qbsweep?: string;
  spec?: Record<string, unknown>;
  columns?: string[];
  complete?: boolean;
  error?: string;
  range?: { start: number; end: number; done: number };
  grid?: { done?: number };
  backend?: Record<string, unknown> & { precision?: string };
  integrator?: string;
  dt?: unknown;
  timings?: { total_s?: number; compute_s?: number; points_per_s?: number };
  precision?: { float64_cross_check?: SweepResult['check'] };
}

function parseCell(t: string): number {
  if (t === 'nan') return Number.NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

/** The result in NAME.json + NAME.csv among `files` (a directory's files, or the two chosen). */
export async function loadResult(files: File[]): Promise<{ result: SweepResult; manifest: Manifest; name: string }> {
  // a directory: its manifests in name order, the first one whose CSV is there
  const names = new Set(files.map((f) => f.name));
  const jsons = files.filter((f) => f.name.endsWith('.json')).sort((a, b) => Number(!names.has(a.name.replace(/\.json$/, '.csv'))) - Number(!names.has(b.name.replace(/\.json$/, '.csv'))) || a.name.localeCompare(b.name));
  if (!jsons.length) throw new InputError('load: choose the NAME.json manifest and NAME.csv that qbsweep sweep wrote (no .json among the files)');
  let manifest: Manifest | undefined;
  let jsonFile: File | undefined;
  for (const f of jsons) {
    let m: Manifest;
    try {
      m = JSON.parse(await f.text()) as Manifest;
    } catch (e) {
      throw new InputError(`load: malformed JSON in ${f.name}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (m.qbsweep === 'sweep result') {
      manifest = m;
      jsonFile = f;
      break;
    }
  }
  if (!manifest || !jsonFile) throw new InputError(`load: ${jsons.map((f) => f.name).join(', ')} is not a qbsweep sweep manifest (no "qbsweep": "sweep result")`);
  const stem = jsonFile.name.replace(/\.json$/, '');
  const csvFile = files.find((f) => f.name === `${stem}.csv`) ?? (files.filter((f) => f.name.endsWith('.csv')).length === 1 ? files.find((f) => f.name.endsWith('.csv')) : undefined);
  if (!csvFile) throw new InputError(`load: ${stem}.csv (the data of ${jsonFile.name}) is missing; choose both files`);
  const spec = resolveSpec(manifest.spec);
  const grid = new Grid(spec);
  const columns = manifest.columns ?? [];
  const lines = (await csvFile.text()).split('\n').filter((l) => l.length);
  const header = lines[0]?.split(',') ?? [];
  const axisHeader = csvAxisHeader(grid);
  const expected = [...axisHeader, ...columns, 'flags'];
  if (header.join(',') !== expected.join(',')) throw new InputError(`load: ${csvFile.name} does not match ${jsonFile.name} (header ${header.slice(0, 6).join(',')}... where the manifest says ${expected.slice(0, 6).join(',')}...)`);
  const start = manifest.range?.start ?? 0;
  const rows = lines.length - 1;
  if (start + rows > spec.count) throw new InputError(`load: ${csvFile.name} has ${rows} rows, more than the ${spec.count - start} points of its spec`);
  const Arr = manifest.backend?.precision === 'float64' ? Float64Array : Float32Array;
  const values: Record<string, Float32Array | Float64Array> = {};
  for (const c of columns) values[c] = new Arr(spec.count).fill(Number.NaN);
  const flags = new FlagWords(spec.count);
  const nAxes = axisHeader.length;
  for (let r = 0; r < rows; r++) {
    const cells = lines[r + 1].split(',');
    if (cells.length !== expected.length) throw new InputError(`load: ${csvFile.name} line ${r + 2} has ${cells.length} fields, expected ${expected.length}`);
    const k = start + r;
    if (r === 0 || r === rows - 1) {
      const axis = csvAxisValues(grid, k);
      for (let a = 0; a < nAxes; a++) {
        const v = Number(cells[a]);
        if (Math.abs(v - axis[a]) > 1e-9 * Math.max(1, Math.abs(axis[a]))) throw new InputError(`load: ${csvFile.name} line ${r + 2}: ${axisHeader[a]} = ${v}, but the manifest's grid has ${axis[a]} there`);
      }
    }
    columns.forEach((c, i) => (values[c][k] = parseCell(cells[nAxes + i])));
    flags[k] = flagBits(cells[cells.length - 1] ? cells[cells.length - 1].split('|') : []);
  }
  const result: SweepResult = {
    spec,
    grid,
    columns,
    values,
    flags,
    offset: 0,
    count: spec.count,
    // the page draws the points below `done`; a shard's points before its start stay blank (NaN)
    done: start + rows,
    resumed: 0,
    error: manifest.complete === false ? new Error(manifest.error ?? `incomplete: ${rows} of ${spec.count} points`) : undefined,
    backend: manifest.backend ?? { backend: 'unknown' },
    integrator: manifest.integrator ?? 'unknown',
    dt: typeof manifest.dt === 'number' ? manifest.dt : undefined,
    blockPoints: 0,
    seconds: { total: manifest.timings?.total_s ?? 0, compute: manifest.timings?.compute_s ?? 0 },
    pointsPerSecond: manifest.timings?.points_per_s ?? 0,
    check: manifest.precision?.float64_cross_check,
  };
  return { result, manifest, name: stem };
}
