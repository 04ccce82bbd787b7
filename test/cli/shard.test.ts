// Beyond one machine: shards from the job engines' environments, merge, kill and resume,
// SIGINT, merge errors, and the HDF5 arrays read back by Python's h5py.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveShard, shardRange, shardStem } from '../../src/sweep/shard.js';
import { REPO, expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-shard-'));
const SPEC = ['--preset', 'fig11', '--grid', '7x5', '--backend', 'cpu', '--threads', '1', '--quiet'];

describe('shard indices', () => {
  it('split the grid into contiguous blocks that cover it exactly, the same everywhere', () => {
    for (const [total, n] of [[252, 3], [10, 4], [7, 7], [5, 8], [1_000_003, 16]]) {
      let next = 0;
      for (let i = 0; i < n; i++) {
        const [a, b] = shardRange(total, { index: i, count: n, source: 't' });
        expect(a).toBe(next);
        expect(b).toBeGreaterThanOrEqual(a);
        next = b;
      }
      expect(next).toBe(total);
    }
    expect(shardStem('fig9', { index: 3, count: 16, source: 't' })).toBe('fig9.shard-03-of-16');
  });
  it('come from --shard, Kubernetes or Slurm', () => {
    expect(resolveShard('2/5', undefined, {})).toEqual({ index: 2, count: 5, source: 'option --shard' });
    expect(resolveShard(undefined, '4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4, source: 'JOB_COMPLETION_INDEX' });
    expect(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '3' })).toEqual({ index: 2, count: 3, source: 'SLURM_ARRAY_TASK_ID' });
    expect(resolveShard(undefined, undefined, {})).toBeUndefined();
    // --shard wins over the environment
    expect(resolveShard('0/2', undefined, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' })?.index).toBe(0);
  });
  it('reject what cannot be a shard', () => {
    expect(() => resolveShard('3/3', undefined, {})).toThrowError(/shard index 3 is not below the number of shards 3/);
    expect(() => resolveShard('1-3', undefined, {})).toThrowError(/expected i\/N/);
    expect(() => resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '1' })).toThrowError(/give the number of shards with --shards N/);
    expect(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '1' })).toThrowError(/neither SLURM_ARRAY_TASK_COUNT nor --shards N/);
    expect(() => resolveShard('1/4', '3', {})).toThrowError(/disagree/);
  });
});

/** Runs the three shards of SPEC in parallel, each with the environment of `engine`. */
async function runShards(out: string, engine: 'slurm' | 'kubernetes'): Promise<void> {
  const runs = [0, 1, 2].map((i) => {
    const env: Record<string, string> =
      engine === 'slurm'
        ? { SLURM_ARRAY_TASK_ID: String(10 + i), SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_JOB_ID: '77' }
        : { JOB_COMPLETION_INDEX: String(i) };
    return runCliAsync(['sweep', ...SPEC, '--out', out, ...(engine === 'kubernetes' ? ['--shards', '3'] : [])], undefined, env);
  });
  for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
}

