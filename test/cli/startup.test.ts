// What a newcomer sees first: help without loading the heavy modules, and a GPU run whose
// stderr has qbsweep's lines only (no native notes from Dawn).

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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
});
