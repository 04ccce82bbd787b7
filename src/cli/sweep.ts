// `qbsweep sweep`: a phase diagram over up to 3 axes -> DIR/NAME.csv, NAME.json, NAME.png.

import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { firstRepeat } from '../core/lists.js';
import { InputError, variedKeys } from '../model/params.js';
import { type ChosenBackend, SWEEP_BACKENDS, createBackend, offCpuRefusal, refuseOffCpu } from '../backends/select.js';
import { ADAPTER_CHOICES } from '../backends/webgpu/nodeDevice.js';
import { checkOutputDir, fileSha256, writeFileAtomic } from '../io/atomic.js';
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import type { PictureTask } from '../io/pictureWorker.js';
import { pictureWorkerUrl } from '../paths.js';
import { writeCsv } from '../io/csv.js';
import { buildManifest, manifestSpec, packageVersions, systemRecord } from '../io/manifest.js';
import { resolveSystem } from '../system/registry.js';
import { type Shard, resolveShard, shardRange, shardStem } from '../sweep/shard.js';
import { RunState, specHash } from '../io/state.js';
import { claimStem } from '../sweep/resultFiles.js';
import { Progress, fmtSecs } from '../io/progress.js';
import { shaderCacheEmpty, shaderCacheLocation } from '../backends/webgpu/shaderCache.js';
import type { SweepBackend } from '../backends/types.js';
import { OUTPUT_KEYS, outputColumns } from '../sweep/outputs.js';
import { Grid } from '../sweep/grid.js';
import { CPU_INTEGRATORS } from '../backends/cpu/backend.js';
import { GPU_INTEGRATORS } from '../backends/webgpu/backend.js';
import { PRESETS, preset, runTitle } from '../sweep/presets.js';
import { DEFAULT_CHECK_POINTS, type SweepResult, blockPointsFor, checkResultMemory, checkTimeGrids, crossCheck, probeBackend, runSweep } from '../sweep/run.js';
import { CHARGING_FIGURES, MAX_TIMES, timeValues } from '../model/charging.js';
import { finishedRun } from '../io/finished.js';
import { type ResolvedSpec, type SweepSpec, applyGrid, normalizeBase, resolveSpec, specFromJson } from '../sweep/spec.js';
import { DEFAULT_OUTPUTS } from '../sweep/outputs.js';
import { addPointParamOptions, applyPointFlags, overriddenParams, parseTimes, pointFlagParams, setNames } from './point.js';
import { action, parseNumber, parsePositiveInt, readJsonInput } from './common.js';
import { summary } from './common.js';
import { reportCrossCheck } from './report.js';

/**
 * The base after --system, the point flags (--state, --tau, --F, --T-bar, ...) and --set
 * key=value (later wins). An axis cannot also be set.
 */
function overrideBase(spec: SweepSpec, opts: Record<string, unknown>, baseDir: string | undefined): SweepSpec {
  const changed = [...pointFlagParams(opts), ...setNames(opts)];
  if (!changed.length && opts.system === undefined) return spec;
  if (typeof spec !== 'object' || spec === null) return spec; // resolveSpec names the problem
  let named = spec.system ?? spec.base?.system;
  if (opts.system !== undefined) {
    if (named !== undefined) throw new InputError(`option --system: the ${opts.preset !== undefined ? 'preset' : 'spec'} already names its system (${JSON.stringify(named)}); give it once`);
    named = String(opts.system);
  }
  const system = resolveSystem(named, opts.system !== undefined ? 'option --system' : 'spec system', opts.system !== undefined ? undefined : baseDir);
  const raw = (spec.base ?? {}) as Record<string, unknown>;
  const start = { ...normalizeBase(raw, system, 'spec base'), system };
  const base = applyPointFlags(start, { ...opts, system: undefined }, baseDir);
  const axes = Array.isArray(spec.axes) ? spec.axes.map((a) => a?.param) : [];
  const clash = changed.find((k) => axes.includes(k));
  if (clash) throw new InputError(`option --set/--${clash}: ${clash} is an axis of this sweep; change the axis in a spec file instead`);
  const { system: _named, ...rest } = spec;
  return { ...rest, base };
}