describe('sharded runs merge into exactly the single-machine result', () => {
  it('3 Slurm-array shards and 3 Kubernetes-indexed shards', async () => {
    const single = tmp();
    expect(runCli(['sweep', ...SPEC, '--out', single]).code).toBe(0);
    for (const engine of ['slurm', 'kubernetes'] as const) {
      const shards = tmp();
      await runShards(shards, engine);
      expect(readdirSync(shards).filter((f) => f.endsWith('.json')).sort()).toEqual(['fig11.shard-0-of-3.json', 'fig11.shard-1-of-3.json', 'fig11.shard-2-of-3.json']);
      const merged = tmp();
      const m = runCli(['merge', shards, '--out', merged]);
      expect(m.code, m.stderr).toBe(0);
      expect(m.stderr).toMatch(/merged 3 shards \(140 points\)/);
      expect(readFileSync(join(merged, 'fig11.csv'), 'utf8')).toBe(readFileSync(join(single, 'fig11.csv'), 'utf8'));
      const manifest = JSON.parse(readFileSync(join(merged, 'fig11.json'), 'utf8'));
      expect(manifest.complete).toBe(true);
      expect(manifest.merged_from.map((s: { shard: { index: number } }) => s.shard.index)).toEqual([0, 1, 2]);
      expect(existsSync(join(merged, 'fig11.png'))).toBe(true);
      expect(existsSync(join(merged, 'fig11.h5'))).toBe(true);
    }
  }, 300_000);

  it('merge refuses mismatched, overlapping and missing shards, with one clear line', async () => {
    const shards = tmp();
    await runShards(shards, 'kubernetes');
    // missing: shard 1 gone
    const missing = tmp();
    for (const i of [0, 2]) for (const ext of ['json', 'h5']) copyFileSync(join(shards, `fig11.shard-${i}-of-3.${ext}`), join(missing, `fig11.shard-${i}-of-3.${ext}`));
    expectOneLineError(runCli(['merge', missing, '--out', tmp()]), /merge: points 46\.\.92 of 140 are missing \(no shard covers them; expected 3 shards, found 2\)/);
    // overlapping: the same shard twice
    const dup = tmp();
    for (const ext of ['json', 'h5']) copyFileSync(join(shards, `fig11.shard-1-of-3.${ext}`), join(dup, `fig11.shard-1-of-3.${ext}`));
    expectOneLineError(runCli(['merge', shards, dup, '--out', tmp()]), /merge: shard 1 \(fig11\.shard-1-of-3\.json\) overlaps another: points 46\.\.92 are in two shards/);
    // mismatched: a shard of another spec (another grid) under the same name
    const other = tmp();
    expect(runCli(['sweep', '--preset', 'fig11', '--grid', '6x5', '--backend', 'cpu', '--threads', '1', '--quiet', '--shard', '1/3', '--out', other]).code).toBe(0);
    const mixed = tmp();
    for (const i of [0, 2]) for (const ext of ['json', 'h5']) copyFileSync(join(shards, `fig11.shard-${i}-of-3.${ext}`), join(mixed, `fig11.shard-${i}-of-3.${ext}`));
    for (const ext of ['json', 'h5']) copyFileSync(join(other, `fig11.shard-1-of-3.${ext}`), join(mixed, `fig11.shard-1-of-3.${ext}`));
    expectOneLineError(runCli(['merge', mixed, '--out', tmp()]), /merge: fig11\.shard-\d-of-3\.json and fig11\.shard-0-of-3\.json are shards of different runs \(.*spec_hash/);
    // nothing there
    expectOneLineError(runCli(['merge', tmp(), '--out', tmp()]), /merge: no shard manifests/);
  }, 300_000);
});

describe('runs survive interruptions', () => {
  it('killed outright mid-way, the rerun with --resume computes only what is missing and equals one clean run', async () => {
    const out = tmp();
    const args = ['sweep', '--preset', 'fig8', '--grid', '10x8', '--backend', 'cpu', '--block-points', '40', '--out', out];
    const child = spawn(process.execPath, [join(REPO, 'bin/qbsweep.js'), ...args], { cwd: REPO, stdio: 'ignore' });
    const parts = join(out, '.fig8.parts');
    // wait until at least two blocks are saved, then SIGKILL: no chance to clean up
    for (let t = 0; t < 600; t++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(parts) && readdirSync(parts).filter((f) => f.startsWith('part-')).length >= 2) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const saved = readdirSync(parts).filter((f) => f.startsWith('part-')).length;
    expect(saved).toBeGreaterThanOrEqual(2);
    expect(saved).toBeLessThan(8); // 320 points in blocks of 40: it was really stopped mid-way
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]); // no half-written result
    // without --resume: refused, nothing overwritten
    expectOneLineError(runCli(args), /an unfinished run of fig8 is in .*\.fig8\.parts: add --resume to continue it/);
    const r = runCli([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`resuming: ${saved} finished block\\(s\\)`));
    expect(existsSync(parts)).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, 'fig8.json'), 'utf8'));
    expect(manifest.range.resumed).toBe(saved * 40);
    const clean = tmp();
    expect(runCli(['sweep', '--preset', 'fig8', '--grid', '10x8', '--backend', 'cpu', '--out', clean, '--quiet']).code).toBe(0);
    expect(readFileSync(join(out, 'fig8.csv'), 'utf8')).toBe(readFileSync(join(clean, 'fig8.csv'), 'utf8'));
  }, 300_000);

  it('SIGINT stops after the current block, keeps it, and says how to resume', async () => {
    const out = tmp();
    const args = ['sweep', '--preset', 'fig10', '--grid', '8x8', '--backend', 'cpu', '--block-points', '32', '--out', out];
    const child = spawn(process.execPath, [join(REPO, 'bin/qbsweep.js'), ...args], { cwd: REPO });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const parts = join(out, '.fig10.parts');
    for (let t = 0; t < 600; t++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(parts) && readdirSync(parts).some((f) => f.startsWith('part-'))) break;
    }
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/interrupted: finishing the current block/);
    expect(stderr).toMatch(/stopped after \d+ of 256 points; the finished blocks are saved in .*: run the same command with --resume to finish/);
    expect(readdirSync(out).sort()).toEqual(['.fig10.parts', 'fig10.partial.csv', 'fig10.partial.json']);
    const r = runCli([...args, '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(out, 'fig10.csv'))).toBe(true);
    rmSync(out, { recursive: true });
  }, 300_000);
});

