// What a newcomer sees first: help without loading the heavy modules, and a GPU run whose
// stderr has qbsweep's lines only (no native notes from Dawn).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { releaseGpu, skipWithoutGpu } from '../helpers/gpu.js';
import { REPO, expectOneLineError, runCli } from '../helpers/cli.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { nativeNoise } from '../../src/backends/webgpu/nativeStderr.js';

afterAll(releaseGpu);

describe('qbsweep start-up', () => {
  it('--help lists every command with its summary; --version prints the package version', () => {
    const h = runCli(['--help']);
    expect(h.code).toBe(0);
    const listing = h.stdout.replace(/\n {3,}/g, ' '); // commander wraps long summaries
    for (const [name, c] of Object.entries(COMMANDS)) expect(listing).toMatch(new RegExp(`^  ${name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    expect(h.stdout).toContain('--verbose');
    const v = runCli(['--version']);
    expect(v.stdout.trim()).toBe('0.1.0');
    // a command's own help loads that command (its options are there)
    expect(runCli(['sweep', '--help']).stdout).toContain('--check <n>');
    expect(runCli(['help', 'point']).stdout).toContain('--delta');
  });

  it("Dawn's known notes are dropped, anything else it says is kept", () => {
    const dawn = [
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
      '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
      '',
      'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
      'Error: device lost (VK_ERROR_DEVICE_LOST)',
      '',
    ].join('\n');
    expect(nativeNoise(dawn)).toEqual({ kept: 'Error: device lost (VK_ERROR_DEVICE_LOST)\n', dropped: 4 });
  });

  it('a mistyped command or option is one line and exit status 2, like any bad input', () => {
    expectOneLineError(runCli(['swep']), /^qbsweep: unknown command 'swep' \(Did you mean sweep\?\) \(run with --help for usage\)$/);
    expectOneLineError(runCli(['sweep', '--preset', 'fig9', '--stat', 'plus']), /^qbsweep: unknown option '--stat' \(Did you mean --state\?\)/);
    expectOneLineError(runCli(['sweep', '--preset']), /^qbsweep: option '--preset <name>' argument missing/);
  });

  it('a GPU sweep piped to another program prints no native warnings; --verbose shows them', async (ctx) => {
    await skipWithoutGpu(ctx);
    const out = mkdtempSync(join(tmpdir(), 'qbsweep-start-'));
    // stderr through a real pipe (`qbsweep ... 2>&1 | tee log`), not a socket as node's spawn gives
    const run = (extra: string) =>
      spawnSync('/bin/sh', ['-c', `"${process.execPath}" bin/qbsweep.js sweep --preset fig10 --grid 3x2 --outputs efficiency --no-png --no-h5 --out "${out}" ${extra} 2>&1 >/dev/null | cat`], { cwd: REPO, encoding: 'utf8' }).stdout;
    const quiet = run('');
    expect(quiet).toMatch(/backend webgpu/);
    expect(quiet).not.toMatch(/Warning:|libvulkan|artificially reduced/);
    expect(quiet.trimEnd().split('\n').every((l) => l.startsWith('qbsweep: ') || l.startsWith('fig10: '))).toBe(true);
    const verbose = run('--verbose');
    expect(verbose).toMatch(/backend webgpu/);
    // on Mesa's OpenGL backend Dawn always says this; other adapters may say nothing
    if (/OpenGL/.test(verbose)) expect(verbose).toMatch(/artificially reduced/);
  }, 120_000);

  it('stderr into a file (2> log, > log 2>&1): no native warnings, and nothing of ours overwritten', async (ctx) => {
    await skipWithoutGpu(ctx);
    const dir = mkdtempSync(join(tmpdir(), 'qbsweep-start-'));
    const [err, both, shared] = [join(dir, 'err.log'), join(dir, 'both.log'), join(dir, 'shared.log')];
    const cmd = `"${process.execPath}" bin/qbsweep.js point --backend webgpu --tau 5`;
    // a file opened without O_APPEND: bash's `2> log` (issue 18: the two Dawn lines landed there);
    // then the file shared with the shell, which writes after us: Dawn's notes pass, nothing is lost
    spawnSync('/bin/bash', ['-c', `${cmd} 2> "${err}" >/dev/null; ${cmd} > "${both}" 2>&1; { ${cmd} >/dev/null; echo after >&2; } 2> "${shared}"`], { cwd: REPO });
    const e = readFileSync(err, 'utf8');
    expect(e).not.toMatch(/Warning:|artificially reduced/);
    expect(e).toMatch(/^qbsweep: backend webgpu .*\nqbsweep: float64 cross-check of 1 point: PASSED/);
    // stdout and stderr on one file: every line once, in order, none overwritten
    const b = readFileSync(both, 'utf8');
    expect(b).not.toMatch(/Warning:|artificially reduced/);
    expect(b).toMatch(/^qbsweep: backend webgpu .*\nqbsweep point: redfield, boson reservoirs, backend webgpu\n[^]*\|rho\(tau\)\|:\n(.*\n){4}qbsweep: float64 cross-check of 1 point: PASSED.*\n$/);
    expect(readFileSync(shared, 'utf8')).toMatch(/\nqbsweep: backend webgpu .*\nqbsweep: float64 cross-check of 1 point: PASSED.*\nafter\n$/);
  }, 120_000);
});