/** A comma-separated list option (--outputs, --plot); a name given twice is refused. */
function listOption(option: string, value: unknown): string[] {
  const list = String(value).split(',').map((s) => s.trim()).filter(Boolean);
  const twice = firstRepeat(list);
  if (twice) throw new InputError(`option ${option}: ${list[twice[1]]} is listed twice; list each once`);
  return list;
}

/**
 * One --axis: NAME=FROM:TO:N (N evenly spaced values, both ends included) or NAME=V1,V2,...
 * (the values as listed), the spec's two kinds of axis.
 */
export function parseAxisOption(text: string): { param: string; from: number; to: number; n: number } | { param: string; values: number[] } {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(text);
  if (!m) throw new InputError(`option --axis: expected NAME=FROM:TO:N or NAME=V1,V2,... (got ${JSON.stringify(text)})`);
  const [, param, rest] = m;
  if (rest.includes(':')) {
    const parts = rest.split(':');
    if (parts.length !== 3) throw new InputError(`option --axis: ${param}: expected FROM:TO:N, e.g. ${param}=-4:4:201 (got ${JSON.stringify(rest)})`);
    const [from, to] = parts.slice(0, 2).map((t) => parseNumber(`--axis ${param}`, t));
    const n = parseNumber(`--axis ${param}`, parts[2]);
    if (!(Number.isInteger(n) && n >= 1)) throw new InputError(`option --axis: ${param}: N must be a whole number >= 1 (got ${parts[2]})`);
    return { param, from, to, n };
  }
  const values = rest.split(',').map((t) => parseNumber(`--axis ${param}`, t));
  return { param, values };
}

/** --spec (a spec, or the NAME.json of an earlier run), --preset or --axis, with the overrides, --grid, --outputs and --plot applied. */
export function specFromOptions(opts: Record<string, unknown>): ResolvedSpec {
  const axisTexts = (opts.axis as string[] | undefined) ?? [];
  const sources = [opts.spec !== undefined, opts.preset !== undefined, axisTexts.length > 0].filter(Boolean).length;
  if (sources !== 1) throw new InputError('give exactly one of --spec FILE, --preset NAME and --axis NAME=FROM:TO:N (repeatable)');
  let spec: SweepSpec =
    opts.preset !== undefined
      ? preset(String(opts.preset))
      : opts.spec !== undefined
        ? (specFromJson(readJsonInput('--spec', String(opts.spec))) as SweepSpec)
        : ({ axes: axisTexts.map(parseAxisOption) } as SweepSpec);
  // a system file named in a spec is relative to the spec file
  const baseDir = opts.spec !== undefined && opts.spec !== '-' ? dirname(resolvePath(String(opts.spec))) : undefined;
  spec = overrideBase(spec, opts, baseDir);
  if (opts.grid !== undefined) {
    if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.axes)) resolveSpec(spec);
    spec = applyGrid(spec, String(opts.grid));
  }
  if (opts.outputs !== undefined) spec = { ...spec, outputs: listOption('--outputs', opts.outputs) };
  if (opts.name !== undefined) spec = { ...spec, name: String(opts.name) };
  if (opts.times !== undefined) spec = { ...spec, times: parseTimes(String(opts.times)) };
  if (opts.plot !== undefined) {
    const plot = listOption('--plot', opts.plot);
    // a time grid adds its figures to the outputs (resolveSpec): they may be drawn
    const outputs = [...(spec.outputs ?? [...DEFAULT_OUTPUTS]), ...(spec.times ? CHARGING_FIGURES : [])];
    const drawn = plot.length === 1 && plot[0] === 'all' ? outputs.filter((o) => o !== 'rho' && o !== 'steady.kernel_dim') : plot;
    for (const o of drawn) if (!outputs.includes(o)) throw new InputError(`option --plot: ${JSON.stringify(o)} is not an output of this sweep (${outputs.join(', ')}; or all)`);
    spec = { ...spec, plot: drawn.length === 1 ? drawn[0] : drawn };
  }
  const resolved = resolveSpec(spec, baseDir);
  checkOverridesUsed(resolved, overriddenParams(opts));
  return resolved;
}

/**
 * A flag or --set value that the axes overwrite at the points (--T1 on a Tbar x dT sweep: T1 is
 * derived from the axes) would be recorded in the manifest but never used: refused in one line.
 */
