// `qbsweep figure ID... --out DIR`: the paper's figures (data CSV, manifest JSON, PNG laid out
// as in the paper), with the time each took.

import type { Command } from 'commander';
import { checkOutputDir } from '../io/atomic.js';
import { SWEEP_BACKENDS } from '../backends/select.js';
import { ADAPTER_CHOICES } from '../backends/webgpu/nodeDevice.js';
import { fmtSecs } from '../io/progress.js';
import { InputError } from '../model/params.js';
import { FigureContext, PAPER_RESOLUTION } from '../figures/context.js';
import { ALIASES, EXTRA_FIGURES, FIGURES, resolveFigureIds } from '../figures/index.js';
import { figureStem, produceFigure } from '../figures/output.js';
import { claimStem } from '../sweep/resultFiles.js';
import { action, parsePositiveInt } from './common.js';
import { summary } from './common.js';

export function parseGridOption(text: string): [number, number] {
  const m = /^(\d+)(?:x(\d+))?$/.exec(text.trim());
  if (!m) throw new InputError(`option --grid: expected NxM, e.g. 201x201 (got ${JSON.stringify(text)})`);
  const nx = Number(m[1]);
  const ny = Number(m[2] ?? m[1]);
  if (nx < 2 || ny < 2) throw new InputError(`option --grid: sizes must be >= 2 (got ${text})`);
  return [nx, ny];
}

export function registerFigure(program: Command): void {
  program
    .command('figure')
    .summary(summary('figure'))
    .description(
      "Reproduce figures of Wang, Yu & Wang (2023): each writes DIR/figure-ID.csv (the data), DIR/figure-ID.json (manifest: " +
        'parameters, backend, timings, flags, the numbers shown) and DIR/figure-ID.png (laid out as the paper\'s figure); ' +
        'with --steady DIR/figure-ID-steady.*.\n\n' +
        `Figures:\n${[...FIGURES, ...EXTRA_FIGURES].map((f) => `  ${f.id.padEnd(5)} ${f.title}`).join('\n')}\n` +
        `  ${Object.entries(ALIASES).map(([k, v]) => `${k} = ${v.join(' + ')}`).join(', ')}; all = every figure\n\n` +
        'Values are rho(tau) at tau = 20000/lambda, as in the paper; points where that is not stationary are marked ' +
        '(grey band on curves, hatching on maps). --steady plots the exact long-time limit instead.',
    )
    .argument('<id...>', 'figure ids (2a 2b 2c 3 4 5 6 7a 7b 8 9 10 11 eq4), 2, 7 or all')
    .option('--out <dir>', 'output directory (default out)')
    .option('--backend <name>', `${SWEEP_BACKENDS.join(' | ')} (default auto: webgpu, else cpu)`)
    .option('--steady', 'plot the exact long-time limit instead of the value at tau = 20000')
    .option('--grid <NxM>', `heatmap resolution (default ${PAPER_RESOLUTION.mapGrid.join('x')}, the paper's)`)
    .option('--points <n>', `points per curve (default ${PAPER_RESOLUTION.curvePoints})`)
    .option('--adapter <name>', `WebGPU adapter: ${ADAPTER_CHOICES.join(' | ')}`)
    .option('--threads <n>', 'cpu backend: worker threads (default: all cores)')
    .option('--force', "remove another run's files of the same name in --out first (otherwise refused)")
    .option('--quiet', 'print nothing but errors')
    .addHelpText('after', '\nExamples:\n  qbsweep figure all --out out/\n  qbsweep figure 9 --out out/ --backend cpu --grid 64x64\n  qbsweep figure 5 6 --steady --out out/')
    .action(
      action(async (ids: string[], opts: Record<string, unknown>) => {
        const defs = resolveFigureIds(ids);
        const quiet = Boolean(opts.quiet);
        const log = (line: string) => {
          if (!quiet) process.stderr.write(`${line}\n`);
        };
        const dir = String(opts.out ?? 'out');
        const backend = String(opts.backend ?? 'auto');
        if (!(SWEEP_BACKENDS as readonly string[]).includes(backend)) throw new InputError(`option --backend: unknown backend ${JSON.stringify(backend)} (expected ${SWEEP_BACKENDS.join(', ')})`);
        const figOpts = {
          steady: Boolean(opts.steady),
          curvePoints: opts.points !== undefined ? parsePositiveInt('--points', String(opts.points)) : PAPER_RESOLUTION.curvePoints,
          mapGrid: opts.grid !== undefined ? parseGridOption(String(opts.grid)) : PAPER_RESOLUTION.mapGrid,
        };
        if (figOpts.curvePoints < 3) throw new InputError('option --points: at least 3 points per curve');
        // before any computing: a figure that cannot be written is refused now, not after minutes
        checkOutputDir('--out', dir);
        for (const def of defs) claimStem(dir, figureStem(def, figOpts.steady), { kind: 'figure', figure: def.id }, { force: Boolean(opts.force), note: log });
        const threads = opts.threads !== undefined ? parsePositiveInt('--threads', String(opts.threads)) : undefined;
        const ctx = FigureContext.withBackendName(figOpts, backend, log, { adapter: opts.adapter as string | undefined, threads });
        const command = ['figure', ...process.argv.slice(3)].join(' ');
        const t0 = performance.now();
        try {
          for (const [i, def] of defs.entries()) {
            const stem = figureStem(def, figOpts.steady);
            log(`${stem}: computing${defs.length > 1 ? ` (${i + 1} of ${defs.length})` : ''} ...`);
            const w = await produceFigure(def, ctx, dir, command);
            const line = `${stem}: ${fmtSecs(w.seconds)} (${w.points.toLocaleString('en-US')} points) -> ${w.files[1]}`;
            log(line);
          }
        } finally {
          await ctx.close();
        }
        const total = (performance.now() - t0) / 1000;
        if (defs.length > 1) log(`total: ${fmtSecs(total)} for ${defs.length} figures`);
        if (ctx.failedChecks.length) {
          // loud even with --quiet, like sweep's
          for (const f of ctx.failedChecks) process.stderr.write(`qbsweep: WARNING: ${f}\n`);
          process.exitCode = 3;
        }
      }),
    );
}
