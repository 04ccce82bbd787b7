// Three qubits on the webgpu backend end to end (issue 20): a small `sweep` whose every output
// column is within the registry's float32 tolerance of `--backend cpu` on the same points, its
// float64 cross-check passed; `point --json` against cpu; the one-line refusals of what the GPU
// has no n > 2 path for (webgl), nothing written; charging curves on webgpu against cpu.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';
import { releaseGpu, skipWithoutGpu } from '../helpers/gpu.js';
import { SCALAR_OUTPUTS } from '../../src/core/outputs.js';
import { toleranceAt, trajectoryTolerance } from '../../src/sweep/tolerance.js';
import { TRAJECTORY_QUANTITIES, type TrajectoryQuantity } from '../../src/model/charging.js';
import h5wasm from 'h5wasm/node';

const SYSTEM = 'test/data/systems/n3-charger-two-cells.json';
const dir = mkdtempSync(join(tmpdir(), 'qbsweep-nqubits-webgpu-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseGpu();
});

/** The CSV of a sweep: its header and rows of numbers. */
function readCsv(file: string): { header: string[]; rows: number[][] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',').map(Number)) };
}

// every output but the concurrence (a two-qubit figure: NaN on both)
const OUTPUTS = SCALAR_OUTPUTS.filter((o) => o !== 'concurrence' && o !== 'steady.concurrence' && !/^steady\.(heat|particle)_current_4$/.test(o) && !o.startsWith('steady.particle_current'));
// three reservoirs at T = 1 (the system file's defaults): sum_k 1/T_k
const INVERSE_TEMPERATURES = 3;

