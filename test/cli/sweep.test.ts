// `qbsweep sweep`, `compare`, `bench` and `point --backend webgpu` as a user runs them.

import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { releaseGpu, skipWithoutGpu } from '../helpers/gpu.js';
import { checkValue, toleranceAt } from '../../src/sweep/tolerance.js';
import { evaluatePoint } from '../../src/model/point.js';
import { resolvePoint } from '../../src/model/params.js';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';
import { referenceCases } from '../helpers/reference.js';
import { shaderCacheEmpty } from '../../src/backends/webgpu/shaderCache.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-cli-'));

function readCsv(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('qbsweep sweep', () => {
  it('writes CSV, manifest and PNG for a preset on the default backend', async () => {
    const out = tmp();
    const cold = shaderCacheEmpty('Mesa');
    const r = await runCliAsync(['sweep', '--preset', 'fig10', '--grid', '6x5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    // stderr says which backend ran and why, then progress and the cross-check
    expect(r.stderr).toMatch(/qbsweep: backend (webgpu on .*|cpu .*)/);
    expect(r.stderr).toMatch(/fig10: 120 points in/);
    // no native note from Dawn about libvulkan, nor its blank line (the "artificially reduced"
    // notes are filtered where stderr is a terminal or a pipe: test/cli/startup.test.ts)
    expect(r.stderr).not.toMatch(/libvulkan/);
    expect(r.stderr.trimEnd().split('\n')).not.toContain('');
    // the first-run note only where the shader cache was empty
    if (/backend webgpu/.test(r.stderr)) expect(r.stderr).toMatch(cold ? /qbsweep: compiling GPU kernels \(first run: up to a minute; cached afterwards in .*\) \.\.\. done in [\d.]+ s\n/ : /qbsweep: compiling GPU kernels \.\.\. done in [\d.]+ s\n/);
    // writing the files has its line, and the run ends with its total wall time
    expect(r.stderr).toMatch(/qbsweep: writing the files( and checking \d+ points in float64)? \.\.\. done in [\d.]+ s\n/);
    expect(r.stderr).toMatch(/qbsweep: total [\d.]+ s wall \((compile [\d.]+ s, )?computing [\d.]+ s, files and check [\d.]+ s\)\n/);
    expect(readdirSync(out).sort()).toEqual(['fig10.csv', 'fig10.h5', 'fig10.json', 'fig10.png']);
    const csv = readCsv(join(out, 'fig10.csv'));
    expect(csv.header).toEqual(['mu', 'F', 'Delta', 'efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'steady.efficiency', 'flags']);
    expect(csv.rows.length).toBe(4 * 5 * 6);
    expect(csv.rows[0].slice(0, 3).map(Number)).toEqual([3, 0, -4]);
    for (const row of csv.rows) {
      const P = Number(row[3]);
      expect(P >= 0 && P <= 1 || row[8].includes('degenerate')).toBe(true);
    }
    const m = JSON.parse(readFileSync(join(out, 'fig10.json'), 'utf8'));
    expect(m.complete).toBe(true);
    expect(m.spec.name).toBe('fig10');
    expect(m.grid.shape).toEqual([4, 5, 6]);
    expect(typeof m.timings.points_per_s).toBe('number');
    expect(m.versions.qbsweep).toBe('0.1.0');
    expect(m.files).toEqual(['fig10.csv', 'fig10.png', 'fig10.h5', 'fig10.json']);
    if (m.backend.backend === 'webgpu') {
      expect(m.backend.adapter.description).toBeTruthy();
      expect(m.precision.arithmetic).toBe('float32');
      expect(m.precision.float64_cross_check.points).toBe(24);
      expect(m.cross_check).toBe('passed');
      expect(m.precision.float64_cross_check.columns.efficiency.checked).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/float64 cross-check of 24 points: PASSED/);
    }
    const png = PNG.sync.read(readFileSync(join(out, 'fig10.png')));
    expect(png.width).toBeGreaterThan(800);
    expect(png.height).toBeGreaterThan(600);
  }, 240_000);

  it('cpu and webgpu write the same columns and agree within the engine tolerance', async (ctx) => {
    await skipWithoutGpu(ctx);
    const spec = JSON.stringify({
      name: 'cut',
      base: { reservoir: 'boson', F: 0.5, T1: 1.45, T2: 0.55 },
      axes: [{ param: 'Delta', from: -4, to: 4, n: 9 }],
      outputs: ['efficiency', 'concurrence', 'liouvillian_gap'],
    });
    const a = tmp();
    const b = tmp();
    const [ra, rb] = await Promise.all([
      runCliAsync(['sweep', '--spec', '-', '--backend', 'cpu', '--out', a], spec),
      runCliAsync(['sweep', '--spec', '-', '--backend', 'webgpu', '--out', b], spec),
    ]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    const ca = readCsv(join(a, 'cut.csv'));
    const cb = readCsv(join(b, 'cut.csv'));
    expect(cb.header).toEqual(ca.header);
    expect(ca.header).toEqual(['Delta', 'efficiency', 'concurrence', 'liouvillian_gap', 'flags']);
    ca.rows.forEach((row, k) => {
      // each point's own tolerance, from the float64 gap (tau = 20000)
      const at = { gap: Number(row[3]), radius: Number.NaN, tau: 20000 };
      for (const [i, column] of [[1, 'efficiency'], [2, 'concurrence']] as const) {
        const v = checkValue(column, Number(cb.rows[k][i]), Number(row[i]), at)!;
        expect(v.pass, `${column} at Delta = ${row[0]}: ${cb.rows[k][i]} vs float64 ${row[i]} (tolerance ${v.tolerance})`).toBe(true);
      }
      expect(cb.rows[k][4]).toBe(row[4]); // the same flags
    });
    // a 1-axis sweep draws curves
    expect(existsSync(join(a, 'cut.png'))).toBe(true);
    // Delta = 3 is the reference case pub-R-bos-D3.1-neq-dT0.9's neighbour: sanity of units
    expect(Number(ca.rows[8][1])).toBeGreaterThan(0.9);
  }, 240_000);

  const bad: [string, string[], string | undefined, RegExp][] = [
    ['unknown preset', ['sweep', '--preset', 'fig12'], undefined, /option --preset: unknown preset "fig12" \(expected fig8, fig9, fig10, fig11, gap, xxz, common-bath, charger-two-cells, central-spin\)/],
    ['spec and preset', ['sweep', '--preset', 'fig9', '--spec', 'x.json'], undefined, /give exactly one of --spec FILE, --preset NAME and --axis NAME=FROM:TO:N/],
    ['bad grid', ['sweep', '--preset', 'fig9', '--grid', '10by10'], undefined, /option --grid: expected NxM/],
    ['unknown param', ['sweep', '--spec', '-'], '{"axes": [{"param": "Omega", "from": 0, "to": 1, "n": 3}]}', /spec axes\[0\] \(Omega\): unknown param/],
    ['inverted axis', ['sweep', '--spec', '-'], '{"axes": [{"param": "F", "from": 1, "to": 0, "n": 3}]}', /inverted axis, from \(1\) > to \(0\)/],
    ['n < 1', ['sweep', '--spec', '-'], '{"axes": [{"param": "F", "from": 0, "to": 1, "n": 0}]}', /n must be a whole number >= 1/],
    ['four axes', ['sweep', '--spec', '-'], '{"axes": [{"param": "F", "values": [1]}, {"param": "T", "values": [1]}, {"param": "Delta", "values": [1]}, {"param": "mu", "values": [1]}]}', /at most 3 axes/],
    ['bad point value', ['sweep', '--spec', '-'], '{"base": {"omega_c": -2}, "axes": [{"param": "F", "values": [1]}]}', /parameter omega_c: cutoff frequency must be > 0/],
    ['negative T on the grid', ['sweep', '--spec', '-', '--backend', 'cpu'], '{"axes": [{"param": "T", "from": -1, "to": 1, "n": 3}]}', /parameter T1: a boson reservoir needs temperature >= 0 .* at grid point T=-1/],
    ['malformed spec', ['sweep', '--spec', '-'], '{"axes": [', /--spec: malformed JSON in standard input/],
    ['unknown output', ['sweep', '--preset', 'fig9', '--outputs', 'power'], undefined, /spec outputs: unknown output "power"/],
    ['unknown backend', ['sweep', '--preset', 'fig9', '--backend', 'tpu'], undefined, /option --backend: unknown backend "tpu"/],
    ['cpu integrator on webgpu', ['sweep', '--preset', 'fig9', '--grid', '2x2', '--backend', 'webgpu', '--integrator', 'expm'], undefined, /option --integrator: "expm" is not a GPU integrator \(expected leap, rk4\)/],
  ];
  for (const [name, args, input, pattern] of bad) {
    it(`bad input: ${name} (one line, exit 2, no files)`, () => {
      const out = tmp();
      expectOneLineError(runCli([...args, '--out', out], input), pattern);
      expect(readdirSync(out)).toEqual([]);
    }, 60_000);
  }
});

describe('qbsweep compare, bench and point --backend webgpu', () => {
  beforeEach(skipWithoutGpu);
  afterAll(releaseGpu);

  it('compare prints per-output max/median |diff| and passes within tolerance', () => {
    const r = runCli(['compare', '--preset', 'fig11', '--grid', '5x4', '--outputs', 'efficiency,concurrence,liouvillian_gap']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/qbsweep compare: fig11, 80 points: webgpu \(leap\) against cpu \(expm\)/);
    expect(r.stdout).toMatch(/^ {2}efficiency +\d\.\d\de-?\d+ +\d/m);
    expect(r.stdout).toMatch(/^ {2}liouvillian_gap +/m);
    expect(r.stdout).toMatch(/result: within tolerance \(80 points\)/);
  }, 240_000);

  it('bench --json gives one object per measurement with a numeric points_per_s', () => {
    const r = runCli(['bench', '--grid', '4x4', '--cpu-grid', '3x3', '--rk4-grid', '2x2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as { backend: string; integrator: string; points_per_s: number; ratio_to_cpu: number }[];
    expect(rows.map((x) => `${x.backend}/${x.integrator}`)).toEqual(['webgpu/leap', 'webgpu/rk4', 'cpu/expm']);
    for (const x of rows) {
      expect(typeof x.points_per_s).toBe('number');
      expect(x.points_per_s).toBeGreaterThan(0);
    }
    expect(rows[2].ratio_to_cpu).toBe(1);
  }, 240_000);

  it('point --backend webgpu reproduces a reference case within the GPU tolerance', () => {
    const c = referenceCases.find((x) => x.name === 'pub-R-fer-D2.9-F0.9-mu-4')!;
    const r = runCli(['point', '--params', '-', '--backend', 'webgpu', '--json'], JSON.stringify(c.inputs));
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.backend).toBe('webgpu');
    const ref = evaluatePoint(resolvePoint(c.inputs));
    const tol = (column: string) => toleranceAt(column, { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: resolvePoint(c.inputs).tau })!;
    expect(Math.abs(out.efficiency - c.outputs.efficiency)).toBeLessThanOrEqual(tol('efficiency'));
    expect(Math.abs(out.liouvillian_gap - c.outputs.liouvillian_gap)).toBeLessThanOrEqual(tol('liouvillian_gap'));
    expect(Math.abs(out.rho_real[1][2] - c.outputs.rho_real[1][2])).toBeLessThanOrEqual(tol('rho_real[1][2]'));
    expect(out.steady.kernel_dim).toBe(1);
  }, 120_000);
});
