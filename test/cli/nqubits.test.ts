// Systems of n != 2 qubits end to end on the float64 cpu backend (issue 20): `point` against
// QuTiP 4.7's long-time values (test/data/qutip-nqubits.json), a small `sweep` whose records
// read back as the point's numbers, and the one-line refusals (GPU backends, states of the wrong size).

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, expectOneLineError, runCli } from '../helpers/cli.js';
import { refuseTwoQubitOnly } from '../../src/cli/sweep.js';
import { resolveSpec } from '../../src/sweep/spec.js';

const SYSTEM = 'test/data/systems/n3-charger-two-cells.json';
const qutip = JSON.parse(readFileSync(join(REPO, 'test/data/qutip-nqubits.json'), 'utf8')) as {
  cases: { id: string; system: string; model: string; params: Record<string, number>; steady: Record<string, number | number[]> }[];
};
const dir = mkdtempSync(join(tmpdir(), 'qbsweep-nqubits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pointJson = (args: string[], system = SYSTEM) => {
  const r = runCli(['point', '--backend', 'cpu', '--system', system, '--json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown> & { steady: Record<string, number | null>; flags: string[] };
};

describe('n = 3 on the cpu backend', () => {
  it.each(['n3-charger-defaults', 'n3-charger-hot-charger'])("point --json (%s): the long-time values of the declared two-cell battery equal QuTiP's within 1e-8", (id) => {
    const ref = qutip.cases.find((c) => c.id === id)!;
    expect(ref.system).toBe(SYSTEM);
    const got = pointJson(['--model', ref.model, ...Object.entries(ref.params).flatMap(([k, v]) => ['--set', `${k}=${v}`])]);
    expect(got.flags).toEqual([]);
    // (its reservoirs are bosons: qbsweep reports particle currents of fermion reservoirs only)
    const keys = Object.keys(ref.steady).filter((k) => k !== 'r' && !k.startsWith('particle_current_'));
    expect(keys).toHaveLength(14);
    for (const k of keys) expect(Math.abs((got.steady[k] as number) - (ref.steady[k] as number)), k).toBeLessThan(1e-8);
    // the concurrence is a two-qubit figure
    expect(got.concurrence).toBeNull();
  });

  it('point (text) prints |rho(tau)| on the eight three-qubit basis states, with trace 1', () => {
    const r = runCli(['point', '--backend', 'cpu', '--system', SYSTEM]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => /^ {4}[eg]{3} /.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/)[0])).toEqual(['eee', 'eeg', 'ege', 'egg', 'gee', 'geg', 'gge', 'ggg']);
    const trace = rows.reduce((s, l, i) => s + Number(l.trim().split(/\s+/)[1 + i]), 0);
    expect(Math.abs(trace - 1)).toBeLessThan(5e-5);
  });

  it('sweep --backend cpu on a 2 x 2 grid: CSV and HDF5 of finite values, each point the float64 point', async () => {
    const outputs = ['efficiency', 'ergotropy_over_omega', 'steady.E_B_over_omega', 'steady.battery_entropy', 'steady.heat_current_2', 'average_power'];
    const r = runCli(['sweep', '--backend', 'cpu', '--system', SYSTEM, '--axis', 'F=0.2:0.8:2', '--axis', 'Delta2=-0.2:0.2:2', '--tau', '30', '--outputs', outputs.join(','), '--out', dir, '--name', 'n3', '--quiet', '--no-png']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'n3.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const header = lines[0].split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(4);
    for (const row of rows) for (const o of outputs) expect(Number.isFinite(Number(row[header.indexOf(o)])), o).toBe(true);
    // the last point (F = 0.8, Delta2 = 0.2) read from its record is the point's own number
    const last = rows[3];
    const p = pointJson(['--set', 'F=0.8', '--set', 'Delta2=0.2', '--tau', '30']);
    for (const o of outputs) {
      const want = o.startsWith('steady.') ? p.steady[o.slice(7)] : (p[o] as number);
      expect(Number(last[header.indexOf(o)]), o).toBeCloseTo(want as number, 12);
    }
    await h5wasm.ready;
    const f = new h5wasm.File(join(dir, 'n3.h5'), 'r');
    try {
      const v = f.get('steady_battery_entropy') as { value: Float64Array | Float32Array };
      expect(Array.from(v.value).every(Number.isFinite)).toBe(true);
      expect(v.value.length).toBe(4);
    } finally {
      f.close();
    }
  });

  it('sweep --backend cpu with rho, the negativity and a time grid: the 8 x 8 rho, the figures and the curves of the point', async () => {
    const outputs = ['E_B_over_omega', 'negativity', 'steady.negativity', 'rho', 'max_average_power'];
    const r = runCli(['sweep', '--backend', 'cpu', '--system', SYSTEM, '--axis', 'F=0.2:0.8:2', '--tau', '20', '--times', '0:20:5', '--outputs', outputs.join(','), '--out', dir, '--name', 'n3rho', '--quiet', '--no-png']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'n3rho.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    const header = lines[0].split(',');
    const rhoColumns = header.filter((c) => c.startsWith('rho_'));
    expect(rhoColumns).toHaveLength(2 * 64);
    expect(rhoColumns.slice(0, 9)).toEqual([...Array.from({ length: 8 }, (_, j) => `rho_real[0][${j}]`), 'rho_real[1][0]']);
    expect(rhoColumns.at(-1)).toBe('rho_imag[7][7]');
    const last = lines[2].split(',');
    const col = (c: string) => Number(last[header.indexOf(c)]);
    // the point F = 0.8 from its record is the point's own number: rho(tau), the negativity, the curve's end
    const p = pointJson(['--set', 'F=0.8', '--tau', '20', '--times', '0:20:5']);
    const rho = { real: p.rho_real as number[][], imag: p.rho_imag as number[][] };
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) for (const part of ['real', 'imag'] as const) expect(col(`rho_${part}[${i}][${j}]`), `rho_${part}[${i}][${j}]`).toBeCloseTo(rho[part][i][j], 12);
    expect(Array.from({ length: 8 }, (_, i) => col(`rho_real[${i}][${i}]`)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const o of ['E_B_over_omega', 'negativity']) expect(col(o), o).toBeCloseTo(p[o] as number, 12);
    expect(col('steady.negativity')).toBeCloseTo(p.steady.negativity as number, 12);
    const traj = p.trajectory as Record<string, (number | null)[]>;
    expect(traj.t).toEqual([0, 5, 10, 15, 20]);
    // the curve's last time is tau: the point's own E_B; the charging figure is read off that curve
    expect(traj.E_B_over_omega[4]).toBeCloseTo(p.E_B_over_omega as number, 10);
    expect(col('max_average_power')).toBeCloseTo(Math.max(...(traj.average_power as number[])), 10);
    expect(traj.concurrence.every((x) => x === null)).toBe(true);
    await h5wasm.ready;
    const f = new h5wasm.File(join(dir, 'n3rho.h5'), 'r');
    try {
      const e = (f.get('trajectory_E_B_over_omega') as { value: Float64Array; shape: number[] });
      expect(e.shape).toEqual([2, 5]);
      Array.from(e.value.subarray(5)).forEach((x, j) => expect(x, `t = ${traj.t[j]}`).toBeCloseTo(traj.E_B_over_omega[j] as number, 12));
    } finally {
      f.close();
    }
  });

  it('rho and time grids of such a system are not refused; theta/phi axes are (two-qubit angles): one line', () => {
    const spec = (more: Record<string, unknown>) => resolveSpec({ name: 'n3', system: SYSTEM, axes: [{ param: 'F', values: [0.2, 0.8] }], outputs: ['efficiency'], ...more }, REPO);
    expect(() => refuseTwoQubitOnly(spec({ outputs: ['rho'], times: { from: 0, to: 10, n: 3 } }))).not.toThrow();
    expectOneLineError(runCli(['sweep', '--backend', 'cpu', '--system', SYSTEM, '--axis', 'theta=0:1:2', '--out', join(dir, 'theta')]), /an axis over theta\/phi .* two-qubit systems only/);
  });

  it('a GPU backend without n > 2 kernels refuses the system in one line suggesting --backend cpu, writing nothing (webgpu: test/cli/nqubits-webgpu.test.ts)', () => {
    expectOneLineError(runCli(['point', '--backend', 'webgl', '--system', SYSTEM]), /system n3-charger-two-cells: 3 qubits: the webgl backend .* use --backend cpu$/);
    const out = join(dir, 'refused');
    expectOneLineError(runCli(['sweep', '--backend', 'webgl', '--system', SYSTEM, '--axis', 'F=0.2:0.8:2', '--out', out]), /3 qubits: the webgl backend .* use --backend cpu$/);
    expect(existsSync(out)).toBe(false);
  });

  it('a state of the wrong size: one line naming it', () => {
    expectOneLineError(runCli(['point', '--backend', 'cpu', '--system', SYSTEM, '--state', 'eg']), /initial_state\.label: a state of this system's 3 qubits is a label of 3 letters e\/g such as "egg".*\(got "eg"\)/);
    expectOneLineError(runCli(['point', '--backend', 'cpu', '--system', SYSTEM, '--set', 'initial_state={"psi_real":[1,0,0,0]}']), /initial_state\.psi_real: must be an array of 8 numbers/);
  });
});

describe('n = 4 on the cpu backend, Node\'s default stack', () => {
  it("point --json (n4-xxz-chain-defaults, Bloch-Redfield): the long-time values equal QuTiP's within 1e-8", () => {
    // (its generator overflowed Node's stack while unrolled: src/compiler/targets.ts GeneratorForm)
    const ref = qutip.cases.find((c) => c.id === 'n4-xxz-chain-defaults')!;
    const got = pointJson(['--model', ref.model, ...Object.entries(ref.params).flatMap(([k, v]) => ['--set', `${k}=${v}`])], ref.system);
    expect(got.flags).toEqual([]);
    // particle currents of the fermion lead only (reservoir 2); no negativity output yet
    const keys = Object.keys(ref.steady).filter((k) => k !== 'r' && k !== 'negativity' && k !== 'particle_current_1' && k !== 'particle_current_3');
    expect(keys).toHaveLength(14);
    for (const k of keys) expect(Math.abs((got.steady[k] as number) - (ref.steady[k] as number)), k).toBeLessThan(1e-8);
  });
});