function checkOverridesUsed(spec: ResolvedSpec, overrides: [string, string][]): void {
  if (!overrides.length) return;
  const grid = new Grid(spec);
  for (const [name, option] of overrides) {
    const movers = grid.axesMoving(name);
    if (!movers.length) continue;
    const value = +grid.baseValue(name).toPrecision(6);
    throw new InputError(`option ${option}: ${name} = ${value} would not be used: the ${movers.length > 1 ? 'axes' : 'axis'} ${movers.join(' and ')} of this sweep ${movers.length > 1 ? "set" : "sets"} ${name} at the points; change the axes in a spec file instead, or drop the option`);
  }
}

/** --check N | all, or --no-check (commander gives false): the number of points, Infinity for all. */
export function parseCheck(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (value === false) return 0;
  if (String(value).trim().toLowerCase() === 'all') return Infinity;
  const n = parseNumber('--check', String(value));
  if (!(Number.isInteger(n) && n >= 0)) throw new InputError(`option --check: must be a whole number >= 0 or "all" (got ${value})`);
  return n;
}

/**
 * Says what the first seconds of a GPU run are spent on: one line, "compiling GPU kernels (...)"
 * when it starts, completed with the time it took. `then` runs after (e.g. restarting the ETA clock).
 */
export function compileReporter(backend: SweepBackend, quiet: boolean, then?: () => void): (phase: 'start' | 'done', seconds?: number) => void {
  return (phase, seconds) => {
    if (phase === 'start') {
      const adapter = (backend.describe().adapter as { description?: string } | undefined)?.description ?? '';
      // the long wait is announced only where the driver's cache is known to be empty
      const first = shaderCacheEmpty(adapter) ? ` (first run: up to a minute; cached afterwards in ${shaderCacheLocation(adapter)})` : '';
      if (!quiet) process.stderr.write(`qbsweep: compiling GPU kernels${first} ... `);
    } else {
      if (!quiet) process.stderr.write(`done in ${fmtSecs(seconds ?? 0)}\n`);
      then?.();
    }
  };
}

export function addRunOptions(cmd: Command): Command {
  cmd
    .option('--spec <file>', 'sweep spec JSON (README: "Spec format"), or the NAME.json of an earlier run to rerun it; "-" reads stdin')
    .option('--preset <name>', `one of the paper's diagrams: ${Object.entries(PRESETS).map(([k, v]) => `${k} (${v.description})`).join('; ')}`)
    .option('--axis <NAME=FROM:TO:N...>', 'instead of a spec file: an axis of NAME (a parameter of the system, or Delta, Tbar, dT, ...) with N values from FROM to TO, or NAME=V1,V2,...; repeatable (1 to 3 axes, the last is x); the base from --system, --set and the flags')
    .option('--grid <NxM>', 'resolution: N points along x (the last axis), M along y (default 201x201 for presets)')
    .option('--outputs <list>', `comma-separated outputs (${OUTPUT_KEYS.join(', ')})`)
    .option('--integrator <name>', 'webgpu: leap (default) | rk4; cpu: expm (default, exact) | leap | rk4')
    .option('--dt <h>', 'RK4/leap step [1/lambda] (default per point: min(0.2, 1/||L||))')
    .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(' | ')} (default auto: hardware, else software)`)
    .option('--max-chunk <points>', 'at most this many points per GPU submission')
    .option('--threads <n>', 'cpu backend: worker threads (default: all cores)');
  return addBaseOptions(cmd);
}

/** The base overrides: `point`'s flags, --system and --set key=value (repeatable). */
export function addBaseOptions(cmd: Command): Command {
  return addPointParamOptions(cmd);
}

export function runOptions(opts: Record<string, unknown>): { dt?: number; maxChunk?: number; threads?: number } {
  const dt = opts.dt !== undefined ? parseNumber('--dt', String(opts.dt)) : undefined;
  if (dt !== undefined && !(dt > 0 && Number.isFinite(dt))) throw new InputError(`option --dt: step must be a finite number > 0 (got ${opts.dt})`);
  return {
    dt,
    maxChunk: opts.maxChunk !== undefined ? parsePositiveInt('--max-chunk', String(opts.maxChunk)) : undefined,
    threads: opts.threads !== undefined ? parsePositiveInt('--threads', String(opts.threads)) : undefined,
  };
}

/**
 * Checks what can be checked before a GPU is touched (Dawn prints notes of its own when a device
 * is created, and a user mistake must stay one line): the grid's every point, and that the
 * integrator exists for the backend. `--integrator expm` makes `auto` mean cpu.
 */
export function preflight(spec: ResolvedSpec, backend: string, integrator: string | undefined): string {
  new Grid(spec).validate();
  if (spec.times && backend === 'webgl') checkTimeGrids(spec, { name: 'webgl', timeGrids: false });
  const chosen = backend === 'auto' && autoTakesCpu(spec, integrator) ? 'cpu' : backend;
  refuseOffCpu(chosen, spec.point.system);
  refuseTwoQubitOnly(spec);
  if (integrator === undefined || chosen !== backend) return chosen;
  const known = backend === 'cpu' ? (CPU_INTEGRATORS as string[]) : GPU_INTEGRATORS;
  if (!known.includes(integrator)) {
    throw new InputError(`option --integrator: ${JSON.stringify(integrator)} is not a${backend === 'cpu' ? ' cpu' : ' GPU'} integrator (expected ${known.join(', ')})`);
  }
  return backend;
}

/** Why `auto` takes cpu for this sweep (a cpu-only integrator, or what webgpu cannot run), in words for one line; undefined: auto tries webgpu. */
export function autoTakesCpu(spec: ResolvedSpec, integrator: string | undefined): string | undefined {
  if (integrator !== undefined && (CPU_INTEGRATORS as string[]).includes(integrator) && !GPU_INTEGRATORS.includes(integrator)) return `integrator ${integrator} is cpu's`;
  return offCpuRefusal('auto', spec.point.system);
}

