// Runs the real `qbsweep` command (bin/qbsweep.js -> dist/, built by the globalSetup), as a user would.

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/qbsweep.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], input?: string, env: Record<string, string> = {}, timeout = 600_000): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asynchronous variant, for running several commands at once. */
export function runCliAsync(args: string[], input?: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A user mistake: exit status 2, one line on stderr naming the problem, nothing on stdout, no stack trace. */
export function expectOneLineError(r: CliResult, pattern: RegExp): void {
  const lines = r.stderr.trim().split('\n');
  if (r.code !== 2) throw new Error(`expected exit 2, got ${r.code}; stderr: ${r.stderr}`);
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${r.stderr}`);
  if (!pattern.test(lines[0])) throw new Error(`stderr ${JSON.stringify(lines[0])} does not match ${pattern}`);
  if (/\n\s+at /.test(r.stderr)) throw new Error('stack trace on stderr');
  if (r.stdout !== '') throw new Error(`expected no stdout, got ${r.stdout.slice(0, 200)}`);
}
