// `qbsweep figure`: every figure at a coarse resolution on the float64 cpu backend (and a few on
// WebGPU when an adapter exists), the files each writes, and the command line.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { WebGpuBackend } from '../../src/backends/webgpu/backend.js';
import type { WebGpuEngine } from '../../src/backends/webgpu/engine.js';
import { FigureContext, kernelProjector } from '../../src/figures/context.js';
import { FIGURES, resolveFigureIds } from '../../src/figures/index.js';
import { figureStem, produceFigure } from '../../src/figures/output.js';
import { flaggedBands, niceBound } from '../../src/io/render.js';
import { InputError, resolvePoint } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import { initialVector } from '../../src/model/evolve.js';
import { batteryObservables } from '../../src/model/observables.js';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { gpuEngine, releaseGpu } from '../helpers/gpu.js';

const COARSE = { steady: false, curvePoints: 9, mapGrid: [7, 5] as [number, number] };
const dir = mkdtempSync(join(tmpdir(), 'qbsweep-fig-'));
const cpu = new CpuBackend(2);
let engine: WebGpuEngine | undefined;

beforeAll(async () => {
  engine = await gpuEngine();
});
afterAll(async () => {
  await cpu.close();
  await releaseGpu();
  rmSync(dir, { recursive: true, force: true });
});

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).equals(PNG_MAGIC)).toBe(true);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('figure ids', () => {
  it('expand aliases and all, in order, without duplicates', () => {
    expect(resolveFigureIds(['2']).map((f) => f.id)).toEqual(['2a', '2b', '2c']);
    expect(resolveFigureIds(['fig9', '7', '9']).map((f) => f.id)).toEqual(['9', '7a', '7b']);
    expect(resolveFigureIds(['all']).map((f) => f.id)).toEqual(['2a', '2b', '2c', '3', '4', '5', '6', '7a', '7b', '8', '9', '10', '11', 'eq4']);
    expect(() => resolveFigureIds(['12'])).toThrowError(InputError);
    expect(() => resolveFigureIds(['12'])).toThrowError(/figure "12": unknown/);
  });
});

describe('every figure on the float64 cpu backend, coarse', () => {
  const ctx = new FigureContext(COARSE, async () => cpu);
  for (const def of FIGURES) {
    it(def.id, async () => {
      const w = await produceFigure(def, ctx, dir, 'test');
      const [csv, png, json] = w.files;
      const { width, height } = pngSize(png);
      expect(width).toBeGreaterThan(600);
      expect(height).toBeGreaterThan(300);
      // by its layout: every text inside the canvas and drawn whole (no limit cut it short)
      const l = w.layout;
      for (const t of l.texts) {
        expect(t.clipped, `"${t.text}" cut short`).toBe(false);
        expect(t.x >= -0.5 && t.y >= -0.5 && t.x + t.width <= l.width + 0.5 && t.y + t.height <= l.height + 0.5, `"${t.text}" outside the ${l.width} x ${l.height} canvas`).toBe(true);
      }
      expect(l.panels.length).toBeGreaterThan(0);
      const m = JSON.parse(readFileSync(json, 'utf8'));
      expect(m.figure).toBe(def.id);
      expect(m.files).toEqual(['csv', 'png', 'json'].map((ext) => `figure-${def.id}.${ext}`));
      expect(m.timings.total_s).toBeGreaterThan(0);
      const lines = readFileSync(csv, 'utf8').trim().split('\n');
      expect(lines[0].startsWith('part,')).toBe(true);
      expect(lines.length - 1).toBe(w.points);
      expect(w.points).toBeGreaterThan(0);
    }, 60_000);
  }
});