describe('sweep and point of three qubits on webgpu against cpu', () => {
  it('a 3 x 3 sweep: every output column within its float32 tolerance of cpu, the cross-check passed', async (ctx) => {
    await skipWithoutGpu(ctx);
    const args = ['sweep', '--system', SYSTEM, '--axis', 'F=0.2:0.8:3', '--axis', 'Delta2=-0.3:0.3:3', '--tau', '30', '--outputs', OUTPUTS.join(','), '--out', dir, '--quiet', '--no-png', '--no-h5'];
    const [gpu, cpu, gap] = await Promise.all([
      runCliAsync([...args, '--backend', 'webgpu', '--name', 'gpu', '--check', 'all']),
      runCliAsync([...args, '--backend', 'cpu', '--name', 'cpu']),
      // the float64 gap of each point sets its tolerance (|gap| tau >= 10: stationary)
      runCliAsync([...args.map((a) => (a === OUTPUTS.join(',') ? 'liouvillian_gap,E_B_over_omega,steady.E_B_over_omega' : a)), '--backend', 'cpu', '--name', 'gap']),
    ]);
    for (const r of [gpu, cpu, gap]) expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'gpu.json'), 'utf8')) as { backend: { backend: string }; cross_check: string; precision: { float64_cross_check: { points: number; columns: Record<string, unknown> } } };
    expect(manifest.backend.backend).toBe('webgpu');
    const g = readCsv(join(dir, 'gpu.csv'));
    const c = readCsv(join(dir, 'cpu.csv'));
    const ref = readCsv(join(dir, 'gap.csv'));
    expect(g.rows).toHaveLength(9);
    expect(g.header).toEqual(c.header);
    let worst = 0;
    for (const o of OUTPUTS) {
      const at = g.header.indexOf(o);
      expect(at, o).toBeGreaterThanOrEqual(0);
      // the gap's tolerance is 1e-4 of the spectral radius, which no CSV column holds: the cross-check checks it (below)
      if (o === 'liouvillian_gap') continue;
      g.rows.forEach((row, k) => {
        const cpuValue = c.rows[k][at];
        const r = ref.rows[k];
        const energy = r[ref.header.indexOf(o === 'steady.efficiency' ? 'steady.E_B_over_omega' : 'E_B_over_omega')];
        // radius 0: no conditioning floor (stricter than the cross-check's)
        const tol = toleranceAt(o, { gap: r[ref.header.indexOf('liouvillian_gap')], radius: 0, tau: 30, inverseTemperatures: INVERSE_TEMPERATURES, energy });
        expect(Number.isFinite(row[at]), `${o} at point ${k}`).toBe(true);
        // no tolerance (the kernel dimension): exact
        if (tol === undefined) return expect(row[at], o).toBe(cpuValue);
        const ratio = Math.abs(row[at] - cpuValue) / tol;
        worst = Math.max(worst, ratio);
        expect(ratio, `${o} at point ${k}: webgpu ${row[at]}, cpu ${cpuValue}, tolerance ${tol}`).toBeLessThanOrEqual(1);
      });
    }
    // a float32 state: not equal to float64, well within the tolerance
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.2);
    expect(manifest.cross_check).toBe('passed');
    expect(manifest.precision.float64_cross_check.points).toBe(9);
    expect(Object.keys(manifest.precision.float64_cross_check.columns)).toHaveLength(OUTPUTS.length - 1); // all but the kernel dimension (exact, no tolerance)
    expect(manifest.precision.float64_cross_check.columns.liouvillian_gap).toMatchObject({ checked: 9 });
  }, 300_000);

  it('point --json: the values cpu prints, within the float32 tolerance', async (ctx) => {
    await skipWithoutGpu(ctx);
    const args = ['point', '--system', SYSTEM, '--tau', '2000', '--set', 'F=0.7', '--json'];
    const [gpu, cpu] = await Promise.all([runCliAsync([...args, '--backend', 'webgpu']), runCliAsync([...args, '--backend', 'cpu'])]);
    for (const r of [gpu, cpu]) expect(r.code, r.stderr).toBe(0);
    type Point = Record<string, unknown> & { steady: Record<string, number | null>; flags: string[]; rho_real: number[][]; rho_imag: number[][]; liouvillian_gap?: number; cross_check?: string };
    const g = JSON.parse(gpu.stdout) as Point;
    const c = JSON.parse(cpu.stdout) as Point;
    expect(g.backend).toBe('webgpu');
    expect(g.cross_check).toBe('passed');
    expect(c.liouvillian_gap).toBeLessThan(0);
    // the point's cross-check held it to 1e-4 of the spectral radius; here, a far looser check that it is the gap at all
    expect(Math.abs(g.liouvillian_gap! - c.liouvillian_gap!)).toBeLessThan(1e-3 * Math.abs(c.liouvillian_gap!));
    expect(g.flags).toEqual(c.flags);
    const at = { gap: c.liouvillian_gap!, radius: 0, tau: 2000, inverseTemperatures: INVERSE_TEMPERATURES };
    for (const o of OUTPUTS.filter((x) => x !== 'liouvillian_gap')) {
      const [gv, cv] = o.startsWith('steady.') ? [g.steady[o.slice(7)], c.steady[o.slice(7)]] : [g[o] as number, c[o] as number];
      const tol = toleranceAt(o, { ...at, energy: o === 'steady.efficiency' ? c.steady.E_B_over_omega! : (c.E_B_over_omega as number) });
      if (tol === undefined) {
        expect(gv, o).toBe(cv);
        continue;
      }
      expect(Math.abs((gv as number) - (cv as number)), o).toBeLessThanOrEqual(tol);
    }
    // rho(tau) on the eight basis states, from the GPU's r(tau)
    expect(g.rho_real).toHaveLength(8);
    for (const part of ['rho_real', 'rho_imag'] as const) g[part].forEach((row, i) => row.forEach((x, j) => expect(Math.abs(x - c[part][i][j])).toBeLessThan(1e-4)));
    expect(g.steady.kernel_dim).toBe(1);
    expect(g.concurrence).toBeNull();
  }, 300_000);
});

describe('the integrator and the default backend for three qubits', () => {
  it('--integrator rk4 passes the float64 cross-check; auto takes webgpu, the gap too', async (ctx) => {
    await skipWithoutGpu(ctx);
    const args = ['sweep', '--system', SYSTEM, '--axis', 'F=0.3:0.7:2', '--tau', '30', '--out', dir, '--quiet', '--no-png', '--no-h5'];
    const [rk4, auto, autoGap] = await Promise.all([
      runCliAsync([...args, '--backend', 'webgpu', '--integrator', 'rk4', '--outputs', 'efficiency,steady.efficiency,average_power', '--check', 'all', '--name', 'rk4']),
      runCliAsync([...args, '--name', 'auto']),
      runCliAsync([...args, '--outputs', 'efficiency,liouvillian_gap', '--name', 'autogap']),
    ]);
    for (const r of [rk4, auto, autoGap]) expect(r.code, r.stderr).toBe(0);
    const manifest = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { backend: { backend: string }; integrator: string; cross_check: string };
    expect(manifest('rk4')).toMatchObject({ backend: { backend: 'webgpu' }, integrator: 'rk4', cross_check: 'passed' });
    expect(manifest('auto')).toMatchObject({ backend: { backend: 'webgpu' }, cross_check: 'passed' });
    expect(manifest('autogap')).toMatchObject({ backend: { backend: 'webgpu' }, cross_check: 'passed' });
  }, 300_000);
});

