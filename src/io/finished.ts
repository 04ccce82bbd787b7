// `--resume` of a run that already finished: its manifest (written last) names the run and the
// checksum of every file it wrote; when all of them match there is nothing to do.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSha256 } from './atomic.js';

export interface FinishedCheck {
  complete: boolean;
  files: string[];
  /** why a finished-looking run does not count (a damaged file, another spec); undefined when there is none */
  why?: string;
}

export async function finishedRun(
  dir: string,
  stem: string,
  run: { spec_hash: string; backend: string; integrator: string; dt: number | null; range: [number, number] },
): Promise<FinishedCheck> {
  const path = join(dir, `${stem}.json`);
  if (!existsSync(path)) return { complete: false, files: [] };
  let m: {
    complete?: boolean;
    spec_hash?: string;
    backend?: { backend?: string };
    integrator?: string;
    dt?: unknown;
    range?: { start: number; end: number };
    checksums?: Record<string, string>;
  };
  try {
    m = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { complete: false, files: [], why: `${path} is damaged` };
  }
  if (!m.complete || m.spec_hash !== run.spec_hash || m.backend?.backend !== run.backend || m.integrator !== run.integrator || (typeof m.dt === 'number' ? m.dt : null) !== run.dt) {
    return { complete: false, files: [], why: `${path} is another or an unfinished run` };
  }
  if (m.range && (m.range.start !== run.range[0] || m.range.end !== run.range[1])) return { complete: false, files: [], why: `${path} covers other points` };
  if (!m.checksums || !Object.keys(m.checksums).length) return { complete: false, files: [], why: `${path} has no checksums (written by an older qbsweep)` };
  for (const [file, sha] of Object.entries(m.checksums)) {
    const f = join(dir, file);
    if (!existsSync(f)) return { complete: false, files: [], why: `${f} is missing` };
    if (fileSha256(f) !== sha) return { complete: false, files: [], why: `${f} does not match the checksum in ${stem}.json (damaged)` };
  }
  return { complete: true, files: [...Object.keys(m.checksums), `${stem}.json`] };
}
