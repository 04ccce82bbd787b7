// `qbsweep bench`: points/s per backend and integrator for a preset, and the ratios to the CPU
// backend and to QuTiP 4.7 measured in the same run. Pipelines are compiled in a warm-up first.

import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { InputError, valuesByName } from '../model/params.js';
import { packagePath } from '../paths.js';
import { Grid } from '../sweep/grid.js';
import { SWEEP_BACKENDS, offCpuRefusal } from '../backends/select.js';
import type { SweepBackend } from '../backends/types.js';
import { deviceBytesPerPoint } from '../backends/webgpu/engine.js';
import { machineInfo, packageVersions } from '../io/manifest.js';
import { pointsRate } from '../io/progress.js';
import { preset } from '../sweep/presets.js';
import { probeBackend, runSweep } from '../sweep/run.js';
import { applyGrid, resolveSpec } from '../sweep/spec.js';
import { action } from './common.js';
import { chooseBackend, runOptions } from './sweep.js';
import { parseTimes } from './point.js';
import type { TimeGrid } from '../model/charging.js';
import { summary } from './common.js';

export interface BenchRow {
  backend: string;
  integrator: string;
  grid: string;
  points: number;
  seconds: number;
  points_per_s: number;
  ratio_to_cpu?: number;
  ratio_to_qutip?: number;
  adapter?: string;
  precision: string;
  compile_s?: number;
  /** webgpu: device memory per point of a leap run (engine.ts deviceBytesPerPoint) */
  device_bytes_per_point?: number;
}


async function measure(backend: SweepBackend, presetName: string, grid: string, integrator: string | undefined, dt: number | undefined, times?: TimeGrid): Promise<BenchRow> {
  const specOf = (g: string) => resolveSpec({ ...applyGrid(preset(presetName), g), ...(times ? { times } : {}) });
  const spec = specOf(grid);
  // warm-up: compiles the pipelines on a tiny grid (5x5 has Delta = 0, where the spectrum runs:
  // llvmpipe compiles a pipeline at its first dispatch); on the cpu backend, the measured grid
  // itself, so that the workers' JavaScript is optimised before the clock starts
  const tw = performance.now();
  await runSweep(specOf(backend.name === 'cpu' ? grid : '5x5'), { backend, integrator, dt, check: 0 });
  const compile = (performance.now() - tw) / 1000;
  const t0 = performance.now();
  const res = await runSweep(spec, { backend, integrator, dt, check: 0 });
  const seconds = (performance.now() - t0) / 1000;
  if (res.error) throw res.error;
  const info = backend.describe() as { adapter?: { description?: string; backend?: string } };
  return {
    backend: backend.name,
    integrator: res.integrator,
    grid,
    points: spec.count,
    seconds: +seconds.toFixed(3),
    points_per_s: pointsRate(spec.count / seconds),
    adapter: info.adapter ? `${info.adapter.description} [${info.adapter.backend}]` : undefined,
    precision: backend.precision,
    compile_s: +compile.toFixed(2),
    ...(backend.name === 'webgpu' ? { device_bytes_per_point: deviceBytesPerPoint(spec.point.system.stateDim) } : {}),
  };
}

/** The grids a measurement takes by default, by the preset system's qubits: the cost per point grows ~16x a qubit. */
const DEFAULT_GRIDS: Record<'webgpu' | 'rk4' | 'cpu' | 'qutip', Record<number, string>> = {
  webgpu: { 1: '256x256', 2: '256x256', 3: '16x16', 4: '4x4' },
  // rk4 time-steps all of tau = 20000: minutes a point beyond two qubits on a software adapter (--rk4-grid measures it)
  rk4: { 1: '8x8', 2: '8x8', 3: 'none', 4: 'none' },
  cpu: { 1: '24x24', 2: '24x24', 3: '8x8', 4: '3x3' },
  qutip: { 1: '8x8', 2: '8x8', 3: '4x4', 4: '2x2' },
};

const defaultGrids = (kind: keyof typeof DEFAULT_GRIDS) => `default ${DEFAULT_GRIDS[kind][2]}; ${DEFAULT_GRIDS[kind][3]} for three qubits, ${DEFAULT_GRIDS[kind][4]} for four`;

/**
 * QuTiP 4.7 on points of the same preset: scripts/reference/qutip_bench.py builds the
 * Bloch-Redfield tensor and its steady state per point (what a QuTiP user computes for a
 * long-time phase diagram), timed after a warm-up point, in the Python of `python`.
 */
