// Nothing lost, nothing wrong (issue 13): every damaged file of issue 13, made for real, must be
// refused (merge: one line, exit 2) or recomputed (resume: said so), never read as data; a full
// disk (a real small tmpfs) names the file, keeps the finished blocks and --resume continues.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicLineWriter, StorageError, writeFileAtomic } from '../../src/io/atomic.js';
import { DamagedFileError, readFlatH5 } from '../../src/io/hdf5.js';
import { REPO, expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-integrity-'));
const SPEC = {
  name: 't',
  base: { reservoir: 'boson', T1: 1, T2: 1, tau: 200 },
  axes: [{ param: 'F', from: 0.2, to: 1, n: 4 }, { param: 'Delta', from: -2, to: 2, n: 64 }],
  outputs: ['efficiency', 'E_B_over_omega'],
};
const work = tmp();
const specFile = join(work, 'spec.json');
writeFileSync(specFile, JSON.stringify(SPEC));
const args = (out: string, ...more: string[]) => ['sweep', '--spec', specFile, '--backend', 'cpu', '--threads', '1', '--block-points', '16', '--no-png', '--out', out, ...more];
let reference = '';

function flipped(buf: Buffer, at: number, n: number): Buffer {
  const out = Buffer.from(buf);
  for (let i = at; i < Math.min(at + n, out.length); i++) out[i] ^= 0x5a;
  return out;
}

/** Flips 200 bytes inside the stored data of an HDF5 file (found by trying: the layout is HDF5's business). */
async function flipDataBytes(path: string): Promise<void> {
  const orig = readFileSync(path);
  const probe = `${path}.probe`;
  for (let at = 0; at < orig.length; at += 256) {
    writeFileSync(probe, flipped(orig, at, 64));
    const e = await readFlatH5(probe).then(() => undefined, (err: Error) => err);
    if (e && /data checksum mismatch/.test(e.message)) {
      writeFileSync(path, flipped(orig, at, 200));
      rmSync(probe);
      return;
    }
  }
  throw new Error(`no data bytes found in ${path}`);
}

const parts = (out: string) => (existsSync(join(out, '.t.parts')) ? readdirSync(join(out, '.t.parts')).filter((f) => /^part-\d+\.h5$/.test(f)).sort() : []);

beforeAll(() => {
  const out = join(work, 'ref');
  const r = runCli(args(out, '--quiet'));
  expect(r.code, r.stderr).toBe(0);
  reference = readFileSync(join(out, 't.csv'), 'utf8');
});

describe('resume after kill -9 with damaged parts and a damaged progress.json', () => {
  it('recomputes the damaged blocks, says so, keeps the good ones, and ends with the exact result', async () => {
    const out = tmp();
    // kill -9 once a few blocks are on disk
    const child = spawn(process.execPath, [join(REPO, 'bin/qbsweep.js'), ...args(out, '--quiet')], { cwd: REPO, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (parts(out).length >= 4 || child.exitCode !== null) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });
    child.kill('SIGKILL');
    await exited;
    const before = parts(out);
    expect(before.length, 'the run finished before it could be killed').toBeGreaterThanOrEqual(4);
    expect(existsSync(join(out, 't.csv'))).toBe(false);
    // the damage of issue 13: bytes flipped inside one part, another cut short, progress.json truncated
    await flipDataBytes(join(out, '.t.parts', before[0]));
    truncateSync(join(out, '.t.parts', before[1]), 3000);
    const progress = join(out, '.t.parts', 'progress.json');
    truncateSync(progress, Math.floor(statSync(progress).size / 2));
    const r = runCli(args(out, '--resume'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/HDF5-DIAG|\n\s+at /);
    expect(r.stderr).toMatch(/progress\.json is damaged .*continuing from the parts on disk/);
    expect(r.stderr).toMatch(new RegExp(`${before[0].replace('.', '\\.')} is damaged or incomplete \\(data checksum mismatch: stored \\w+, read \\w+\\): recomputing points 0\\.\\.15`));
    expect(r.stderr).toMatch(new RegExp(`${before[1].replace('.', '\\.')} is damaged or incomplete \\(truncated file.*recomputing points 16\\.\\.31`));
    expect(r.stderr).toMatch(new RegExp(`resuming: ${before.length} finished block`));
    expect(readFileSync(join(out, 't.csv'), 'utf8')).toBe(reference);
  }, 120_000);
});

describe('--resume of a finished run', () => {
  it('does nothing and says so; a damaged result file is computed again', () => {
    const out = tmp();
    expect(runCli(args(out, '--quiet')).code).toBe(0);
    const mtime = statSync(join(out, 't.csv')).mtimeMs;
    const r = runCli(args(out, '--resume'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--resume: t is already complete in .* \(t\.csv, t\.h5, t\.json: checksums verified\); nothing to do/);
    expect(statSync(join(out, 't.csv')).mtimeMs).toBe(mtime);
    appendFileSync(join(out, 't.csv'), '1,2,3\n');
    const again = runCli(args(out, '--resume'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/t\.csv does not match the checksum in t\.json \(damaged\); computing it again/);
    expect(readFileSync(join(out, 't.csv'), 'utf8')).toBe(reference);
  }, 120_000);
});

describe('merge verifies every shard file', () => {
  const shards = tmp();
  beforeAll(async () => {
    const rs = await Promise.all(['0/2', '1/2'].map((s) => runCliAsync(args(shards, '--shard', s, '--quiet'))));
    for (const r of rs) expect(r.code, r.stderr).toBe(0);
  });

  it('merges good shards exactly', () => {
    const out = tmp();
    const r = runCli(['merge', shards, '--out', out, '--no-png', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(out, 't.csv'), 'utf8')).toBe(reference);
  });

  it('reads no flipped byte anywhere in a shard as data: each is refused or changes nothing', async () => {
    const path = join(shards, 't.shard-0-of-2.h5');
    const orig = readFileSync(path);
    const good = await readFlatH5(path);
    const probe = join(tmp(), 'probe.h5');
    const seen = new Set<string>();
    for (let at = 0; at < orig.length; at += 320) {
      writeFileSync(probe, flipped(orig, at, 64));
      try {
        const r = await readFlatH5(probe);
        expect(r.sha256, `flip at ${at}`).toBe(good.sha256);
        expect(Array.from(r.values.efficiency)).toEqual(Array.from(good.values.efficiency));
        seen.add('unchanged');
      } catch (e) {
        expect(e, `flip at ${at}`).toBeInstanceOf(DamagedFileError);
        seen.add(/checksum mismatch/.test((e as Error).message) ? 'checksum' : 'structure');
      }
    }
    expect([...seen].sort()).toEqual(['checksum', 'structure', 'unchanged']);
    // a short read
    writeFileSync(probe, orig.subarray(0, orig.length - 100));
    await expect(readFlatH5(probe)).rejects.toThrowError(/probe\.h5 is damaged or incomplete \(truncated file/);
  }, 60_000);

  it('refuses a shard .h5 with flipped bytes: one line naming it, exit 2', async () => {
    const dir = tmp();
    cpSync(shards, dir, { recursive: true });
    await flipDataBytes(join(dir, 't.shard-0-of-2.h5'));
    const out = tmp();
    expectOneLineError(runCli(['merge', dir, '--out', out, '--quiet']), /^qbsweep: merge: .*t\.shard-0-of-2\.h5 is damaged or incomplete \(.*\): rerun shard 0 of 2/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a shard .h5 of another spec beside the manifest (a rerun that died between .h5 and .json)', () => {
    const other = tmp();
    const otherSpec = join(other, 'spec.json');
    writeFileSync(otherSpec, JSON.stringify({ ...SPEC, base: { ...SPEC.base, alpha1: 0.2 } }));
    expect(runCli(['sweep', '--spec', otherSpec, '--backend', 'cpu', '--threads', '1', '--no-png', '--quiet', '--shard', '1/2', '--out', other]).code).toBe(0);
    const dir = tmp();
    cpSync(shards, dir, { recursive: true });
    cpSync(join(other, 't.shard-1-of-2.h5'), join(dir, 't.shard-1-of-2.h5'));
    expectOneLineError(runCli(['merge', dir, '--out', tmp(), '--quiet']), /^qbsweep: merge: t\.shard-1-of-2\.h5 does not belong to t\.shard-1-of-2\.json \(spec hash \w+ vs \w+\): rerun shard 1 of 2/);
    // the same data under a manifest that records another checksum
    const dir2 = tmp();
    cpSync(shards, dir2, { recursive: true });
    const mf = join(dir2, 't.shard-1-of-2.json');
    const m = JSON.parse(readFileSync(mf, 'utf8'));
    m.data_sha256 = '0'.repeat(64);
    writeFileSync(mf, JSON.stringify(m));
    expectOneLineError(runCli(['merge', dir2, '--out', tmp(), '--quiet']), /does not belong to t\.shard-1-of-2\.json \(data checksum \w+ vs 000000000000\)/);
  });
});

// a real full disk: a small tmpfs (root only: mount needs it)
const root = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
describe.skipIf(!root)('a full disk (a 40 KiB tmpfs)', () => {
  const mnt = mkdtempSync(join(tmpdir(), 'qbsweep-full-'));
  let mounted = false;
  beforeAll(() => {
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=40k', 'tmpfs', mnt]).status === 0;
    if (!mounted && process.env.CI) throw new Error(`CI=true, root, but mount -t tmpfs ${mnt} failed`);
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });

  it('names the file, keeps the finished blocks, renames nothing broken into place; --resume continues once there is space', () => {
    if (!mounted) return;
    const r = runCli(args(mnt));
    expect(r.code, r.stderr).toBe(2);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(/^qbsweep: cannot write .*\.t\.parts\/part-\d+\.h5: no space left on device; the finished blocks are kept: free some space, then run the same command with --resume to continue$/);
    expect(r.stderr).not.toMatch(/HDF5-DIAG|\n\s+at /);
    const kept = parts(mnt);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(mnt, '.t.parts')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(spawnSync('mount', ['-o', 'remount,size=400k', mnt]).status).toBe(0);
    const resumed = runCli(args(mnt, '--resume'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming: ${kept.length} finished block`));
    expect(resumed.stderr).not.toMatch(/damaged/);
    expect(readFileSync(join(mnt, 't.csv'), 'utf8')).toBe(reference);
  }, 120_000);

  it('a plain or streamed file write on a full disk raises a StorageError and leaves neither the file nor its temporary', async () => {
    if (!mounted) return;
    const dir = join(mnt, 'fill');
    mkdirSync(dir);
    expect(() => writeFileAtomic(join(dir, 'filler'), new Uint8Array(1 << 20))).toThrowError(StorageError);
    expect(() => writeFileAtomic(join(dir, 'x.json'), 'x'.repeat(1 << 20))).toThrowError(/cannot write .*x\.json: no space left on device/);
    expect(readdirSync(dir)).toEqual([]);
    // a streamed file (the CSV writer): the failed write rejects commit, it does not crash the process
    const w = new AtomicLineWriter(join(dir, 'x.csv'));
    const line = 'y'.repeat(1000);
    await expect(
      (async () => {
        for (let k = 0; k < 2000; k++) await w.write(line);
        await w.commit();
      })(),
    ).rejects.toThrowError(/^cannot write .*x\.csv: no space left on device/);
    await w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
