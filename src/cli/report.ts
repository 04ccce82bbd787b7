// How a run's outcome is told on stderr, the same for every command that runs points
// (sweep, merge, point).

import { type SweepResult, crossCheckSummary } from '../sweep/run.js';

/**
 * The cross-check's verdict as the last word of a run: a pass is a note, a failure one loud line
 * on stderr (even with --quiet) and exit status 3; the files are written and marked failed.
 */
export function reportCrossCheck(res: Pick<SweepResult, 'check'>, quiet: boolean, consequence = 'the files are written and marked "cross_check": "failed"'): void {
  if (!res.check) return;
  const line = crossCheckSummary(res.check);
  if (res.check.pass) {
    if (!quiet) process.stderr.write(`qbsweep: ${line}\n`);
    return;
  }
  process.stderr.write(`qbsweep: WARNING: ${line}; ${consequence} (exit 3)\n`);
  if (!process.exitCode) process.exitCode = 3;
}
