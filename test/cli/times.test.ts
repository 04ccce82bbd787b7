// `qbsweep sweep --times` (the spec key "times") as a user runs it: the files (CSV figures, HDF5
// curves over the axes and t read back by xarray, manifest, pictures of the figures), shards
// merged into the whole run's data, and the one-line refusals (webgl, memory) that leave nothing.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-times-cli-'));
const python = '/usr/bin/python3';
const xarray = spawnSync(python, ['-c', 'import xarray, h5netcdf'], { encoding: 'utf8' });
const FIGURES = ['max_average_power', 'time_of_max_average_power', 'charging_time_90'];

describe('qbsweep sweep --times', () => {
  it('default backend: CSV figures, HDF5 curves with a last dimension t (xarray), the figures drawn, the cross-check passed', async (ctx) => {
    const out = tmp();
    const r = await runCliAsync(['sweep', '--preset', 'fig9', '--grid', '4x3', '--outputs', 'E_B_over_omega,steady.E_B_over_omega', '--tau', '10', '--times', '0:10:21', '--plot', 'max_average_power,charging_time_90', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['fig9.charging_time_90.png', 'fig9.csv', 'fig9.h5', 'fig9.json', 'fig9.png']);
    const lines = readFileSync(join(out, 'fig9.csv'), 'utf8').trim().split('\n');
    // one row per point, the figures as columns, no curves
    expect(lines[0]).toBe(`Tbar,dT_over_Tbar,Delta,dT,E_B_over_omega,steady.E_B_over_omega,${FIGURES.join(',')},flags`);
    expect(lines.length).toBe(1 + 4 * 3 * 4);
    const rows = lines.slice(1).map((l) => l.split(','));
    for (const row of rows) {
      // the times are grid times, written as such
      for (const t of [row[7], row[8]]) expect(t === 'nan' || Number.isInteger(Number(t) * 2), t).toBe(true);
      expect(Number(row[6])).toBeGreaterThan(0);
    }
    const m = JSON.parse(readFileSync(join(out, 'fig9.json'), 'utf8'));
    expect(m.spec.times).toEqual({ from: 0, to: 10, n: 21 });
    expect(m.charging_curves.arrays).toEqual(['E_B_over_omega', 'ergotropy_over_omega', 'efficiency', 'concurrence', 'average_power'].map((q) => `trajectory_${q}`));
    if (m.backend.precision === 'float32') {
      expect(m.cross_check).toBe('passed');
      expect(Object.keys(m.precision.float64_cross_check.columns)).toEqual(expect.arrayContaining(['trajectory.E_B_over_omega', 'trajectory.concurrence', ...FIGURES]));
    }
    if (xarray.status !== 0) {
      if (process.env.CI) throw new Error(`CI=true but Debian's python3-xarray/python3-h5netcdf are missing: ${xarray.stderr}`);
      ctx.skip();
    }
    const script = `
import json, sys, xarray as xr
ds = xr.open_dataset(sys.argv[1], engine='h5netcdf')
e = ds['trajectory_E_B_over_omega']
print(json.dumps({'dims': list(e.dims), 't': ds['t'].values.tolist(), 'units': [ds['t'].attrs.get('units'), ds['t'].attrs.get('natural_units')], 'long_name': ds['trajectory_average_power'].attrs.get('long_name'),
  'at10': e.sel(t=10.0).values.ravel().tolist(), 'tau10': ds['E_B_over_omega'].values.ravel().tolist(), 'first': e.sel(t=0.0).values.ravel().tolist()}))`;
    const py = spawnSync(python, ['-c', script, join(out, 'fig9.h5')], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const got = JSON.parse(py.stdout);
    expect(got.dims).toEqual(['Tbar', 'dT_over_Tbar', 'Delta', 't']);
    expect(got.t).toEqual(Array.from({ length: 21 }, (_, j) => j / 2));
    expect(got.units).toEqual(['1', '1/lambda']);
    expect(got.long_name).toMatch(/average charging power .* at time t/);
    // tau is 10: the curve's last time is the sweep's own value there
    got.at10.forEach((v: number, i: number) => expect(Math.abs(v - got.tau10[i])).toBeLessThan(1e-5));
    // |eg>: every battery starts empty
    for (const v of got.first) expect(Math.abs(v)).toBeLessThan(1e-6);
  }, 180_000);

  it('shards merge into exactly the whole run (the data checksums agree), curves included', () => {
    const dirs = [tmp(), tmp(), tmp(), tmp()];
    const args = (out: string, ...more: string[]) => ['sweep', '--preset', 'fig11', '--grid', '5x2', '--outputs', 'E_B_over_omega', '--times', '0:30:16', '--backend', 'cpu', '--threads', '1', '--no-png', '--quiet', '--out', out, ...more];
    for (const [i, d] of [[0, dirs[0]], [1, dirs[1]]] as const) {
      const r = runCli(args(d, '--shard', `${i}/2`));
      expect(r.code, r.stderr).toBe(0);
    }
    const whole = runCli(args(dirs[2]));
    expect(whole.code, whole.stderr).toBe(0);
    const merged = runCli(['merge', dirs[0], dirs[1], '--no-png', '--quiet', '--out', dirs[3]]);
    expect(merged.code, merged.stderr).toBe(0);
    const sha = (d: string) => JSON.parse(readFileSync(join(d, 'fig11.json'), 'utf8')).data_sha256;
    expect(sha(dirs[3])).toBe(sha(dirs[2]));
    expect(readFileSync(join(dirs[3], 'fig11.csv'), 'utf8')).toBe(readFileSync(join(dirs[2], 'fig11.csv'), 'utf8'));
  }, 180_000);

  it('refuses in one line, before anything is created: webgl, a grid of curves beyond memory, bad times', () => {
    const out = join(tmp(), 'o');
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--grid', '2x2', '--times', '0:10:11', '--backend', 'webgl', '--out', out]), /^qbsweep: spec times: the webgl backend cannot compute charging curves on a time grid; use --backend webgpu, browser \(WebGPU\) or cpu/);
    const big = runCli(['sweep', '--preset', 'fig9', '--grid', '1024x1024', '--times', '0:100:2001', '--backend', 'cpu', '--quiet', '--out', out]);
    expectOneLineError(big, /^qbsweep: spec: 4,194,304 points need ~[\d.]+ GiB for their results \(the charging curves: 5 x 2001 times x 8 bytes per point\) and writing them, more than the [\d.]+ GiB this machine allows; split the sweep with --shard i\/N \(or fewer times, a coarser --grid\)$/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--times', '0:10', '--out', out]), /^qbsweep: option --times: expected FROM:TO:N/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--plot', 'charging_time_90', '--out', out]), /^qbsweep: option --plot: "charging_time_90" is not an output of this sweep/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
