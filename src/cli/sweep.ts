// `qbsweep sweep`: a phase diagram over up to 3 axes -> DIR/NAME.csv, NAME.json, NAME.png.

import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../model/params.js';
import { type ChosenBackend, SWEEP_BACKENDS, createBackend } from '../backends/select.js';
import { ADAPTER_CHOICES } from '../backends/webgpu/nodeDevice.js';
import { writeFileAtomic } from '../io/atomic.js';
import { writeCsv } from '../io/csv.js';
import { buildManifest } from '../io/manifest.js';
import { Progress } from '../io/progress.js';
import { sweepPng } from '../io/sweepFigure.js';
import { OUTPUT_KEYS } from '../sweep/outputs.js';
import { Grid } from '../sweep/grid.js';
import { CPU_INTEGRATORS } from '../backends/cpu/backend.js';
import { GPU_INTEGRATORS } from '../backends/webgpu/backend.js';
import { PRESETS, preset } from '../sweep/presets.js';
import { type SweepResult, runSweep } from '../sweep/run.js';
import { type ResolvedSpec, type SweepSpec, applyGrid, resolveSpec } from '../sweep/spec.js';
import { action, parseNumber, parsePositiveInt, readJsonInput } from './common.js';

/** --spec or --preset, with --grid and --outputs applied. */
export function specFromOptions(opts: Record<string, unknown>): ResolvedSpec {
  if ((opts.spec === undefined) === (opts.preset === undefined)) throw new InputError('give exactly one of --spec FILE and --preset NAME');
  let spec: SweepSpec = opts.preset !== undefined ? preset(String(opts.preset)) : (readJsonInput('--spec', String(opts.spec)) as SweepSpec);
  if (opts.grid !== undefined) {
    if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.axes)) resolveSpec(spec);
    spec = applyGrid(spec, String(opts.grid));
  }
  if (opts.outputs !== undefined) spec = { ...spec, outputs: String(opts.outputs).split(',').map((s) => s.trim()).filter(Boolean) };
  if (opts.name !== undefined) spec = { ...spec, name: String(opts.name) };
  return resolveSpec(spec);
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('--spec <file>', 'sweep spec JSON: {name, base: {point params}, axes: [{param, from, to, n} | {param, values}], outputs}; "-" reads stdin')
    .option('--preset <name>', `one of the paper's diagrams: ${Object.entries(PRESETS).map(([k, v]) => `${k} (${v.description?.split(':')[0]})`).join(', ')}`)
    .option('--grid <NxM>', 'resolution: N points along x (the last axis), M along y (default 201x201 for presets)')
    .option('--outputs <list>', `comma-separated outputs (${OUTPUT_KEYS.join(', ')})`)
    .option('--integrator <name>', 'webgpu: leap (default) | rk4; cpu: expm (default, exact) | leap | rk4')
    .option('--dt <h>', 'RK4/leap step [1/lambda] (default per point: min(0.2, 1/||L||))')
    .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(' | ')} (default auto: hardware, else software)`)
    .option('--max-chunk <points>', 'at most this many points per GPU submission')
    .option('--threads <n>', 'cpu backend: worker threads (default: all cores)');
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
  if (integrator === undefined) return backend;
  const cpuOnly = (CPU_INTEGRATORS as string[]).includes(integrator) && !GPU_INTEGRATORS.includes(integrator);
  if (backend === 'auto' && cpuOnly) return 'cpu';
  const known = backend === 'cpu' ? (CPU_INTEGRATORS as string[]) : GPU_INTEGRATORS;
  if (!known.includes(integrator)) {
    throw new InputError(`option --integrator: ${JSON.stringify(integrator)} is not a${backend === 'cpu' ? ' cpu' : ' GPU'} integrator (expected ${known.join(', ')})`);
  }
  return backend;
}

export async function chooseBackend(name: string, opts: Record<string, unknown>, quiet: boolean): Promise<ChosenBackend> {
  const { maxChunk, threads } = runOptions(opts);
  const chosen = await createBackend({ backend: name, adapter: opts.adapter as string | undefined, engine: { maxChunk }, threads });
  if (!quiet) process.stderr.write(`qbsweep: ${chosen.why}\n`);
  return chosen;
}

export async function writeResult(res: SweepResult, dir: string, opts: { png: boolean; extra?: Record<string, unknown> }): Promise<string[]> {
  const name = res.spec.name;
  const files: string[] = [];
  const complete = res.done === res.spec.count && !res.error;
  const precision = (res.backend as { precision: 'float32' | 'float64' }).precision;
  // an interrupted run keeps its finished points under a name that cannot pass for a complete result
  const stem = complete ? name : `${name}.partial`;
  const csv = join(dir, `${stem}.csv`);
  await writeCsv(csv, res, precision);
  files.push(csv);
  if (complete && opts.png) {
    const png = join(dir, `${name}.png`);
    writeFileAtomic(png, await sweepPng(res, res.spec.plot ?? res.spec.outputs.find((o) => o !== 'rho') ?? res.columns[0]));
    files.push(png);
  }
  const json = join(dir, `${stem}.json`);
  files.push(json);
  writeFileAtomic(json, JSON.stringify(buildManifest(res, { files: files.map((f) => f.split('/').pop()), command: process.argv.slice(2).join(' '), ...opts.extra }), null, 2) + '\n');
  return files;
}

export function registerSweep(program: Command): void {
  const cmd = program
    .command('sweep')
    .summary('compute a phase diagram over up to 3 axes')
    .description(
      'Compute a dense phase diagram: every grid point is one GPU thread (WGSL) that builds its own 16x16 ' +
        'generator and evolves its density vector to tau; a sample of points is re-checked in float64.\n\n' +
        'Writes DIR/NAME.csv (one row per point: axis values, outputs, flags), DIR/NAME.json (manifest: spec, ' +
        'backend and adapter, versions, timings, precision) and DIR/NAME.png (heatmap panels).',
    );
  addRunOptions(cmd)
    .option('--backend <name>', `${SWEEP_BACKENDS.join(' | ')} (default auto: webgpu, else cpu)`)
    .option('--out <dir>', 'output directory (default out)')
    .option('--name <name>', 'output file stem (default: the spec name)')
    .option('--check <n>', 'float64 cross-check of n points of a GPU sweep, 0 to skip (default 24)')
    .option('--no-png', 'skip the picture')
    .option('--quiet', 'no progress or notes on stderr')
    .addHelpText(
      'after',
      '\nAxis params: any numeric point key (Delta1, Delta2, F, lambda, alpha1, alpha2, omega_c, T1, T2, mu1, mu2, tau) or\n' +
        'Delta, Delta_bar, T, Tbar, dT, mu, mubar, dmu, alpha, theta, phi. With 3 axes the first one makes panels;\n' +
        'the last axis is x. "relative_to": "Tbar" makes an axis a multiple of that parameter (fig9\'s dT).\n\n' +
        'Examples:\n' +
        '  qbsweep sweep --preset fig9 --out out/\n' +
        '  qbsweep sweep --preset fig10 --grid 128x128 --backend cpu --out out/\n' +
        '  qbsweep sweep --spec my-sweep.json --outputs efficiency,concurrence --out out/',
    )
    .action(
      action(async (opts: Record<string, unknown>) => {
        const spec = specFromOptions(opts);
        const { dt } = runOptions(opts);
        const check = opts.check !== undefined ? parseNumber('--check', String(opts.check)) : undefined;
        if (check !== undefined && !(Number.isInteger(check) && check >= 0)) throw new InputError(`option --check: must be a whole number >= 0 (got ${opts.check})`);
        const quiet = Boolean(opts.quiet);
        const dir = String(opts.out ?? 'out');
        const backendName = preflight(spec, String(opts.backend ?? 'auto'), opts.integrator as string | undefined);
        const { backend } = await chooseBackend(backendName, opts, quiet);
        const progress = new Progress(spec.name, spec.count, process.stderr, quiet);
        let res: SweepResult;
        try {
          res = await runSweep(spec, { backend, integrator: opts.integrator as string | undefined, dt, check, onProgress: (d) => progress.update(d) });
        } finally {
          await backend.close();
        }
        progress.finish(res.done);
        const files = await writeResult(res, dir, { png: opts.png !== false });
        if (!quiet) {
          if (res.check) {
            const worst = Object.entries(res.check.max_abs_diff).map(([c, d]) => `${c} ${d.value.toExponential(1)}`).join(', ');
            process.stderr.write(`qbsweep: float64 cross-check of ${res.check.points} points: max |diff| ${worst || 'n/a'}\n`);
          }
          process.stderr.write(`qbsweep: wrote ${files.join(', ')}\n`);
        }
        if (res.error) throw new Error(`${res.error.message}; the ${res.done} finished points are in ${files[0]}`);
      }),
    );
}
