// One truth per coordinate: a relative axis (fig9's dT in units of Tbar) is stored under its own
// name, dT_over_Tbar, with the absolute dT beside it (a 2-D coordinate over Tbar x dT_over_Tbar),
// the same in the CSV and the HDF5 file; xarray opens the file with both.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const python = '/usr/bin/python3';
const xarray = spawnSync(python, ['-c', 'import xarray, h5netcdf'], { encoding: 'utf8' });

describe('relative axes', () => {
  it('CSV and HDF5 (through xarray) carry dT_over_Tbar and the absolute dT = dT_over_Tbar * Tbar', (ctx) => {
    const out = mkdtempSync(join(tmpdir(), 'qbsweep-coord-'));
    const r = runCli(['sweep', '--preset', 'fig9', '--grid', '3x3', '--backend', 'cpu', '--outputs', 'efficiency', '--no-png', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(out, 'fig9.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('Tbar,dT_over_Tbar,Delta,dT,efficiency,flags');
    const rows = lines.slice(1).map((l) => l.split(',').map(Number));
    for (const [Tbar, rel, , dT] of rows) expect(dT).toBeCloseTo(rel * Tbar, 12);
    expect(rows.map((x) => x[1]).slice(0, 9)).toEqual([-1.8, -1.8, -1.8, 0, 0, 0, 1.8, 1.8, 1.8]);
    if (xarray.status !== 0) {
      if (process.env.CI) throw new Error(`CI=true but Debian's python3-xarray/python3-h5netcdf are missing: ${xarray.stderr}`);
      ctx.skip();
    }
    const script = `
import json, sys, xarray as xr
ds = xr.open_dataset(sys.argv[1], engine='h5netcdf')
e = ds['efficiency']
print(json.dumps({
  'dims': list(e.dims), 'coords': sorted(e.coords), 'index': sorted(ds.indexes),
  'dT_dims': list(ds['dT'].dims), 'dT': ds['dT'].values.tolist(), 'rel': ds['dT_over_Tbar'].values.tolist(),
  'Tbar': ds['Tbar'].values.tolist(), 'units': [ds['dT_over_Tbar'].attrs.get('units'), ds['dT_over_Tbar'].attrs.get('relative_to')],
  'e': float(e.sel(Tbar=2.0, dT_over_Tbar=1.8, Delta=4.0)),
}))`;
    const py = spawnSync(python, ['-c', script, join(out, 'fig9.h5')], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const got = JSON.parse(py.stdout);
    expect(got.dims).toEqual(['Tbar', 'dT_over_Tbar', 'Delta']);
    expect(got.coords).toEqual(['Delta', 'Tbar', 'dT', 'dT_over_Tbar']);
    expect(got.index).toEqual(['Delta', 'Tbar', 'dT_over_Tbar']);
    expect(got.dT_dims).toEqual(['Tbar', 'dT_over_Tbar']);
    expect(got.rel).toEqual([-1.8, 0, 1.8]);
    expect(got.units).toEqual(['1', 'Tbar']);
    got.Tbar.forEach((T: number, i: number) => got.rel.forEach((x: number, j: number) => expect(got.dT[i][j]).toBeCloseTo(x * T, 12)));
    // the value xarray selects is the CSV's at that point
    const row = rows.find(([T, rel, D]) => T === 2 && rel === 1.8 && D === 4)!;
    expect(got.e).toBe(row[4]);
  }, 120_000);
});