/**
 * What a sweep of a system of n != 2 qubits cannot have: an axis over theta/phi, the angles of a
 * two-qubit state (one line naming it).
 */
export function refuseTwoQubitOnly(spec: ResolvedSpec): void {
  const sys = spec.point.system;
  const shape = `this one has ${sys.qubits} qubits, battery qubits [${sys.battery.qubits.join(', ')}]`;
  if (sys.qubits !== 2 && spec.resolvedAxes.some((a) => a.param === 'theta' || a.param === 'phi')) {
    throw new InputError(`system ${sys.name}: an axis over theta/phi (the angles of a two-qubit state) is for two-qubit systems only (${shape})`);
  }
}

/**
 * The backend `name` (preflight's choice), said on stderr with why. `auto` (the user's word) says
 * why it took cpu; for n > 2 it first runs webgpu's kernels on one point (probeBackend) and takes
 * cpu where the adapter cannot run them (llvmpipe's loop budget at n = 4).
 */
export async function chooseBackend(name: string, opts: Record<string, unknown>, quiet: boolean, auto?: { spec: ResolvedSpec; integrator?: string }): Promise<ChosenBackend> {
  const { maxChunk, threads } = runOptions(opts);
  const create = (backend: string) => createBackend({ backend, adapter: opts.adapter as string | undefined, engine: { maxChunk }, threads });
  let chosen = await create(name);
  const autoWhy = auto && name === 'cpu' ? autoTakesCpu(auto.spec, auto.integrator) : undefined;
  if (autoWhy) chosen = { ...chosen, why: `${chosen.why} (auto: ${autoWhy})` };
  if (auto && chosen.backend.name === 'webgpu' && auto.spec.point.system.qubits > 2) {
    const failed = await probeBackend(auto.spec, chosen.backend, auto.integrator);
    if (failed) {
      await chosen.backend.close();
      const cpu = await create('cpu');
      chosen = { ...cpu, why: `${cpu.why} (auto: ${failed.message.replace(/: use --backend cpu.*$/, '')})` };
    }
  }
  if (!quiet) process.stderr.write(`qbsweep: ${chosen.why}\n`);
  return chosen;
}

/** What the picture worker needs of a result (plain data: it is copied to the thread). */
function pictureTask(res: SweepResult, columns: string[]): PictureTask {
  const values: PictureTask['values'] = {};
  for (const c of columns) values[c] = res.values[c];
  return { spec: res.spec, values, flags: res.flags, done: res.done, count: res.count, offset: res.offset, backend: res.backend, columns };
}

