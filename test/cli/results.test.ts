// Results never mix: a sweep refuses an output directory that holds another run's files under
// its stem (another spec, other pictures, a figure, files no manifest vouches for), unless
// --force, which removes all of them first and says so; a rerun of the same spec and --resume
// are allowed.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stemFiles } from '../../src/sweep/resultFiles.js';
import { expectOneLineError, runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'qbsweep-results-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sweep = (out: string, ...more: string[]) => runCli(['sweep', '--preset', 'fig9', '--grid', '3x2', '--backend', 'cpu', '--outputs', 'efficiency,concurrence', ...more, '--out', out]);
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
const listing = (d: string) => readdirSync(d).sort();

describe('results never mix', () => {
  it('another spec under the same stem is refused (nothing touched), then replaced whole with --force', () => {
    const out = join(root, 'a');
    const first = sweep(out, '--plot', 'efficiency,concurrence', '--quiet');
    expect(first.code, first.stderr).toBe(0);
    expect(listing(out)).toEqual(['fig9.concurrence.png', 'fig9.csv', 'fig9.h5', 'fig9.json', 'fig9.png']);
    const before = Object.fromEntries(listing(out).map((f) => [f, sha(join(out, f))]));
    // the README's second example wrote over the first and left its other picture beside it
    expectOneLineError(sweep(out, '--tau', '100'), /^qbsweep: option --out: .*\/a already holds fig9\.concurrence\.png, fig9\.csv, fig9\.h5, fig9\.json, fig9\.png of another run \(a sweep of another spec\); use another --out or --name, or add --force to remove them first$/);
    expect(Object.fromEntries(listing(out).map((f) => [f, sha(join(out, f))]))).toEqual(before);
    const forced = sweep(out, '--tau', '100', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/qbsweep: --force: removed fig9\.concurrence\.png, fig9\.csv, fig9\.h5, fig9\.json, fig9\.png of another run \(a sweep of another spec\) from /);
    expect(listing(out)).toEqual(['fig9.csv', 'fig9.h5', 'fig9.json', 'fig9.png']);
    expect(JSON.parse(readFileSync(join(out, 'fig9.json'), 'utf8')).spec.base.tau).toBe(100);
  });

  it('the same spec reruns in place and --resume finds it complete; other pictures of it are another run', () => {
    const out = join(root, 'b');
    expect(sweep(out, '--quiet').code).toBe(0);
    const again = sweep(out, '--quiet');
    expect(again.code, again.stderr).toBe(0);
    const resumed = sweep(out, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/--resume: fig9 is already complete/);
    expectOneLineError(sweep(out, '--plot', 'concurrence'), /already holds .* of another run \(a sweep of this spec with other pictures \(plot "default"\)\)/);
    expect(listing(out)).toEqual(['fig9.csv', 'fig9.h5', 'fig9.json', 'fig9.png']);
  });

  it('files no manifest vouches for (a partial result, a stray picture) are another run', () => {
    const out = join(root, 'c');
    expect(sweep(out, '--quiet', '--no-png').code).toBe(0);
    rmSync(join(out, 'fig9.json'));
    writeFileSync(join(out, 'fig9.partial.csv'), 'x\n');
    expectOneLineError(sweep(out), /already holds fig9\.csv, fig9\.h5, fig9\.partial\.csv of another run \(no manifest says which run they belong to\)/);
    const forced = sweep(out, '--force', '--no-png');
    expect(forced.code, forced.stderr).toBe(0);
    expect(listing(out)).toEqual(['fig9.csv', 'fig9.h5', 'fig9.json']);
  });

  it('merge refuses another run under the stem it writes, and replaces it with --force', () => {
    const shards = join(root, 'shards');
    const out = join(root, 'merged');
    expect(sweep(shards, '--quiet', '--shard', '0/2').code).toBe(0);
    expect(sweep(shards, '--quiet', '--shard', '1/2').code).toBe(0);
    expect(sweep(out, '--quiet', '--tau', '100', '--no-png').code).toBe(0);
    expectOneLineError(runCli(['merge', shards, '--out', out]), /^qbsweep: option --out: .* already holds fig9\.csv, fig9\.h5, fig9\.json of another run \(a sweep of another spec\)/);
    const forced = runCli(['merge', shards, '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'fig9.json'), 'utf8')).spec.base.tau).toBe(20000);
  });

  it("a stem's files are its own names only: fig9.x.png of a stem fig9.x is not fig9's", () => {
    const out = join(root, 'd');
    expect(sweep(out, '--quiet', '--name', 'fig9.x').code).toBe(0);
    expect(stemFiles(out, 'fig9')).toEqual([]);
    expect(stemFiles(out, 'fig9.x')).toEqual(['fig9.x.csv', 'fig9.x.h5', 'fig9.x.json', 'fig9.x.png']);
  });
});