describe('what the figures show (cpu, coarse)', () => {
  it('Fig. 2(a): the Redfield gap is 0 at Delta = 0, the Lindblad gap is not', async () => {
    const ctx = new FigureContext(COARSE, async () => cpu);
    const { numbers } = await resolveFigureIds(['2a'])[0].build(ctx);
    expect(Math.abs(numbers!['redfield_gap_at_Delta0_dT=0'] as number)).toBeLessThan(1e-12);
    expect(numbers!.lindblad_gap_at_Delta0).toBeCloseTo(-0.3108, 4);
  });
  it('Fig. 2 in 2-D: the Redfield gap is below 1e-5 exactly on the line Delta = 0, the Eq. (4) gap nowhere', async () => {
    const ctx = new FigureContext(COARSE, async () => cpu);
    const { numbers } = await resolveFigureIds(['2c'])[0].build(ctx);
    const panels = Object.values(numbers!) as Record<string, number>[];
    expect(panels.map((p) => p['points_with_gap_below_1e-5'])).toEqual([5, 5, 0, 0]);
    expect(panels.every((p) => p['of_them_off_Delta=0'] === 0)).toBe(true);
  });
  it('Fig. 7(b): P = 0 at mu = M for every T (the coarse mu grid straddles it)', async () => {
    const ctx = new FigureContext({ ...COARSE, curvePoints: 201 }, async () => cpu);
    const { numbers } = await resolveFigureIds(['7b'])[0].build(ctx);
    for (const T of [1, 2, 3]) expect((numbers![`T=${T}`] as { mu_of_min_P: number }).mu_of_min_P).toBeCloseTo(1.1, 6);
  });
  it('--steady: the resonant long-time limit is the float64 projection (a projector per generator)', () => {
    const p = resolvePoint({ F: 0.5, initial_state: { theta: 0.3, phi: 0.7 } });
    const proj = kernelProjector(p);
    expect(proj.kernelDim).toBe(2);
    const ref = evaluatePoint(p);
    expect(batteryObservables(proj.apply(initialVector(p))).efficiency).toBeCloseTo(ref.steady.efficiency, 12);
  });
  it('flagged runs become bands half a step wide on each side, clipped to the axis', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    expect(flaggedBands(xs, (i) => i === 0 || i === 2 || i === 3)).toEqual([{ from: 0, to: 0.5 }, { from: 1.5, to: 3.5 }]);
    expect(niceBound(0.2517, 'up')).toBeCloseTo(0.3, 12);
    expect(niceBound(-0.31, 'down')).toBeCloseTo(-0.4, 12);
  });
});

describe('on WebGPU (skipped without an adapter outside CI)', () => {
  for (const id of ['2a', '2c', '4', '9']) {
    it(id, async (c) => {
      if (!engine && !process.env.CI) c.skip();
      const ctx = new FigureContext(COARSE, async () => WebGpuBackend.fromEngine(engine!));
      const w = await produceFigure(resolveFigureIds([id])[0], ctx, dir, 'test');
      const m = JSON.parse(readFileSync(w.files[2], 'utf8'));
      expect(m.parts.every((p: { backend: string }) => p.backend === 'webgpu')).toBe(true);
      if (id === '2c') {
        const panels = Object.values(m.numbers) as Record<string, number>[];
        expect(panels.map((p) => p['points_with_gap_below_1e-5'])).toEqual([5, 5, 0, 0]);
        expect(panels.every((p) => p['of_them_off_Delta=0'] === 0)).toBe(true);
      }
      if (id === '4') {
        // the zoom's near-resonant points: f32 sees no gap there; flags and limits came from float64
        const zoom = m.parts.find((p: { name: string }) => p.name === 'fig4-zoom');
        expect(zoom.flags['not-stationary-at-tau']).toBeGreaterThan(0);
      }
      if (id === '9') {
        const ref = new FigureContext(COARSE, async () => cpu);
        const r = await resolveFigureIds(['9'])[0].build(ref);
        const a = (m.numbers.max as { value: number }).value;
        const b = (r.numbers!.max as { value: number }).value;
        expect(Math.abs(a - b)).toBeLessThan(1e-4);
      }
    }, 120_000);
  }
});