/**
 * The thread that draws the pictures. Started with the run, it loads vega and resvg
 * while the kernels compile and the points compute; it waits for one task, then ends.
 */
export class PictureWorker {
  private readonly worker = new Worker(pictureWorkerUrl());
  private readonly result: Promise<Uint8Array[]>;

  constructor() {
    this.worker.unref(); // a run that ends without pictures does not wait for it
    this.result = new Promise((resolve, reject) => {
      // the worker ends by itself after its one message (parentPort.once)
      this.worker.once('message', (m: { pngs?: Uint8Array[]; error?: string }) => {
        if (m.error !== undefined) reject(new Error(`drawing the picture failed: ${m.error}`));
        else resolve(m.pngs!);
      });
      this.worker.once('error', (e) => reject(new Error(`drawing the picture failed: ${e.message}`)));
    });
    this.result.catch(() => undefined); // reported by draw()
  }

  draw(task: PictureTask): Promise<Uint8Array[]> {
    this.worker.ref();
    this.worker.postMessage(task);
    return this.result;
  }

  close(): void {
    void this.worker.terminate();
  }
}

/** The outputs that get a picture: the spec's "plot" (one or a list, --plot), else the first output. */
export function plottedOutputs(res: SweepResult): string[] {
  const plot = res.spec.plot;
  if (plot !== undefined) return Array.isArray(plot) ? plot : [plot];
  return [res.spec.outputs.find((o) => o !== 'rho') ?? res.columns[0]];
}

/**
 * Writes a result: complete whole grids get NAME.csv, NAME.png, NAME.h5 (the chunked arrays)
 * and NAME.json; complete shards STEM.csv, STEM.h5 (their range) and STEM.json, which
 * `qbsweep merge` assembles; unfinished runs STEM.partial.csv/.json, a name that cannot pass
 * for a complete result (the finished blocks also wait in DIR/.STEM.parts for --resume).
 */
export async function writeResult(
  res: SweepResult,
  dir: string,
  opts: { png: boolean; stem?: string; shard?: Shard; h5?: boolean; extra?: Record<string, unknown>; pictureWorker?: PictureWorker; /** points to cross-check now (runSweep's check, run while the pictures render) */ check?: number },
): Promise<string[]> {
  const files: string[] = [];
  const complete = res.done === res.count && !res.error && !res.stopped;
  const whole = res.offset === 0 && res.count === res.spec.count;
  const precision = (res.backend as { precision: 'float32' | 'float64' }).precision;
  const base = opts.stem ?? res.spec.name;
  const stem = complete ? base : `${base}.partial`;
  const csv = join(dir, `${stem}.csv`);
  files.push(csv);
  const hash = specHash(res.spec);
  let dataSha: string | undefined;
  const csvWritten = writeCsv(csv, res, precision);
  // the pictures render on a worker thread while this one writes the CSV (started above: it yields at its first line) and the HDF5 file
  const drawn = complete && whole && opts.png ? plottedOutputs(res) : [];
  const worker = drawn.length ? (opts.pictureWorker ?? new PictureWorker()) : undefined;
  if (!drawn.length) opts.pictureWorker?.close();
  const pictures = worker?.draw(pictureTask(res, drawn));
  pictures?.catch(() => undefined); // awaited below; a failure is reported there
  const pngFiles = drawn.map((column, i) => join(dir, i === 0 ? `${stem}.png` : `${stem}.${column}.png`));
  if (opts.check && res.done > 0) {
    const t = performance.now();
    res.check = crossCheck(res, Math.min(opts.check, res.done));
    res.seconds.total += (performance.now() - t) / 1000;
  }
  const csvSha = await csvWritten;
  if (complete && opts.h5 !== false) {
    const h5 = join(dir, `${stem}.h5`);
    const provenance = { spec: JSON.stringify(manifestSpec(res)), system: JSON.stringify(systemRecord(res.grid.base.system)), spec_hash: hash, backend: JSON.stringify(res.backend), integrator: res.integrator, created: new Date().toISOString(), versions: JSON.stringify(packageVersions()) };
    const { writeFlatH5, writeGridH5 } = await import('../io/hdf5.js');
    if (whole) {
      dataSha = await writeGridH5(h5, { axes: res.grid.axes, coordinates: res.grid.absoluteCoordinates(), shape: res.spec.shape, columns: res.columns.filter((c) => !c.startsWith('_')), values: res.values, flags: res.flags, attributes: provenance, times: res.times, trajectories: res.trajectories, description: { title: runTitle(res.spec, res.grid.base), command: ['qbsweep', ...process.argv.slice(2)].join(' '), version: packageVersions().qbsweep ?? 'unknown', base: res.grid.base, varied: variedKeys(res.grid.axes, res.grid.base.system) } });
    } else {
      dataSha = await writeFlatH5(h5, { start: res.offset, count: res.count, total: res.spec.count, columns: res.columns, values: res.values, flags: res.flags, attributes: provenance, times: res.times, trajectories: res.trajectories });
    }
    files.push(h5);
  }
  // the manifest, written last, vouches for every other file: a file that does not match is not this result
  // (the CSV and the pictures hashed from the bytes written, not read back)
  const sha: Record<string, string> = { [csv]: csvSha };
  if (pictures) {
    const pngs = await pictures;
    pngFiles.forEach((f, i) => {
      writeFileAtomic(f, pngs[i]);
      sha[f] = createHash('sha256').update(pngs[i]).digest('hex');
    });
    files.splice(1, 0, ...pngFiles); // listed as before: csv, pictures, h5, json
  }
  const json = join(dir, `${stem}.json`);
  files.push(json);
  const checksums: Record<string, string> = {};
  for (const f of files) if (f !== json) checksums[f.split('/').pop()!] = sha[f] ?? fileSha256(f);
  const extra = { spec_hash: hash, ...(dataSha ? { data_sha256: dataSha } : {}), checksums, ...(opts.shard ? { shard: opts.shard } : {}), files: files.map((f) => f.split('/').pop()), command: process.argv.slice(2).join(' '), ...opts.extra };
  writeFileAtomic(json, JSON.stringify(buildManifest(res, extra), null, 2) + '\n');
  return files;
}

