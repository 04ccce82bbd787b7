// Shared checks of the browser harness tests: reference cases and coarse preset grids on a
// browser backend against the float64 reference, with the engine's GPU tolerances.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { BrowserBackend } from '../../src/backends/browser/backend.js';
import type { CpuBackend } from '../../src/backends/cpu/backend.js';
import type { SweepJob } from '../../src/backends/types.js';
import { OUT, OUT_STRIDE, PARAM_STRIDE } from '../../src/core/layout.js';
import { pointRow } from '../../src/model/generators.js';
import { type PointParams, resolvePoint } from '../../src/model/params.js';
import { vectorToDensity } from '../../src/algebra/pauli.js';
import { compareResults } from '../../src/sweep/compare.js';
import { DEFAULT_OUTPUTS } from '../../src/sweep/outputs.js';
import { preset } from '../../src/sweep/presets.js';
import { runSweep, type SweepResult } from '../../src/sweep/run.js';
import { applyGrid, resolveSpec, type SweepSpec } from '../../src/sweep/spec.js';
import { GPU_TOLERANCE, toleranceAt } from '../../src/sweep/tolerance.js';
import { SHOTS } from './browser.js';
import type { ReferenceCase } from './reference.js';

/** Rows handed to a backend directly (the reference cases are points, not a grid). */
export function rowsJob(points: PointParams[], outputs: string[], integrator = 'leap'): SweepJob {
  const rows = new Float32Array(points.length * PARAM_STRIDE);
  points.forEach((p, i) => pointRow(p, 0, rows, i));
  const p0 = points[0];
  return { rows, settings: { system: p0.system, model: p0.model, reservoir: p0.reservoir, zeroFreq: p0.zero_freq }, integrator, outputs };
}

const REF_OUTPUTS = ['efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'liouvillian_gap', 'steady.efficiency', 'steady.concurrence'];

/** Runs reference cases (one batch per run settings) and checks every output against the reference; returns the largest deviations. */
export async function checkReferenceCases(backend: BrowserBackend, cases: ReferenceCase[], outputs = REF_OUTPUTS): Promise<Record<string, number>> {
  const worst: Record<string, number> = {};
  const note = (k: string, d: number) => (worst[k] = Math.max(worst[k] ?? 0, d));
  const batches = new Map<string, ReferenceCase[]>();
  for (const c of cases) {
    const p = resolvePoint(c.inputs);
    const key = JSON.stringify([p.model, p.reservoir, p.zero_freq, p.lindblad_freq]);
    batches.set(key, [...(batches.get(key) ?? []), c]);
  }
  for (const batch of batches.values()) {
    const points = batch.map((c) => resolvePoint(c.inputs));
    const r = await backend.evaluate(rowsJob(points, outputs), 0, points.length);
    expect(r.error).toBeUndefined();
    batch.forEach((c, i) => {
      const o = r.records.subarray(i * OUT_STRIDE, (i + 1) * OUT_STRIDE);
      const ref = c.outputs;
      const radius = Math.max(...ref.extra.spectrum_top4.map(([re, im]) => Math.hypot(re, im)), o[OUT.spectralRadius] || 0);
      const tol = (col: string) => toleranceAt(col, { gap: ref.liouvillian_gap, radius, tau: points[i].tau })!;
      const check = (col: string, got: number, want: number) => {
        const d = Math.abs(got - want);
        note(col, d);
        expect(d, `${c.name} ${col}: ${got} vs ${want}`).toBeLessThanOrEqual(tol(col));
      };
      check('efficiency', o[OUT.efficiency], ref.efficiency);
      check('E_B_over_omega', o[OUT.energy], ref.E_B_over_omega);
      check('ergotropy_over_omega', o[OUT.ergotropy], ref.ergotropy_over_omega);
      check('concurrence', o[OUT.concurrence], ref.concurrence);
      check('liouvillian_gap', o[OUT.gap], ref.liouvillian_gap);
      const rho = vectorToDensity(Array.from(o.subarray(0, 16)));
      let drho = 0;
      for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) drho = Math.max(drho, Math.abs(rho.re[a * 4 + b] - ref.rho_real[a][b]), Math.abs(rho.im[a * 4 + b] - ref.rho_imag[a][b]));
      note('rho', drho);
      expect(drho, `${c.name} rho`).toBeLessThanOrEqual(tol('efficiency'));
      if (ref.extra.kernel_dim === 1) {
        expect(o[OUT.kernelDim], c.name).toBe(1);
        const d = Math.abs(o[OUT.steadyEfficiency] - ref.extra.efficiency_kernel_projection);
        note('steady.efficiency', d);
        expect(d, `${c.name} steady.efficiency`).toBeLessThanOrEqual(GPU_TOLERANCE.stationary);
      } else {
        // the bistable line: f32 sees the singular system and says so instead of guessing
        expect(o[OUT.kernelDim], c.name).toBe(2);
        expect(Number.isNaN(o[OUT.steadyEfficiency]), c.name).toBe(true);
      }
    });
  }
  return worst;
}

/** A coarse grid of a preset (or of a spec) on `backend` and on the float64 CPU backend, compared column by column. */
export async function comparePreset(backend: BrowserBackend, cpu: CpuBackend, named: string | SweepSpec, grid: string): Promise<{ name: string; points: number; columns: Record<string, { max: number; worstRatio: number }>; seconds: number; cpu: SweepResult }> {
  // the gap as an output: every point gets its spectrum (not only those the leap bound leaves open);
  // the negativity: every backend's own writer of it (WGSL, gpu.js + float64) against float64's
  const p = applyGrid(typeof named === 'string' ? preset(named) : named, grid);
  const name = p.name;
  const spec = resolveSpec({ ...p, outputs: [...new Set([...(p.outputs ?? DEFAULT_OUTPUTS), 'liouvillian_gap', 'negativity', 'steady.negativity'])] });
  const extra = ['_spectral_radius'];
  const t0 = performance.now();
  const got = await runSweep(spec, { backend, check: 0, extraColumns: extra });
  const seconds = (performance.now() - t0) / 1000;
  expect(got.error).toBeUndefined();
  const ref = await runSweep(spec, { backend: cpu, check: 0, extraColumns: extra });
  const cmp = compareResults(got, ref, got.columns.filter((c) => !c.startsWith('_')));
  const columns: Record<string, { max: number; worstRatio: number }> = {};
  for (const c of cmp.columns) {
    columns[c.column] = { max: c.max, worstRatio: c.worstRatio };
    expect(c.pass, `${name} ${c.column}: max |diff| ${c.max} at ${JSON.stringify(c.at)} (ratio to tolerance ${c.worstRatio})`).toBe(true);
    expect(c.compared, `${name} ${c.column} compared`).toBeGreaterThan(0);
  }
  // the flags (bistable, not stationary at tau, degenerate) agree where both are decided
  let flagDiff = 0;
  for (let k = 0; k < spec.count; k++) if ((got.flags[k] & ~2) !== (ref.flags[k] & ~2)) flagDiff++;
  expect(flagDiff, `${name}: points whose flags differ`).toBeLessThanOrEqual(Math.ceil(0.02 * spec.count));
  return { name, points: spec.count, columns, seconds, cpu: ref };
}

export function writeReport(file: string, report: unknown): void {
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, file), JSON.stringify(report, null, 2) + '\n');
}