describe('the HDF5 arrays', () => {
  const python = '/usr/bin/python3';
  const h5py = spawnSync(python, ['-c', 'import h5py'], { encoding: 'utf8' });
  it('open in Python (h5py) with the values, dimension names and provenance of the run', (ctx) => {
    if (h5py.status !== 0) {
      if (process.env.CI) throw new Error(`CI=true but Debian's python3-h5py is missing: ${h5py.stderr}`);
      ctx.skip();
    }
    const out = tmp();
    expect(runCli(['sweep', '--preset', 'fig9', '--grid', '6x5', '--backend', 'cpu', '--outputs', 'efficiency,concurrence', '--out', out, '--quiet']).code).toBe(0);
    const csv = readFileSync(join(out, 'fig9.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const script = `
import h5py, json, sys
f = h5py.File(sys.argv[1], 'r')
d = f['efficiency']
print(json.dumps({
  'shape': d.shape, 'chunks': d.chunks, 'dimension_labels': 'DIMENSION_LABELS' in d.attrs,
  'scales': [list(x.keys()) for x in d.dims], 'Delta': f['Delta'][()].tolist(),
  'efficiency': d[()].ravel().tolist(), 'concurrence': f['concurrence'][()].ravel().tolist(),
  'spec': json.loads(f.attrs['spec'])['name'], 'relative_to': f['dT_over_Tbar'].attrs['relative_to'],
  'dtype': str(d.dtype)}))`;
    const r = spawnSync(python, ['-c', script, join(out, 'fig9.h5')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout);
    expect(got.shape).toEqual([4, 5, 6]);
    expect(got.chunks).toEqual([1, 5, 6]);
    expect(got.dimension_labels).toBe(false); // the attached scales name the dimensions
    expect(got.scales).toEqual([['Tbar'], ['dT_over_Tbar'], ['Delta']]);
    expect(got.Delta).toEqual([-4, -2.4, -0.8, 0.8, 2.4, 4].map((x) => expect.closeTo(x, 12)));
    expect(got.spec).toBe('fig9');
    expect(got.relative_to).toBe('Tbar');
    expect(got.dtype).toBe('float64');
    // the same numbers as the CSV, row by row (the flattening order is the same)
    csv.forEach((row, k) => {
      expect(got.efficiency[k]).toBe(Number(row[4])); // after Tbar, dT_over_Tbar, Delta, dT
      expect(got.concurrence[k]).toBe(Number(row[5]));
    });
  }, 120_000);
});