export function registerSweep(program: Command): void {
  const cmd = program
    .command('sweep')
    .summary(summary('sweep'))
    .description(
      'Compute a dense phase diagram: every grid point is one GPU thread (WGSL) that builds its own 16x16 ' +
        'generator and evolves its density vector to tau; a sample of points is re-checked in float64.\n\n' +
        'Writes DIR/NAME.csv (one row per point: axis values, outputs, flags), DIR/NAME.json (manifest: spec, ' +
        'backend and adapter, versions, timings, precision), DIR/NAME.png (heatmap panels) and DIR/NAME.h5 ' +
        '(HDF5: one chunked array per output, dimensions named after the axes).\n\n' +
        'Large sweeps split into shards (--shard i/N, or the index of a Kubernetes Indexed Job or a Slurm array) ' +
        'that `qbsweep merge` assembles. Finished blocks are saved as the run goes: after Ctrl-C or a crash, ' +
        'the same command with --resume computes only what is missing.',
    );
  addRunOptions(cmd)
    .option('--backend <name>', `${SWEEP_BACKENDS.join(' | ')} (default auto: webgpu, else cpu)`)
    .option('--out <dir>', 'output directory (default out)')
    .option('--name <name>', 'output file stem (default: the spec name)')
    .option('--check <n>', `float64 cross-check of n evenly spread points, or "all" (default ${DEFAULT_CHECK_POINTS} on GPU backends, none on cpu); a point outside its tolerance exits 3 after writing the files`)
    .option('--no-check', 'skip the float64 cross-check')
    .option('--plot <outputs>', 'outputs to draw, comma-separated, or all: the first in NAME.png, the others in NAME.OUTPUT.png (default: the spec\'s "plot", else the first output)')
    .option('--no-png', 'skip the pictures')
    .option('--no-h5', 'skip the HDF5 arrays')
    .option('--times <from:to:n>', `also every point's charging curve at n times from..to [1/lambda] (n <= ${MAX_TIMES}), in the same GPU thread: NAME.h5 gains trajectory_* arrays over the axes and t, the CSV max_average_power, time_of_max_average_power, charging_time_90 (the spec key "times")`)
    .option('--shard <i/N>', 'compute only shard i (0-based) of N contiguous blocks of the grid')
    .option('--shards <N>', 'the number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID')
    .option('--resume', 'continue an interrupted run of the same command (its finished blocks are in DIR/.NAME.parts)')
    .option('--force', "remove the files of another run with the same name in --out first (otherwise the run is refused)")
    .option('--block-points <n>', 'points per saved block: the unit of progress and of --resume (default 65536 on GPUs, 4096 on cpu)')
    .option('--quiet', 'no progress or notes on stderr')
    .addHelpText(
      'after',
      '\nAxis params: the system\'s parameters and settable derived names (qbsweep systems NAME lists them), tau, theta,\n' +
        'phi; for the paper\'s system e.g. Delta, Delta_bar, F, T, Tbar, dT, mu, mubar, dmu, alpha. With 3 axes the first one makes panels;\n' +
        'the last axis is x. "relative_to": "Tbar" makes an axis a multiple of that parameter (fig9\'s dT).\n\n' +
        'Examples:\n' +
        '  qbsweep sweep --preset fig9 --out out/\n' +
        '  qbsweep sweep --preset fig10 --grid 128x128 --backend cpu --out out/\n' +
        '  qbsweep sweep --spec examples/gap-map.json --outputs liouvillian_gap,efficiency --out out-gap-map/\n' +
        '  qbsweep sweep --system xxz --axis Jz=-1:1:21 --axis Delta=-4:4:41 --out out-xxz/   # no spec file\n' +
        '  qbsweep sweep --preset fig9 --grid 64x64 --times 0:50:501 --plot max_average_power,charging_time_90 --out out/\n' +
        '  qbsweep sweep --preset fig9 --grid 1024x1024 --shard 3/8 --out shared/   # then: qbsweep merge shared/ --out final/',
    )
    .action(
      action(async (opts: Record<string, unknown>) => {
        const spec = specFromOptions(opts);
        const { dt } = runOptions(opts);
        const check = parseCheck(opts.check);
        const quiet = Boolean(opts.quiet);
        const dir = String(opts.out ?? 'out');
        const shard = resolveShard(opts.shard as string | undefined, opts.shards as string | undefined);
        const range = shardRange(spec.count, shard);
        const stem = shardStem(spec.name, shard);
        const blockOpt = opts.blockPoints !== undefined ? parsePositiveInt('--block-points', String(opts.blockPoints)) : undefined;
        const backendName = preflight(spec, String(opts.backend ?? 'auto'), opts.integrator as string | undefined);
        checkOutputDir('--out', dir);
        const note = (s: string) => quiet || process.stderr.write(`qbsweep: ${s}\n`);
        claimStem(dir, stem, { kind: 'sweep', specHash: specHash(spec), plot: spec.plot === undefined ? undefined : [spec.plot].flat() }, { force: Boolean(opts.force), resume: Boolean(opts.resume), note });
        RunState.refuseOverwrite(dir, stem, Boolean(opts.resume));
        if (shard) note(`shard ${shard.index} of ${shard.count} (from ${shard.source}): points ${range[0]}..${range[1] - 1} of ${spec.count}`);
        // (started after the device: while Dawn is set up, no other thread may open files, see nativeStderr.ts)
        const { backend } = await chooseBackend(backendName, opts, quiet, opts.backend === undefined || opts.backend === 'auto' ? { spec, integrator: opts.integrator as string | undefined } : undefined);
        // whole-grid runs draw pictures at the end: their thread loads its libraries meanwhile
        const pictureWorker = opts.png !== false && !shard ? new PictureWorker() : undefined;
        // and the HDF5 library's WebAssembly compiles in the background meanwhile
        if (opts.h5 !== false) void import('../io/hdf5.js').catch(() => undefined);
        let res: SweepResult;
        let stopRequests = 0;
        // A handler runs only when the event loop is free, and a kernel compile (Dawn compiles on
        // this thread) or a GPU block holds it for seconds: wherever no handler is listening, Ctrl-C
        // has its default action and ends the process at once. That is after the first Ctrl-C
        // (the second quits at once) and during the compile (no block is finished yet).
        const listen = (on: boolean) => {
          for (const signal of ['SIGINT', 'SIGTERM'] as const) {
            process.off(signal, onSigint);
            if (on) process.on(signal, onSigint);
          }
        };
        const onSigint = () => {
          stopRequests++;
          listen(false);
          process.stderr.write('\nqbsweep: interrupted: finishing the current block (Ctrl-C again to quit at once; finished blocks are saved)\n');
        };
        listen(true);
        try {
          const integrator = (opts.integrator as string | undefined) ?? (backend.name === 'cpu' ? 'expm' : 'leap');
          const block = blockOpt ?? blockPointsFor(backend, spec);
          // before anything is created: a refusal for size or for a backend without time grids leaves nothing behind
          checkTimeGrids(spec, backend);
          checkResultMemory(range[1] - range[0], outputColumns(spec.outputs, spec.point.system.stateDim).length, backend.precision, undefined, spec.times?.n ?? 0);
          const state = new RunState(dir, stem, {
            spec_hash: specHash(spec),
            backend: backend.name,
            precision: backend.precision,
            integrator,
            dt: dt ?? null,
            range,
            block_points: block,
            columns: outputColumns(spec.outputs, spec.point.system.stateDim),
          }, note, spec.times ? timeValues(spec.times) : undefined);
          if (opts.resume && !state.exists()) {
            const done = await finishedRun(dir, stem, { spec_hash: specHash(spec), backend: backend.name, integrator, dt: dt ?? null, range });
            if (done.complete) {
              note(`--resume: ${stem} is already complete in ${dir} (${done.files.join(', ')}: checksums verified); nothing to do`);
              return;
            }
            if (done.why) note(`--resume: ${done.why}; computing it again`);
          }
          const { resumedBlocks } = state.open(Boolean(opts.resume));
          if (opts.resume) note(resumedBlocks ? `resuming: ${resumedBlocks} finished block(s) in ${state.dir}` : `--resume: nothing to resume in ${state.dir}, starting afresh`);
          const progress = new Progress(stem, range[1] - range[0], process.stderr, quiet);
          res = await runSweep(spec, {
            backend,
            integrator,
            dt,
            // checked in writeResult, while the pictures render on their thread
            check: 0,
            range,
            blockPoints: block,
            loadBlock: state.loadBlock,
            onBlock: state.saveBlock,
            shouldStop: () => stopRequests > 0,
            onProgress: (d, _total, loaded) => progress.update(d, loaded),
            onCompile: (phase, seconds) => {
              if (!stopRequests) listen(phase === 'done');
              compileReporter(backend, quiet, () => progress.restart())(phase, seconds);
            },
          });
          progress.finish(res.done, res.seconds.compute);
          const nCheck = check ?? (backend.precision === 'float32' ? DEFAULT_CHECK_POINTS : 0);
          const tw = performance.now();
          if (!quiet) process.stderr.write(`qbsweep: writing the files${nCheck && res.done ? ` and checking ${Math.min(nCheck, res.done)} points in float64` : ''} ... `);
          const files = await writeResult(res, dir, { png: opts.png !== false, h5: opts.h5 !== false, stem, shard, pictureWorker, check: nCheck }).catch((e: unknown) => {
            if (!quiet) process.stderr.write('\n'); // the failure gets a line of its own
            throw e;
          });
          if (!quiet) process.stderr.write(`done in ${fmtSecs((performance.now() - tw) / 1000)}\n`);
          const complete = res.done === res.count && !res.error && !res.stopped;
          if (complete) state.finish();
          note(`wrote ${files.join(', ')}`);
          // performance.now() counts from the process's start: Node's own start-up included
          note(`total ${fmtSecs(performance.now() / 1000)} wall (${res.seconds.compile !== undefined ? `compile ${fmtSecs(res.seconds.compile)}, ` : ''}computing ${fmtSecs(res.seconds.compute)}, files and check ${fmtSecs((performance.now() - tw) / 1000)})`);
          reportCrossCheck(res, quiet);
          if (res.stopped) {
            process.stderr.write(`qbsweep: stopped after ${res.done} of ${res.count} points; the finished blocks are saved in ${state.dir}: run the same command with --resume to finish\n`);
            process.exitCode = 130;
          } else if (res.error) {
            throw new Error(`${res.error.message}; the ${res.done} finished points are in ${files[0]}, and --resume continues from the saved blocks in ${state.dir}`);
          }
        } finally {
          pictureWorker?.close();
          listen(false);
          await backend.close();
        }
      }),
    );
}
