// `qbsweep bench` against QuTiP 4.7 in the same run (issue 20 item 7): the qutip row times
// scripts/reference/qutip_bench.py on points of the same preset (Debian's python3-qutip, which
// .ci/run installs), and every row gets its ratio to it.

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { releaseGpu, skipWithoutGpu } from '../helpers/gpu.js';

const dir = mkdtempSync(join(tmpdir(), 'qbsweep-bench-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await releaseGpu();
});

describe('bench of four qubits on webgpu', () => {
  it('measured, or said not measured where the adapter cannot run the kernels; the device memory per point either way', async (ctx) => {
    await skipWithoutGpu(ctx);
    const r = runCli(['bench', '--preset', 'central-spin', '--backends', 'webgpu', '--grid', '1x1']);
    expect(r.code, r.stderr).toBe(0);
    // a work buffer of three 256 x 256 f32 matrices at least
    const bytes = Number(r.stdout.match(/WebGPU device memory per point \(4 qubits, leap\): ([\d,]+) bytes/)?.[1].replace(/,/g, ''));
    expect(bytes).toBeGreaterThan(3 * 256 * 256 * 4);
    expect(bytes).toBeLessThan(4 * 256 * 256 * 4);
    // llvmpipe's loop budget cuts the four-qubit kernels (a hardware GPU runs them)
    if (/not measured/.test(r.stderr)) expect(r.stderr).toMatch(/^qbsweep bench: webgpu not measured: webgpu: the kernel of a system of 4 qubits ran past this adapter's budget of loop iterations/m);
    else expect(r.stdout).toMatch(/^ {2}webgpu {2}leap {8}1x1 /m);
  }, 120_000);
});

describe('bench --backends cpu,qutip', () => {
  it('prints a cpu row and a qutip row of the three-qubit preset, each with its ratio to QuTiP', () => {
    const r = runCli(['bench', '--preset', 'charger-two-cells', '--backends', 'cpu,qutip', '--cpu-grid', '2x2', '--qutip-grid', '2x2']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.trim().startsWith('backend'))).toMatch(/points\/s\s+x cpu\s+x qutip\s+adapter$/);
    const row = (backend: string) => {
      const l = lines.find((x) => x.trim().startsWith(`${backend} `));
      expect(l, r.stdout).toBeDefined();
      const [, integrator, grid, points, seconds, pps, xCpu, xQutip] = l!.trim().split(/\s+/);
      return { integrator, grid, points: +points, seconds: +seconds, pps: +pps.replace(/,/g, ''), xCpu: +xCpu, xQutip: +xQutip, line: l! };
    };
    const cpu = row('cpu');
    const qutip = row('qutip');
    expect([cpu.integrator, cpu.grid, cpu.points]).toEqual(['expm', '2x2', 4]);
    expect([qutip.integrator, qutip.grid, qutip.points]).toEqual(['steadystate', '2x2', 4]);
    expect(qutip.line).toMatch(/QuTiP 4\.7\.\d+: bloch_redfield_tensor \+ steadystate per point$/);
    // points/s is points over seconds (seconds printed to 0.01 s)
    for (const x of [cpu, qutip]) expect(Math.abs(x.pps / (x.points / x.seconds) - 1)).toBeLessThan(0.1);
    expect(qutip.xQutip).toBe(1);
    // the ratios are those of the printed rates: x qutip to two digits, x cpu to 0.1
    expect(Math.abs(cpu.xQutip / (cpu.pps / qutip.pps) - 1)).toBeLessThan(0.06);
    expect(Math.abs(qutip.xCpu - qutip.pps / cpu.pps)).toBeLessThan(0.05 + 0.01 * qutip.xCpu);
  }, 300_000);

  it('without a Python that runs QuTiP: one line naming it, exit 2', () => {
    expectOneLineError(runCli(['bench', '--preset', 'charger-two-cells', '--backends', 'qutip', '--python', join(dir, 'no-such-python')]), /^qbsweep: option --backends: qutip runs \S+no-such-python, which cannot be started \(ENOENT\) \(QuTiP 4\.7 for Debian's python: apt-get install python3-qutip; another Python: --python PATH\)$/);
    // a Python without QuTiP: the script's last line (the import error) is the reason
    const noQutip = join(dir, 'python-without-qutip');
    writeFileSync(noQutip, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'qutip\'" >&2\nexit 1\n');
    chmodSync(noQutip, 0o755);
    expectOneLineError(runCli(['bench', '--preset', 'charger-two-cells', '--backends', 'qutip', '--python', noQutip]), /^qbsweep: option --backends: qutip: \S+python-without-qutip scripts\/reference\/qutip_bench\.py failed: ModuleNotFoundError: No module named 'qutip' \(QuTiP 4\.7/);
  });

  it('refuses an unknown backend, naming qutip among the others', () => {
    expectOneLineError(runCli(['bench', '--backends', 'cpu,qutipp']), /^qbsweep: option --backends: unknown backend "qutipp" \(expected webgpu, cpu, browser, webgl, qutip\)$/);
  });
});
