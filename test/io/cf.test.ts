// NAME.h5 is a CF file netCDF-4 readers take as it is: names without dots (xarray's attribute
// access works: ds.steady_efficiency), CF global attributes, the base point as scalars, flags
// with flag_masks/flag_meanings from FLAG_BITS, UDUNITS units, no HDF5 DIMENSION_LABELS.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAG_BITS } from '../../src/core/constants.js';
import { runCli } from '../helpers/cli.js';

const python = '/usr/bin/python3';
const xarray = spawnSync(python, ['-c', 'import xarray, h5netcdf, h5py'], { encoding: 'utf8' });

describe('CF-clean HDF5', () => {
  it('xarray reads steady_efficiency and the trajectories by plain names, with CF attributes, flags and units', (ctx) => {
    if (xarray.status !== 0) {
      if (process.env.CI) throw new Error(`CI=true but Debian's python3-xarray/python3-h5netcdf are missing: ${xarray.stderr}`);
      ctx.skip();
    }
    const out = mkdtempSync(join(tmpdir(), 'qbsweep-cf-'));
    const r = runCli(['sweep', '--preset', 'fig9', '--grid', '3x2', '--backend', 'cpu', '--outputs', 'efficiency,steady.efficiency', '--tau', '10', '--times', '0:10:3', '--no-png', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const script = `
import json, sys, h5py, xarray as xr
ds = xr.open_dataset(sys.argv[1], engine='h5netcdf')
f = h5py.File(sys.argv[1], 'r')
labels = []
f.visititems(lambda n, o: labels.append(n) if 'DIMENSION_LABELS' in o.attrs else None)
print(json.dumps({
  'names': sorted(list(ds.variables)),
  'steady': float(ds.steady_efficiency.sel(Tbar=2.0, dT_over_Tbar=1.8, Delta=4.0)),
  'curve_dims': list(ds.trajectory_E_B_over_omega.dims),
  'globals': {k: (v.item() if hasattr(v, 'item') else v) for k, v in ds.attrs.items() if k in ('Conventions', 'title', 'history', 'source', 'energy_unit', 'F', 'tau', 'initial_state', 'model', 'reservoir', 'T1', 'Delta1')},
  'masks': ds.flags.attrs['flag_masks'].tolist(), 'masks_dtype': str(ds.flags.attrs['flag_masks'].dtype), 'flags_dtype': str(ds.flags.dtype),
  'meanings': ds.flags.attrs['flag_meanings'],
  'units': {k: [ds[k].attrs.get('units'), ds[k].attrs.get('natural_units')] for k in ds.variables},
  'dimension_labels': labels,
}))`;
    const py = spawnSync(python, ['-c', script, join(out, 'fig9.h5')], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const got = JSON.parse(py.stdout);
    for (const n of got.names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    expect(got.names).toEqual(expect.arrayContaining(['steady_efficiency', 'efficiency', 'flags', 'trajectory_E_B_over_omega', 'max_average_power']));
    expect(got.curve_dims).toEqual(['Tbar', 'dT_over_Tbar', 'Delta', 't']);
    // the value xarray selects is the CSV's at that point (columns Tbar, dT_over_Tbar, Delta, dT, efficiency, steady.efficiency)
    const rows = readFileSync(join(out, 'fig9.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const row = rows.find(([T, rel, D]) => T === 2 && rel === 1.8 && D === 4)!;
    expect(got.steady).toBe(row[5]);
    const g = got.globals;
    expect(g.Conventions).toBe('CF-1.10');
    expect(g.title).toBe('fig9 (changed from the preset)'); // --tau 10 is not the paper's Fig. 9
    expect(g.history).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z: qbsweep sweep --preset fig9 --grid 3x2 .*--tau 10/);
    expect(g.source).toMatch(/^qbsweep \d+\.\d+\.\d+/);
    expect(g.energy_unit).toMatch(/^lambda \(charger-battery coupling/);
    expect([g.F, g.tau, g.initial_state, g.model, g.reservoir]).toEqual([0.5, 10, 'eg', 'redfield', 'boson']);
    // T1, T2 and Delta1, Delta2 are set by the axes (Tbar, dT, Delta): not fixed, not written as such
    expect(g.T1).toBeUndefined();
    expect(g.Delta1).toBeUndefined();
    expect(got.masks).toEqual(Object.values(FLAG_BITS));
    expect(got.masks_dtype).toBe(got.flags_dtype);
    expect(got.meanings.split(' ')).toEqual(Object.keys(FLAG_BITS).map((k) => k.replace(/-/g, '_')));
    // units UDUNITS parses: '1' (the numbers in lambda name their unit in natural_units), rad; flags have none (CF)
    for (const [name, [u]] of Object.entries(got.units as Record<string, [string, string | null]>)) expect([name, u]).toEqual([name, name === 'flags' ? null : expect.stringMatching(/^(1|rad)$/)]);
    expect(got.units.Delta).toEqual(['1', 'lambda']);
    expect(got.units.t).toEqual(['1', '1/lambda']);
    expect(got.units.steady_efficiency).toEqual(['1', null]);
    expect(got.dimension_labels).toEqual([]);
  }, 120_000);

  it("another system's parameters: its own units and docs on the axes, its base values as scalars", (ctx) => {
    if (xarray.status !== 0) {
      if (process.env.CI) throw new Error(`CI=true but Debian's python3-xarray/python3-h5netcdf are missing: ${xarray.stderr}`);
      ctx.skip();
    }
    const out = mkdtempSync(join(tmpdir(), 'qbsweep-cf-'));
    const r = runCli(['sweep', '--preset', 'xxz', '--grid', '2x2', '--backend', 'cpu', '--outputs', 'efficiency', '--no-png', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const script = `
import json, sys, xarray as xr
ds = xr.open_dataset(sys.argv[1], engine='h5netcdf')
print(json.dumps({'Jz': ds.Jz.attrs, 'J': ds.attrs.get('J'), 'system': ds.attrs.get('system_name'), 'title': ds.attrs.get('title')}))`;
    const py = spawnSync(python, ['-c', script, join(out, 'xxz.h5')], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const got = JSON.parse(py.stdout);
    expect(got.Jz).toEqual({ long_name: 'ZZ (Ising) exchange', units: '1', natural_units: 'lambda' });
    expect([got.J, got.system]).toEqual([1, 'xxz']);
    expect(got.title).toMatch(/^XXZ-coupled charger-battery/); // --grid alone: still the preset's diagram
  }, 120_000);
});
