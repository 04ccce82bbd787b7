// A sweep's picture is drawn by the figures' renderer, checked by its layout numbers (the boxes
// the renderer drew from), not by eye: no text outside the canvas or cut short by its limit,
// the colour bar beside the panels, a canvas as wide as its panels (the caption wraps), plain
// tick labels, symbols from the parameters' docs, captions and hatching that fit the quantity,
// and the preset's title only on the preset's diagram.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAG_BITS } from '../../src/core/constants.js';
import { type FigureLayout, renderFigure } from '../../src/io/plot.js';
import { axisLabel, sweepCaption, sweepHeatmap, sweepSpec, symbol } from '../../src/io/sweepFigure.js';
import { resolvePoint } from '../../src/model/params.js';
import { Grid } from '../../src/sweep/grid.js';
import { preset, runTitle } from '../../src/sweep/presets.js';
import type { SweepResult } from '../../src/sweep/run.js';
import { type SweepSpec, applyGrid, resolveSpec } from '../../src/sweep/spec.js';

const OUT = join(process.cwd(), 'test-output', 'sweep-figure');

/** A result over a spec's grid with made-up values (the layout does not depend on them): a ramp, every 7th point flagged not stationary. */
function fake(spec: SweepSpec, columns: string[], scale = 1): SweepResult {
  const s = resolveSpec(spec);
  const grid = new Grid(s);
  const values: Record<string, Float64Array> = {};
  for (const c of columns) values[c] = Float64Array.from({ length: s.count }, (_, k) => (scale * (k % 97)) / 97);
  const flags = Uint16Array.from({ length: s.count }, (_, k) => (k % 7 === 0 ? FLAG_BITS['not-stationary-at-tau'] : 0));
  return { spec: s, grid, columns, values, flags, offset: 0, count: s.count, done: s.count, resumed: 0, backend: { backend: 'cpu' }, integrator: 'x', blockPoints: 1, seconds: { total: 0, compute: 0 }, pointsPerSecond: 0 };
}

async function draw(res: SweepResult, column: string, file: string): Promise<FigureLayout> {
  const { png, layout } = await renderFigure(sweepSpec(res, column), 1.5);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, file), png);
  return layout;
}

const right = (b: { x: number; width: number }) => b.x + b.width;
const bottom = (b: { y: number; height: number }) => b.y + b.height;

/** The checks every picture passes. */
function fits(l: FigureLayout): void {
  for (const t of l.texts) {
    expect(t.clipped, `"${t.text}" cut short`).toBe(false);
    expect([t.text, t.x >= 0 && t.y >= 0 && right(t) <= l.width && bottom(t) <= l.height], `"${t.text}" outside the ${l.width} x ${l.height} canvas`).toEqual([t.text, true]);
    // plain tick labels: no 1e+1
    expect(t.text).not.toMatch(/^-?\d(\.\d+)?e[+-]\d+$/);
  }
  // the colour bar beside the panels: within 40 px of the rightmost panel
  const panelsRight = Math.max(...l.panels.map(right));
  for (const c of l.colorbars) {
    expect(c.x - panelsRight).toBeGreaterThan(0);
    expect(c.x - panelsRight).toBeLessThan(40);
    // its labels and its title (one line, rotated) no longer than the bar
    for (const t of l.texts.filter((t) => t.x >= right(c))) expect(t.height, `"${t.text}" longer than the bar`).toBeLessThanOrEqual(c.height + 4);
  }
  // nothing but the colour bar's labels and title right of the panels: the canvas follows them
  const barRight = Math.max(panelsRight, ...l.colorbars.map(right));
  expect(l.width - barRight).toBeLessThan(110);
}

/** No two texts overlap (the colour-bar title and its labels, the caption and the axes). */
function noOverlaps(l: FigureLayout): void {
  const ts = l.texts;
  for (let i = 0; i < ts.length; i++)
    for (let j = i + 1; j < ts.length; j++) {
      const a = ts[i];
      const b = ts[j];
      const overlap = Math.min(right(a), right(b)) - Math.max(a.x, b.x) > 1 && Math.min(bottom(a), bottom(b)) - Math.max(a.y, b.y) > 1;
      expect(overlap, `"${a.text}" overlaps "${b.text}"`).toBe(false);
    }
}

