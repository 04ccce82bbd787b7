// The command line's browser pieces as a user runs them: `sweep --backend browser` (headless
// Chromium, the same files as any backend), `--backend webgl` in Node (gpu.js needs
// headless-gl: without it, one clear line), and `qbsweep serve`.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, expectOneLineError, runCli, runCliAsync } from '../helpers/cli.js';
import { browserMissing } from '../helpers/browser.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'qbsweep-browser-cli-'));

describe('qbsweep sweep --backend browser', () => {
  it('runs a preset in headless Chromium and writes the same files as any backend, charging curves included', async (ctx) => {
    const skip = browserMissing();
    if (skip) ctx.skip(skip);
    const out = tmp();
    const r = await runCliAsync(['sweep', '--preset', 'fig9', '--grid', '4x3', '--times', '0:4:9', '--backend', 'browser', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/qbsweep: backend browser: WebGPU on .* in HeadlessChrome\/\d+/);
    expect(r.stderr).toMatch(/fig9: 48 points in/);
    for (const f of ['fig9.csv', 'fig9.json', 'fig9.png']) expect(existsSync(join(out, f)), f).toBe(true);
    const m = JSON.parse(readFileSync(join(out, 'fig9.json'), 'utf8'));
    expect(m.backend).toMatchObject({ backend: 'browser', precision: 'float32', engine: 'webgpu' });
    expect(m.backend.adapter.backend).toMatch(/^browser/);
    // the float64 cross-check every GPU sweep carries
    expect(m.cross_check, JSON.stringify(m.precision.float64_cross_check)).toBe('passed');
    // the five outputs, the five charging curves at every time and the three figures read off them
    expect(Object.keys(m.precision.float64_cross_check.columns).length).toBe(13);
    expect(m.precision.float64_cross_check.columns['trajectory.E_B_over_omega'].checked).toBe(24 * 9);
    const csv = readFileSync(join(out, 'fig9.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(49);
    expect(csv[0]).toBe('Tbar,dT_over_Tbar,Delta,dT,efficiency,E_B_over_omega,ergotropy_over_omega,concurrence,steady.efficiency,max_average_power,time_of_max_average_power,charging_time_90,flags');
  }, 180_000);

  it('refuses an integrator the GPU backends do not have, in one line', (ctx) => {
    const skip = browserMissing();
    if (skip) ctx.skip(skip);
    const r = runCli(['sweep', '--preset', 'fig9', '--grid', '2x2', '--backend', 'browser', '--integrator', 'expm', '--out', tmp()]);
    expectOneLineError({ ...r, stderr: r.stderr.split('\n').filter((l) => !/^qbsweep: backend browser/.test(l)).join('\n') }, /option --integrator: "expm" is not a GPU integrator \(expected leap, rk4\)/);
  }, 120_000);
});

describe('qbsweep sweep --backend webgl (Node)', () => {
  it('runs on headless-gl where it is installed, and otherwise says why not in one line', () => {
    let gl = false;
    try {
      createRequire(import.meta.url)('gl');
      gl = true;
    } catch {
      gl = false;
    }
    const out = tmp();
    const r = runCli(['sweep', '--preset', 'fig9', '--grid', '2x2', '--backend', 'webgl', '--out', out]);
    if (gl) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/backend webgl: gpu\.js headlessgl/);
      return;
    }
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length, r.stderr).toBe(1);
    expect(lines[0]).toMatch(/^qbsweep: backend webgl unavailable: gpu\.js has no WebGL here: in Node it needs headless-gl \(the npm package "gl", built from source, and an X server such as Xvfb\); without it gpu\.js would silently run on the CPU/);
    expect(existsSync(join(out, 'fig9.csv'))).toBe(false);
  }, 60_000);
});

describe('qbsweep serve', () => {
  it('serves the explorer, its bundle and the shaders on 127.0.0.1 only, and nothing else', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin/qbsweep.js'), 'serve', '--port', '0'], { cwd: REPO });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /qbsweep explorer: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) resolve(m[1]);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const get = async (p: string) => {
        const r = await fetch(url + p);
        return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
      };
      const index = await get('');
      expect(index.status).toBe(200);
      expect(index.body).toMatch(/<title>qbsweep explorer<\/title>/);
      const app = await get('app.js');
      expect(app.status).toBe(200);
      expect(app.type).toMatch(/javascript/);
      expect(app.body).toContain('qbsweepExplorer');
      expect((await get('shaders/kernels/leap.wgsl')).body).toContain('fn main');
      for (const p of ['../package.json', 'shaders/../package.json', 'src/backends/browser/server.ts', 'node_modules/vega/package.json']) expect((await get(p)).status, p).toBe(404);
    } finally {
      child.kill('SIGINT');
    }
  }, 60_000);

  it('rejects a bad port in one line', () => {
    expectOneLineError(runCli(['serve', '--port', '70000']), /^qbsweep: option --port: must be a whole number from 0 to 65535 \(got 70000\)$/);
    expectOneLineError(runCli(['serve', '--port', 'http']), /^qbsweep: option --port: "http" is not a number$/);
  });
});
