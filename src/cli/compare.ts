// `qbsweep compare`: the same sweep on two backends; per output the max and median |difference|,
// where the max is, and a non-zero exit above the engine's tolerances.

import type { Command } from 'commander';
import { InputError } from '../model/params.js';
import { compareResults, type Comparison } from '../sweep/compare.js';
import { type SweepResult, runSweep } from '../sweep/run.js';
import { GPU_TOLERANCE } from '../sweep/tolerance.js';
import { action } from './common.js';
import { addRunOptions, chooseBackend, preflight, runOptions, specFromOptions } from './sweep.js';
import { SWEEP_BACKENDS } from '../backends/select.js';
import { summary } from './common.js';

function fmt(x: number): string {
  return x === 0 ? '0' : x.toExponential(2);
}

export function formatComparison(cmp: Comparison, title: string): string {
  const lines = [title, ''];
  lines.push(`  ${'output'.padEnd(30)}${'max |diff|'.padStart(12)}${'median'.padStart(12)}${'max/tol'.padStart(10)}   worst at`);
  for (const c of cmp.columns) {
    const at = Object.entries(c.at).map(([k, v]) => `${k}=${+v.toPrecision(5)}`).join(' ');
    const ratio = c.tolerance === undefined && c.worstRatio === 0 ? '-' : c.worstRatio.toFixed(3);
    lines.push(`  ${c.column.padEnd(30)}${fmt(c.max).padStart(12)}${fmt(c.median).padStart(12)}${ratio.padStart(10)}   ${at}${c.pass ? '' : '   FAIL'}`);
  }
  const skipped = Object.entries(cmp.skipped).map(([c, n]) => `${c} ${n}`).join(', ');
  if (skipped) lines.push('', `  left out (degenerate, non-finite or NaN in either run): ${skipped}`);
  lines.push(
    '',
    `  tolerances: ${GPU_TOLERANCE.stationary} where |gap| tau >= ${GPU_TOLERANCE.stationaryDecays}, ${GPU_TOLERANCE.transient} elsewhere; concurrence ${GPU_TOLERANCE.concurrence}; gap ${GPU_TOLERANCE.gapRelative} x max |eigenvalue|; charging curves 1e-4 (concurrence 1e-3); none below float32's 2^-24 x max |eigenvalue| / |gap| (near-bistable points)`,
    `  result: ${cmp.pass ? 'within tolerance' : 'ABOVE TOLERANCE'} (${cmp.points} points)`,
  );
  return lines.join('\n') + '\n';
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .summary(summary('compare'))
    .description(
      'Run the same spec or preset on two backends (default webgpu against the float64 cpu reference) and ' +
        'print, per output, the max and median |difference| and the point of the max. Exits 1 when any ' +
        'output is above the engine tolerance.',
    );
  addRunOptions(cmd)
    .option('--backends <a,b>', 'the backend to check, then the reference (default webgpu,cpu)')
    .option('--ref-integrator <name>', "the reference's integrator (default: its own; cpu: expm, the exact exponential)")
    .option('--times <from:to:n>', "also every point's charging curve on this time grid, compared at every time (as sweep --times)")
    .option('--json', 'print the comparison as JSON')
    .addHelpText('after', '\nExamples:\n  qbsweep compare --preset fig9 --grid 32x32\n  qbsweep compare --preset fig11 --grid 16x16 --times 0:100:201')
    .action(
      action(async (opts: Record<string, unknown>) => {
        const spec = specFromOptions(opts);
        const names = String(opts.backends ?? 'webgpu,cpu').split(',').map((s) => s.trim());
        if (names.length !== 2) throw new InputError(`option --backends: give two backends, e.g. webgpu,cpu (got ${opts.backends})`);
        const { dt } = runOptions(opts);
        if (!(SWEEP_BACKENDS as readonly string[]).includes(names[0]) || !(SWEEP_BACKENDS as readonly string[]).includes(names[1])) {
          throw new InputError(`option --backends: unknown backend in ${JSON.stringify(opts.backends)} (expected two of ${SWEEP_BACKENDS.join(', ')})`);
        }
        preflight(spec, names[0], opts.integrator as string | undefined);
        preflight(spec, names[1], opts.refIntegrator as string | undefined);
        const results: SweepResult[] = [];
        for (const [i, name] of names.entries()) {
          const { backend } = await chooseBackend(name, opts, false);
          try {
            // --integrator (and --dt) set the checked backend; the reference keeps its own default (cpu: exact expm)
            const integrator = (i === 0 ? opts.integrator : opts.refIntegrator) as string | undefined;
            const res = await runSweep(spec, { backend, integrator, dt: i === 0 || opts.refIntegrator !== undefined ? dt : undefined, check: 0, extraColumns: ['liouvillian_gap', '_spectral_radius', 'E_B_over_omega', 'steady.E_B_over_omega'] });
            if (res.error) throw res.error;
            results.push(res);
          } finally {
            await backend.close();
          }
        }
        const cmp = compareResults(results[0], results[1], results[0].columns.filter((c) => spec.outputs.includes(c) || c.startsWith('rho_')));
        const title = `qbsweep compare: ${spec.name}, ${spec.count} points: ${names[0]} (${results[0].integrator}) against ${names[1]} (${results[1].integrator})`;
        if (opts.json) process.stdout.write(JSON.stringify({ title, ...cmp }, null, 2) + '\n');
        else process.stdout.write(formatComparison(cmp, title));
        if (!cmp.pass) process.exitCode = 1;
      }),
    );
}