describe('four qubits and the default backend', () => {
  it('auto runs the kernels on one point first, and takes cpu, saying why, where the adapter cannot run them', async (ctx) => {
    await skipWithoutGpu(ctx);
    const r = await runCliAsync(['sweep', '--system', 'test/data/systems/n4-central-spin.json', '--axis', 'F=0.5:0.5:1', '--tau', '30', '--outputs', 'efficiency', '--out', dir, '--name', 'auto4', '--no-png', '--no-h5']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'auto4.json'), 'utf8')) as { backend: { backend: string }; cross_check: string };
    // llvmpipe's loop budget cuts the four-qubit kernel (a hardware GPU runs it, cross-checked)
    if (m.backend.backend === 'cpu') expect(r.stderr).toMatch(/^qbsweep: backend cpu \(float64, \d+ threads\) \(auto: webgpu: the kernel of a system of 4 qubits ran past this adapter's budget of loop iterations/m);
    else expect(m).toMatchObject({ backend: { backend: 'webgpu' }, cross_check: 'passed' });
  }, 300_000);
});

describe('charging curves of three qubits on webgpu', () => {
  it('sweep --times: every curve of the declared battery within the trajectory tolerances of cpu, the cross-check passed', async (ctx) => {
    await skipWithoutGpu(ctx);
    const args = ['sweep', '--system', SYSTEM, '--axis', 'F=0.3:0.7:2', '--tau', '20', '--times', '0:20:6', '--outputs', 'E_B_over_omega,max_average_power,charging_time_90', '--out', dir, '--quiet', '--no-png'];
    const [gpu, cpu] = await Promise.all([runCliAsync([...args, '--backend', 'webgpu', '--name', 'tgpu', '--check', 'all']), runCliAsync([...args, '--backend', 'cpu', '--name', 'tcpu'])]);
    for (const r of [gpu, cpu]) expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'tgpu.json'), 'utf8'))).toMatchObject({ backend: { backend: 'webgpu' }, cross_check: 'passed' });
    await h5wasm.ready;
    const curves = (name: string) => {
      const f = new h5wasm.File(join(dir, `${name}.h5`), 'r');
      try {
        return Object.fromEntries(TRAJECTORY_QUANTITIES.filter((q) => q !== 'concurrence').map((q) => [q, Array.from((f.get(`trajectory_${q}`) as { value: Float64Array | Float32Array }).value)]));
      } finally {
        f.close();
      }
    };
    const [g, c] = [curves('tgpu'), curves('tcpu')];
    for (const q of Object.keys(c) as TrajectoryQuantity[]) {
      expect(g[q]).toHaveLength(12);
      g[q].forEach((x, k) => expect(Math.abs(x - c[q][k]), `${q}[${k}]: webgpu ${x}, cpu ${c[q][k]}`).toBeLessThanOrEqual(trajectoryTolerance(q)));
    }
    // a charging battery: E_B grows from its initial value
    expect(c.E_B_over_omega[5]).toBeGreaterThan(c.E_B_over_omega[0]);
  }, 300_000);
});

describe('what webgpu has no three-qubit path for: one line, exit 2, nothing written', () => {
  const base = ['sweep', '--system', SYSTEM, '--axis', 'F=0.2:0.8:2', '--no-png'];
  it('webgl at all', () => {
    const out = join(dir, 'refused');
    expectOneLineError(runCli([...base, '--backend', 'webgl', '--out', out]), /^qbsweep: system n3-charger-two-cells: 3 qubits: the webgl backend runs two-qubit systems with the default battery only; use --backend cpu$/);
    expect(existsSync(out)).toBe(false);
  });
});