describe('sweep pictures (the figures renderer)', () => {
  it('fig9: four panels in two columns, Greek labels, the preset title at any resolution, the bar beside the panels', async () => {
    const res = fake(applyGrid(preset('fig9'), '12x10'), ['efficiency']);
    const l = await draw(res, 'efficiency', 'fig9.png');
    fits(l);
    noOverlaps(l);
    expect(l.panels).toHaveLength(4);
    expect(l.colorbars).toHaveLength(1);
    const texts = l.texts.map((t) => t.text);
    expect(texts).toEqual(expect.arrayContaining(['Δ/λ', 'ΔT/T̄', '(a) T̄ = 0.5λ', '(b) T̄ = λ']));
    expect(texts.join('\n')).toMatch(/^Fig\. 9: boson reservoirs/m);
    expect(texts.join(' ')).toMatch(/efficiency P \(τ = 20000\/λ\)/);
    // the canvas: two panel columns and the bar, not the caption's one line (was 1419 CSS px wide)
    expect(l.width).toBeLessThan(850);
  }, 60_000);

  it('the canvas follows the panel count: one panel (gap) < two (xxz) < two columns of four (fig9)', async () => {
    const gap = await draw(fake(applyGrid(preset('gap'), '9x8'), ['liouvillian_gap'], -0.1), 'liouvillian_gap', 'gap.png');
    const xxz = await draw(fake(applyGrid(preset('xxz'), '9x8'), ['efficiency']), 'efficiency', 'xxz.png');
    for (const l of [gap, xxz]) {
      fits(l);
      noOverlaps(l);
    }
    expect(gap.panels).toHaveLength(1);
    expect(xxz.panels).toHaveLength(2);
    // one panel: the panel, its axis and the bar fill the width (was 2862 px at ratio 2 = 1431 CSS px)
    expect(gap.width).toBeLessThan(480);
    expect(xxz.width).toBeGreaterThan(gap.width + 250);
    expect(xxz.width).toBeLessThan(850);
    expect(xxz.texts.map((t) => t.text)).toEqual(expect.arrayContaining(['Jz/λ', '(b) ΔT = λ']));
  }, 60_000);

  it('a quantity with a long name: the colour bar takes the column name, uncut, the title the full name; time-grid figures and the gap get no tau and no hatching', async () => {
    const spec: SweepSpec = { ...applyGrid(preset('fig9'), '8x6'), base: { ...preset('fig9').base, tau: 50 }, times: { from: 0, to: 50, n: 6 } };
    const res = fake(spec, ['max_average_power', 'charging_time_90'], 30);
    const l = await draw(res, 'max_average_power', 'max_average_power.png');
    fits(l);
    noOverlaps(l);
    const all = l.texts.map((t) => t.text).join(' ');
    expect(all).toMatch(/largest average charging power on the\stime grid/);
    expect(all).toMatch(/max_average_power \[ωλ\]/);
    expect(all).not.toMatch(/τ =|at tau|stationary/);
    expect(sweepHeatmap(res, 'max_average_power').panels.every((p) => p.mask === undefined)).toBe(true);
    expect(sweepHeatmap(res, 'charging_time_90').panels.every((p) => p.mask === undefined)).toBe(true);
    const gap = fake(applyGrid(preset('gap'), '4x3'), ['liouvillian_gap']);
    expect(sweepHeatmap(gap, 'liouvillian_gap').panels[0].mask).toBeUndefined();
    expect(sweepCaption(gap, 'liouvillian_gap')).not.toMatch(/tau|τ =|\|eg/);
    const steady = fake(applyGrid(preset('fig9'), '4x3'), ['steady.efficiency']);
    expect(sweepHeatmap(steady, 'steady.efficiency').panels[0].mask).toBeUndefined();
    expect(sweepCaption(steady, 'steady.efficiency')).toMatch(/long-time limit \(τ → ∞\)/);
    // a tau output is hatched where flagged
    expect(Array.from(sweepHeatmap(fake(applyGrid(preset('fig9'), '4x3'), ['efficiency']), 'efficiency').panels[0].mask!).some((m) => m === 1)).toBe(true);
  }, 60_000);

  it('a preset changed by --set keeps no "Fig. 9" title; --grid alone keeps it', () => {
    const grid = applyGrid(preset('fig9'), '5x4');
    const base = (s: SweepSpec) => new Grid(resolveSpec(s)).base;
    expect(runTitle(grid, base(grid))).toMatch(/^Fig\. 9:/);
    const changed = { ...grid, base: { ...grid.base, tau: 100 } };
    expect(runTitle(changed, base(changed))).toBe('fig9 (changed from the preset)');
    const ranges = { ...grid, axes: grid.axes.map((a, i) => (i === 2 ? { ...a, from: -2 } : a)) };
    expect(runTitle(ranges, base(ranges))).toBe('fig9 (changed from the preset)');
    const xxz = applyGrid(preset('xxz'), '5x4');
    expect(runTitle(xxz, base(xxz))).toMatch(/^XXZ-coupled/);
    // a spec of one's own keeps its description
    const own = { name: 'mine', description: 'my scan', base: {}, axes: [{ param: 'F', from: 0, to: 1, n: 3 }] };
    expect(runTitle(own, resolvePoint({}))).toBe('my scan');
  });

  it('symbols from the parameter names and units from their docs', () => {
    expect(['Delta1', 'Tbar', 'dT', 'dmu', 'mubar', 'Delta_bar', 'alpha2', 'omega_c', 'theta', 'g2', 'Jz'].map(symbol)).toEqual(['Δ₁', 'T̄', 'ΔT', 'Δμ', 'μ̄', 'Δ̄', 'α₂', 'ω_c', 'θ', 'g₂', 'Jz']);
    expect([axisLabel('Delta'), axisLabel('tau'), axisLabel('theta'), axisLabel('alpha'), axisLabel('dT', undefined, 'Tbar')]).toEqual(['Δ/λ', 'τ [1/λ]', 'θ [rad]', 'α', 'ΔT/T̄']);
  });
});
