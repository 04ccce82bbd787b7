// A sweep without a spec file (--axis), the shipped example specs, and the first-run note.

import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseAxisOption } from '../../src/cli/sweep.js';
import { shaderCacheEmpty } from '../../src/backends/webgpu/shaderCache.js';
import { evaluatePoint } from '../../src/model/point.js';
import { resolvePoint } from '../../src/model/params.js';
import { REPO, expectOneLineError, runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'qbsweep-quick-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('--axis', () => {
  it('parses FROM:TO:N and a list of values, and names a bad one in one line', () => {
    expect(parseAxisOption('Delta=-4:4:201')).toEqual({ param: 'Delta', from: -4, to: 4, n: 201 });
    expect(parseAxisOption('Tbar=0.5,1,2')).toEqual({ param: 'Tbar', values: [0.5, 1, 2] });
    expectOneLineError(runCli(['sweep', '--axis', 'Delta=-4:4']), /^qbsweep: option --axis: Delta: expected FROM:TO:N, e.g\. Delta=-4:4:201 \(got "-4:4"\)$/);
    expectOneLineError(runCli(['sweep', '--axis', 'Delta=-4:4:2.5']), /^qbsweep: option --axis: Delta: N must be a whole number >= 1/);
    expectOneLineError(runCli(['sweep', '--axis', '-4:4:5']), /^qbsweep: option --axis: expected NAME=FROM:TO:N or NAME=V1,V2,\.\.\./);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--axis', 'F=1,2']), /^qbsweep: give exactly one of --spec FILE, --preset NAME and --axis/);
    expectOneLineError(runCli(['sweep', '--axis', 'Delta=-1:1:3', '--set', 'Delta=1']), /^qbsweep: option --set\/--Delta: Delta is an axis of this sweep/);
  });

  it('sweeps without a spec file, on a system with --set: the values are float64 evaluatePoint', () => {
    const out = join(root, 'axis');
    const r = runCli(['sweep', '--system', 'xxz', '--axis', 'Jz=0,0.8', '--axis', 'Delta=-2:2:3', '--set', 'F=0.7', '--outputs', 'efficiency', '--backend', 'cpu', '--no-png', '--no-h5', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Jz,Delta,efficiency,flags');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).map(Number))).toEqual([[0, -2], [0, 0], [0, 2], [0.8, -2], [0.8, 0], [0.8, 2]]);
    const [, Jz, Delta, P] = /^([^,]+),([^,]+),([^,]+)/.exec(lines[4])!.map(Number);
    expect(P).toBeCloseTo(evaluatePoint(resolvePoint({ system: 'xxz', Jz, Delta, F: 0.7 } as never)).efficiency, 12);
    const m = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(m.spec.axes).toEqual([{ param: 'Jz', values: [0, 0.8] }, { param: 'Delta', from: -2, to: 2, n: 3 }]);
  });
});

describe('examples/', () => {
  it('has a spec for each built-in system, each a valid sweep of that system', () => {
    const files = readdirSync(join(REPO, 'examples'));
    for (const system of ['wang2023', 'xxz', 'common-bath']) {
      expect(files).toContain(`${system}.json`);
      const spec = JSON.parse(readFileSync(join(REPO, 'examples', `${system}.json`), 'utf8'));
      expect(spec.system).toBe(system);
      const out = join(root, `ex-${system}`);
      const r = runCli(['sweep', '--spec', join('examples', `${system}.json`), '--grid', '3x2', '--backend', 'cpu', '--no-png', '--no-h5', '--quiet', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
});

describe('the first-run note', () => {
  const saved = process.env.MESA_SHADER_CACHE_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.MESA_SHADER_CACHE_DIR;
    else process.env.MESA_SHADER_CACHE_DIR = saved;
  });
  it("is given only where Mesa's cache holds nothing but its index", () => {
    const dir = join(root, 'mesa');
    process.env.MESA_SHADER_CACHE_DIR = dir;
    expect(shaderCacheEmpty('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true); // no cache yet
    mkdirSync(join(dir, 'mesa_shader_cache'), { recursive: true });
    writeFileSync(join(dir, 'mesa_shader_cache', 'index'), '');
    expect(shaderCacheEmpty('OpenGL version 4.5 (Core Profile) Mesa 22.3.6')).toBe(true);
    mkdirSync(join(dir, 'mesa_shader_cache', '3f'));
    expect(shaderCacheEmpty('OpenGL version 4.5 (Core Profile) Mesa 22.3.6')).toBe(false);
    expect(shaderCacheEmpty('NVIDIA GeForce')).toBe(false); // cannot be told: no note
  });
});