describe('qbsweep figure', () => {
  it('writes the three files and prints the time per figure', () => {
    const out = join(dir, 'cli');
    const r = runCli(['figure', '7', '--backend', 'cpu', '--points', '9', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/figure-7a: [\d.]+ s \(9 points\) -> .*figure-7a\.png/);
    expect(r.stderr).toMatch(/figure-7b: [\d.]+ s \(27 points\)/);
    expect(r.stderr).toMatch(/total: [\d.]+ s for 2 figures/);
    // each figure says it started before it finishes
    const lines = r.stderr.split('\n');
    expect(lines.indexOf('figure-7a: computing (1 of 2) ...')).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf('figure-7b: computing (2 of 2) ...')).toBeGreaterThan(lines.findIndex((l) => /^figure-7a: [\d.]+ s/.test(l)));
    pngSize(join(out, 'figure-7b.png'));
  }, 60_000);
  it('never mixes with a sweep: its stems differ from the presets\', --steady has its own, and its manifest given to --spec says what it is', () => {
    const out = join(dir, 'mixed');
    expect(figureStem(resolveFigureIds(['9'])[0], false)).toBe('figure-9');
    expect(figureStem(resolveFigureIds(['3'])[0], true)).toBe('figure-3-steady');
    const sweep = runCli(['sweep', '--preset', 'fig9', '--grid', '3x2', '--backend', 'cpu', '--no-png', '--quiet', '--out', out]);
    expect(sweep.code, sweep.stderr).toBe(0);
    const before = readFileSync(join(out, 'fig9.csv'), 'utf8');
    const steady = runCli(['figure', '7a', '--steady', '--backend', 'cpu', '--points', '5', '--quiet', '--out', out]);
    expect(steady.code, steady.stderr).toBe(0);
    expect(readFileSync(join(out, 'fig9.csv'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(out, 'figure-7a-steady.json'), 'utf8')).steady).toBe(true);
    // the figure's manifest is not a spec: one line naming the command that reruns it
    expectOneLineError(runCli(['sweep', '--spec', join(out, 'figure-7a-steady.json'), '--out', out]), /^qbsweep: spec: this is the manifest of figure 7a, not of a sweep; rerun it with: qbsweep figure 7a --steady /);
    // a sweep named like a figure is another run's files: refused, or removed with --force
    expect(runCli(['sweep', '--preset', 'fig9', '--grid', '3x2', '--backend', 'cpu', '--quiet', '--name', 'figure-7a', '--out', out]).code).toBe(0);
    const figure7a = ['figure', '7a', '--backend', 'cpu', '--points', '5', '--out', out];
    expectOneLineError(runCli(figure7a), /^qbsweep: option --out: .* already holds figure-7a\.csv, figure-7a\.h5, figure-7a\.json, figure-7a\.png of another run \(a sweep\); .*--force/);
    const forced = runCli([...figure7a, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/--force: removed figure-7a\.csv, figure-7a\.h5, figure-7a\.json, figure-7a\.png of another run \(a sweep\)/);
    expect(readdirSync(out).filter((f) => f.startsWith('figure-7a.')).sort()).toEqual(['figure-7a.csv', 'figure-7a.json', 'figure-7a.png']);
    expect(JSON.parse(readFileSync(join(out, 'figure-7a.json'), 'utf8')).figure).toBe('7a');
    // a rerun of the same figure replaces its own files
    expect(runCli([...figure7a, '--quiet']).code).toBe(0);
  }, 60_000);
  it('rejects an unknown figure and a bad --grid with one line', () => {
    expectOneLineError(runCli(['figure', '12', '--out', dir]), /figure "12": unknown/);
    expectOneLineError(runCli(['figure', '9', '--grid', '3by3', '--out', dir]), /option --grid: expected NxM/);
    // an --out that cannot be written is refused before any computing
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    expectOneLineError(runCli(['figure', 'power', '--out', join(file, 'figs')]), /^qbsweep: option --out: .*a-file\/figs \(its parent .*a-file\) is a file, not a directory$/);
  });
});

describe('figure power (the figures of merit on the Fig. 9 setting), float64, coarse', () => {
  it('peak power near resonance, early; the long-time ergotropy is incoherent where it is large', async () => {
    const ctx = new FigureContext({ ...COARSE, mapGrid: [9, 5] }, async () => cpu);
    const [def] = resolveFigureIds(['power']);
    const w = await produceFigure(def, ctx, dir, 'test');
    const n = w.numbers as {
      max_average_power: { value: number; at: { Delta: number } };
      ergotropy_max: { value: number; at: { Delta: number }; coherent_share: number };
      coherent_ergotropy_max: { value: number; at: { Delta: number } };
    };
    // the first exchange half-cycle of |eg> -> |ge> charges fastest where it is complete (Delta ~ 0)
    expect(n.max_average_power.value).toBeGreaterThan(0.5);
    expect(Math.abs(n.max_average_power.at.Delta)).toBeLessThanOrEqual(1);
    // the ergotropy of the Fig. 9 corner is population inversion, not coherence
    expect(n.ergotropy_max.at.Delta).toBeGreaterThan(2);
    expect(n.ergotropy_max.coherent_share).toBeLessThan(0.01);
    expect(n.coherent_ergotropy_max.value).toBeLessThan(0.1);
    expect(w.files.length).toBe(3);
  }, 300_000);
});
