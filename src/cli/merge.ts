// `qbsweep merge`: shards of one sweep into the files a single run writes.

import type { Command } from 'commander';
import { mergeShards } from '../io/merge.js';
import { checkOutputDir } from '../io/atomic.js';
import { action } from './common.js';
import { writeResult } from './sweep.js';
import { reportCrossCheck } from './report.js';
import { summary } from './common.js';
import { claimStem } from '../sweep/resultFiles.js';
import { specHash } from '../io/state.js';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .summary(summary('merge'))
    .description(
      'Assemble the shards written by `qbsweep sweep --shard i/N` (or by Kubernetes Indexed Jobs / Slurm arrays) ' +
        'into NAME.csv, NAME.json, NAME.png and NAME.h5, exactly as one run on one machine writes them. ' +
        'Refuses shards of different specs, backends or shard counts, overlapping shards, gaps, and unfinished shards.',
    )
    .argument('<dirs...>', 'directories holding NAME.shard-i-of-N.{json,h5} (or the manifests themselves)')
    .option('--out <dir>', 'output directory (default out)')
    .option('--name <name>', 'the sweep to merge, when the directories hold shards of several')
    .option('--no-png', 'skip the picture')
    .option('--force', "remove another run's files of the same name in --out first (otherwise refused)")
    .option('--quiet', 'no notes on stderr')
    .addHelpText('after', '\nExample:\n  qbsweep merge /shared/run1 --out results/')
    .action(
      action(async (dirs: string[], opts: Record<string, unknown>) => {
        checkOutputDir('--out', String(opts.out ?? 'out'));
        const { result, shards } = await mergeShards(dirs, opts.name as string | undefined);
        const note = (line: string) => opts.quiet || process.stderr.write(`qbsweep: ${line}\n`);
        const plot = result.spec.plot === undefined ? undefined : [result.spec.plot].flat();
        claimStem(String(opts.out ?? 'out'), result.spec.name, { kind: 'sweep', specHash: specHash(result.spec), plot }, { force: Boolean(opts.force), note });
        const files = await writeResult(result, String(opts.out ?? 'out'), {
          png: opts.png !== false,
          extra: {
            merged_from: shards.map((s) => ({ shard: s.shard, range: s.range, manifest: s.path, timings: s.timings, machine: s.machine })),
          },
        });
        if (!opts.quiet) process.stderr.write(`qbsweep: merged ${shards.length} shards (${result.count} points): wrote ${files.join(', ')}\n`);
        reportCrossCheck(result, Boolean(opts.quiet));
      }),
    );
}