function measureQutip(presetName: string, grid: string, python: string): BenchRow {
  const spec = resolveSpec(applyGrid(preset(presetName), grid));
  const g = new Grid(spec);
  const base = spec.point;
  const json = base.system.json as { reservoirs: Record<string, unknown>[] };
  // the point's `reservoir` sets every reservoir's statistics (fig10's fermions)
  const system = base.reservoir ? { ...json, reservoirs: json.reservoirs.map((r) => ({ ...r, statistics: base.reservoir })) } : json;
  const points = Array.from({ length: g.count }, (_, k) => valuesByName(g.point(k)));
  const script = packagePath('scripts/reference/qutip_bench.py');
  const r = spawnSync(python, [script, '--points-file', '-', '--json'], { input: JSON.stringify({ system, zero_freq: base.zero_freq, points }), encoding: 'utf8' });
  const missing = `(QuTiP 4.7 for Debian's python: apt-get install python3-qutip; another Python: --python PATH)`;
  if (r.error) throw new InputError(`option --backends: qutip runs ${python}, which cannot be started (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}) ${missing}`);
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n').pop() || `exit status ${r.status}`;
    throw new InputError(`option --backends: qutip: ${python} scripts/reference/qutip_bench.py failed: ${why} ${missing}`);
  }
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { points: number; seconds: number; machine: { qutip: string } };
  return {
    backend: 'qutip',
    integrator: 'steadystate',
    grid,
    points: res.points,
    seconds: +res.seconds.toFixed(3),
    points_per_s: pointsRate(res.points / res.seconds),
    adapter: `QuTiP ${res.machine.qutip}: bloch_redfield_tensor + steadystate per point`,
    precision: 'float64',
  };
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .summary(summary('bench'))
    .description(
      'Measure points/s of a preset sweep (all default outputs, parameters to CSV-ready columns) per backend and ' +
        'integrator, after a warm-up that compiles the kernels. The cpu backend runs a coarser grid of the same ' +
        'preset (its cost per point does not depend on the grid); the ratio to it is measured in the same run. ' +
        'rk4 time-steps all of tau, so it runs on its own small grid. qutip (python3 with QuTiP 4.7) times ' +
        "QuTiP's Bloch-Redfield tensor and steady state on points of the same preset (scripts/reference/qutip_bench.py); " +
        'every row gets its ratio to it.',
    )
    .option('--preset <name>', 'preset (default fig9)')
    .option('--grid <NxM>', `grid of the webgpu leap measurement (${defaultGrids('webgpu')})`)
    .option('--cpu-grid <NxM>', `grid of the cpu measurement (${defaultGrids('cpu')})`)
    .option('--qutip-grid <NxM>', `grid of the qutip measurement (${defaultGrids('qutip')})`)
    .option('--python <path>', 'the Python with QuTiP 4.7 that the qutip measurement runs (default /usr/bin/python3, Debian\'s)')
    .option('--rk4-grid <NxM>', `grid of the webgpu rk4 measurement, "none" to skip (${defaultGrids('rk4')})`)
    .option('--backends <list>', 'backends to measure: webgpu, cpu, browser, webgl, qutip (default webgpu,cpu; webgpu,cpu,qutip for a preset of 1, 3 or 4 qubits)')
    .option('--adapter <name>', 'WebGPU adapter (default auto)')
    .option('--threads <n>', 'cpu backend threads (default: all cores)')
    .option('--dt <h>', 'RK4/leap step (default per point)')
    .option('--times <from:to:n>', "also every point's charging curve on this time grid (sweep --times); rk4 is not measured then")
    .option('--json', 'print one JSON object per measurement (numeric points_per_s)')
    .action(
      action(async (opts: Record<string, unknown>) => {
        const presetName = String(opts.preset ?? 'fig9');
        preset(presetName);
        const { dt } = runOptions(opts);
        const times = opts.times !== undefined ? parseTimes(String(opts.times)) : undefined;
        const system = resolveSpec(preset(presetName)).point.system;
        const qubits = system.qubits;
        const backends = String(opts.backends ?? (qubits === 2 ? 'webgpu,cpu' : 'webgpu,cpu,qutip')).split(',').map((s) => s.trim());
        const benchable = [...SWEEP_BACKENDS.filter((b) => b !== 'auto'), 'qutip'];
        for (const b of backends) if (!benchable.includes(b)) throw new InputError(`option --backends: unknown backend ${JSON.stringify(b)} (expected ${benchable.join(', ')})`);
        if (times && backends.includes('qutip')) throw new InputError('option --times: the qutip measurement has no charging curves (its points are steady states); leave qutip out of --backends');
        // a backend that cannot run the preset's system says so before anything is measured
        for (const b of backends) {
          const why = b === 'qutip' ? undefined : offCpuRefusal(b, system);
          if (why) throw new InputError(`option --backends: ${b}: preset ${presetName}, system ${system.name}: ${why}; leave ${b} out of --backends`);
        }
        const rows: BenchRow[] = [];
        for (const name of backends) {
          if (name === 'qutip') {
            rows.push(measureQutip(presetName, String(opts.qutipGrid ?? DEFAULT_GRIDS.qutip[qubits]), String(opts.python ?? '/usr/bin/python3')));
            continue;
          }
          const { backend } = await chooseBackend(name, opts, Boolean(opts.json));
          try {
            // an adapter that cannot run the kernels of n > 2 (llvmpipe's loop budget at n = 4): said, and the others measured
            const failed = name !== 'cpu' && qubits > 2 ? await probeBackend(resolveSpec(applyGrid(preset(presetName), '2x2')), backend) : undefined;
            if (failed) {
              process.stderr.write(`qbsweep bench: ${name} not measured: ${failed.message.replace(/: use --backend cpu.*$/, '')}\n`);
              continue;
            }
            if (name === 'cpu') rows.push(await measure(backend, presetName, String(opts.cpuGrid ?? DEFAULT_GRIDS.cpu[qubits]), 'expm', dt, times));
            else {
              rows.push(await measure(backend, presetName, String(opts.grid ?? DEFAULT_GRIDS.webgpu[qubits]), 'leap', dt, times));
              // the webgl backend has no rk4 integrator; with a time grid the curves are the leap's whatever the integrator
              const rk4Grid = name === 'webgl' || times ? 'none' : String(opts.rk4Grid ?? DEFAULT_GRIDS.rk4[qubits]);
              if (rk4Grid !== 'none') rows.push(await measure(backend, presetName, rk4Grid, 'rk4', dt));
            }
          } finally {
            await backend.close();
          }
        }
        const cpu = rows.find((r) => r.backend === 'cpu');
        if (cpu) for (const r of rows) r.ratio_to_cpu = +(r.points_per_s / cpu.points_per_s).toFixed(2);
        const qutip = rows.find((r) => r.backend === 'qutip');
        if (qutip) for (const r of rows) r.ratio_to_qutip = +(r.points_per_s / qutip.points_per_s).toPrecision(3);
        if (opts.json) {
          process.stdout.write(JSON.stringify(rows.map((r) => ({ ...r, preset: presetName, ...(times ? { times } : {}), machine: machineInfo(), versions: packageVersions() })), null, 2) + '\n');
          return;
        }
        const m = machineInfo();
        const curves = times ? `, with charging curves at ${times.n} times ${times.from}..${times.to}` : '';
        const out = [`qbsweep bench: preset ${presetName}, tau = 20000${curves}; ${m.cpu}, ${m.cores} cores, ${m.memory_gib} GiB`, ''];
        // the ratio to QuTiP spans 0.01 (four qubits on the cpu) to thousands: two digits at least
        const xQutip = (r: BenchRow) => (qutip ? (r.ratio_to_qutip! >= 10 ? r.ratio_to_qutip!.toFixed(0) : r.ratio_to_qutip!.toPrecision(2)).padStart(9) : '');
        out.push(`  ${'backend'.padEnd(8)}${'integrator'.padEnd(12)}${'grid'.padEnd(11)}${'points'.padStart(9)}${'seconds'.padStart(10)}${'points/s'.padStart(12)}${'x cpu'.padStart(9)}${qutip ? 'x qutip'.padStart(9) : ''}   adapter`);
        for (const r of rows) {
          out.push(`  ${r.backend.padEnd(8)}${r.integrator.padEnd(12)}${r.grid.padEnd(11)}${String(r.points).padStart(9)}${r.seconds.toFixed(2).padStart(10)}${r.points_per_s.toLocaleString('en-US').padStart(12)}${(r.ratio_to_cpu === undefined ? '-' : r.ratio_to_cpu.toFixed(1)).padStart(9)}${xQutip(r)}   ${r.adapter ?? `float64, ${r.backend === 'cpu' ? 'worker threads' : ''}`}`);
        }
        const panels = preset(presetName).axes.length === 3 ? (preset(presetName).axes[0].values?.length ?? 1) : 1;
        // what one point takes on the device, said for a GPU asked for even where its adapter refused the kernels
        if (backends.includes('webgpu') || backends.includes('browser')) out.push('', `  WebGPU device memory per point (${qubits} qubits, leap): ${deviceBytesPerPoint(system.stateDim).toLocaleString('en-US')} bytes`);
        out.push('', `  (warm: kernels compiled, workers started and optimised before timing; grids are per panel, ${panels} panel${panels === 1 ? '' : 's'})`);
        process.stdout.write(out.join('\n') + '\n');
      }),
    );
}
