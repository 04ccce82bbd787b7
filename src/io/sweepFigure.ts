// A sweep's picture: heatmap panels (2 or 3 axes: [panel,] y, x) or curves (1 axis), laid out
// and drawn by the renderer of `qbsweep figure` (io/render.ts): the same panel size,
// colour bar, wrapped caption and fonts. Labels come from the parameters' own docs (the
// system's, else the paper's), written with their symbols (Δ/λ, T̄, α₁).

import { CHARGING_FIGURES } from '../model/charging.js';
import { DEFAULTS, NAMED_STATES, nameDoc, variedKeys } from '../model/params.js';
import type { SystemDefinition } from '../system/definition.js';
import { DEFAULT_SYSTEM, paperSystem, systemReference } from '../system/registry.js';
import { OUTPUT_DOCS } from '../sweep/outputs.js';
import { runTitle } from '../sweep/presets.js';
import type { SweepResult } from '../sweep/run.js';
import { compose, mapPanel, mapSpec, renderPng, wrap } from './render.js';
import type { HeatmapFigure, LineFigure } from './plotspec.js';
import { lineSpec } from './plotspec.js';

// ---------------------------------------------------------------------------------------------
// symbols

const GREEK: Record<string, string> = {
  alpha: 'α', beta: 'β', gamma: 'γ', Gamma: 'Γ', delta: 'δ', Delta: 'Δ', epsilon: 'ε', eta: 'η', theta: 'θ', kappa: 'κ',
  lambda: 'λ', Lambda: 'Λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π', rho: 'ρ', sigma: 'σ', tau: 'τ', phi: 'φ', chi: 'χ', psi: 'ψ',
  omega: 'ω', Omega: 'Ω',
};
const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

/**
 * How a parameter is written in a picture: Greek names as letters, a trailing number as a
 * subscript, `bar` as an overbar, a leading `d` before a temperature or a chemical potential as
 * Δ (Delta1 -> Δ₁, Tbar -> T̄, dmu -> Δμ, Delta_bar -> Δ̄, alpha2 -> α₂, omega_c -> ω_c).
 */
export function symbol(name: string): string {
  const m = /^(d(?=T|mu))?([A-Za-z]+?)(_?bar)?(\d*)((?:_[A-Za-z0-9]+)?)$/.exec(name);
  if (!m) return name;
  const [, diff, stem, bar, digits, rest] = m;
  const core = GREEK[stem] ?? stem;
  return `${diff ? 'Δ' : ''}${core}${bar ? '\u0304' : ''}${[...digits].map((d) => SUBSCRIPT[+d]).join('')}${rest}`;
}

/** A unit as written in pictures: lambda -> λ, omega lambda -> ωλ, lambda^2 -> λ², '1' -> ''. */
export function unitSymbol(unit: string | undefined): string {
  if (!unit || unit === '1') return '';
  return unit.replace(/\^2/g, '²').replace(/[A-Za-z]+/g, (w) => GREEK[w] ?? w).replace(/(\S) (\S)/g, '$1$2');
}

/** The unit of a name of a point, as its system (by default the default one) says. */
function paramUnit(param: string, system?: SystemDefinition): string | undefined {
  return nameDoc(system ?? paperSystem(), param).unit;
}

/** An axis label: Δ/λ for a parameter in the energy unit, ΔT/T̄ for a relative axis, θ [rad] else. */
export function axisLabel(param: string, system?: SystemDefinition, relativeTo?: string): string {
  if (relativeTo) return `${symbol(param)}/${symbol(relativeTo)}`;
  const u = unitSymbol(paramUnit(param, system));
  return !u ? symbol(param) : u === 'λ' ? `${symbol(param)}/λ` : `${symbol(param)} [${u}]`;
}

/** A parameter's value with its unit: 0.5λ, −λ, 0, 0.785 rad. */
function valueText(param: string, v: number, system?: SystemDefinition): string {
  const u = unitSymbol(paramUnit(param, system));
  const x = +v.toPrecision(4);
  if (u === 'λ') return x === 0 ? '0' : `${x < 0 ? '−' : ''}${Math.abs(x) === 1 ? '' : Math.abs(x)}λ`;
  return `${x < 0 ? '−' : ''}${Math.abs(x)}${u ? ` ${u}` : ''}`;
}

/** An output's name and unit (the explorer's list, the curves' axes). */
export function outputLabel(column: string): string {
  const d = OUTPUT_DOCS[column];
  return d ? `${d.label}${d.unit ? ` [${unitSymbol(d.unit)}]` : ''}` : column;
}

// ---------------------------------------------------------------------------------------------
// what a column depends on

/** When a column is taken: at tau, in the long-time limit, on the time grid, or not in time at all (the gap). */
export function columnTime(column: string): 'tau' | 'long-time' | 'time-grid' | 'none' {
  if (column.startsWith('steady.')) return 'long-time';
  if ((CHARGING_FIGURES as readonly string[]).includes(column) || column.startsWith('trajectory.')) return 'time-grid';
  if (column === 'liouvillian_gap') return 'none';
  return 'tau';
}

/** Panel plot-area size of a sweep's heatmaps, the figures' own (CSS px). */
const PANEL = { width: 270, height: 250 };

const tauText = (tau: number) => `τ = ${+tau.toPrecision(6)}/λ`;

/** Characters a colour-bar title may have: one line along the bar (13 px DejaVu Sans, at most ~8 px a character). */
const BAR_TITLE_CHARS = Math.floor(PANEL.height / 8);

/**
 * The colour-bar / y label: the output's name (before its definition), its unit and when it is
 * taken; the column's own name (then without the time) where that is too long for one line
 * along the bar (the figure's title and caption say it in full).
 */
function quantityLabel(res: SweepResult, column: string): string {
  const d = OUTPUT_DOCS[column];
  const name = d ? d.label.split(' = ')[0].replace(/^long-time /, '') : column;
  const unit = d?.unit ? ` [${unitSymbol(d.unit)}]` : '';
  const when = { tau: res.grid.axes.some((a) => a.param === 'tau') ? ' (at τ)' : ` (${tauText(res.grid.base.tau)})`, 'long-time': ' (τ → ∞)', 'time-grid': '', none: '' }[columnTime(column)];
  const candidates = [`${name}${unit}${when}`, `${column}${unit}${when}`, `${column}${unit}`];
  return candidates.find((c) => c.length <= BAR_TITLE_CHARS) ?? candidates[2];
}

/** The initial state in words (its name's description, or the theta/phi family when an axis sets it). */
function stateText(res: SweepResult, varied: Set<string>): string {
  const b = res.grid.base;
  const text = varied.has('state') ? 'cos(theta)|eg> + sin(theta) e^(i phi)|ge>' : (NAMED_STATES[b.state_label]?.about.split(' (')[0] ?? b.state_label);
  return text.replace(/\|(\w+)>/g, '|$1⟩').replace(/sqrt2/g, '√2').replace(/\b(theta|phi)\b/g, (w) => GREEK[w]);
}

/**
 * What a picture holds beyond its axes: when the column is taken (tau, the long-time limit,
 * the time grid), the initial state, model, reservoirs, and every other base parameter that
 * differs from its default.
 */
export function sweepCaption(res: SweepResult, column: string): string {
  const b = res.grid.base;
  const varied = variedKeys(res.grid.axes, b.system);
  // the default system is not named (as pointToInput does not write it)
  const named = systemReference(b.system) === DEFAULT_SYSTEM ? '' : `system ${b.system.name}, `;
  const reservoirs = b.reservoir ?? b.system.reservoirs.map((r) => r.statistics).join('/');
  const times = res.spec.times;
  const when = {
    tau: `ρ(τ) at ${varied.has('tau') ? 'τ of the axis' : tauText(b.tau)} from ${stateText(res, varied)}`,
    'long-time': `long-time limit (τ → ∞) from ${stateText(res, varied)}`,
    'time-grid': `on the time grid t = ${times ? `${times.from}..${times.to}/λ (${times.n} times)` : '(none)'} from ${stateText(res, varied)}`,
    none: 'a property of the Liouvillian (no initial state, no τ)',
  }[columnTime(column)];
  const parts = [`${column}: ${when}`, `${named}${b.model}, ${reservoirs} reservoirs`];
  // every base parameter that differs from its system's default
  const diffs = b.system.parameters.flatMap((d, i) => (!varied.has(d.name) && b.values[i] !== d.default ? [`${symbol(d.name)} = ${+b.values[i].toPrecision(6)}`] : []));
  if (b.model === 'lindblad' && b.lindblad_freq !== DEFAULTS.lindblad_freq) diffs.push(`lindblad_freq = ${b.lindblad_freq}`);
  if (b.zero_freq !== DEFAULTS.zero_freq) diffs.push(`zero_freq = ${b.zero_freq}`);
  if (diffs.length) parts.push(diffs.join(', '));
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// figures

/** Heatmap panels of one column of a 2- or 3-axis sweep (one panel per value of a third axis), one colour bar. */
export function sweepHeatmap(res: SweepResult, column: string): HeatmapFigure {
  const axes = res.grid.axes;
  const sys = res.grid.base.system;
  const nPanels = axes.length === 3 ? axes[0].values.length : 1;
  const [yAx, xAx] = axes.length === 3 ? [1, 2] : [0, 1];
  const hatch = columnTime(column) === 'tau';
  const panels = Array.from({ length: nPanels }, (_, p) =>
    mapPanel(res, column, {
      panel: p,
      title: axes.length === 3 ? `${nPanels > 1 && nPanels <= 26 ? `(${String.fromCharCode(97 + p)}) ` : ''}${symbol(axes[0].param)} = ${valueText(axes[0].param, axes[0].values[p], sys)}` : '',
      xLabel: axisLabel(axes[xAx].param, sys, axes[xAx].relative_to),
      yLabel: axisLabel(axes[yAx].param, sys, axes[yAx].relative_to),
      hatch,
    }),
  );
  const grey = 'grey: degenerate or no value.';
  return {
    title: `${runTitle(res.spec, res.grid.base)}: ${OUTPUT_DOCS[column]?.label.split(' = ')[0] ?? column}`,
    colorbar: { label: quantityLabel(res, column) },
    panels,
    columns: Math.min(nPanels, 2),
    note: `${sweepCaption(res, column)}; backend ${String(res.backend.backend)}. ${hatch ? `Hatched: not stationary at τ; ${grey}` : grey[0].toUpperCase() + grey.slice(1)}`,
  };
}

export function sweepCurves(res: SweepResult, columns: string[]): LineFigure {
  const ax = res.grid.axes[0];
  const xs = Array.from({ length: res.done }, (_, k) => res.grid.axisValues(k)[0]);
  return {
    title: runTitle(res.spec, res.grid.base),
    panels: columns.map((c) => ({
      title: '',
      x: { label: axisLabel(ax.param, res.grid.base.system, ax.relative_to) },
      y: { label: quantityLabel(res, c) },
      series: [{ name: c, x: xs, y: Array.from(res.values[c].subarray(0, res.done)) }],
    })),
    columns: Math.min(columns.length, 2),
    note: `${columns.map((c) => sweepCaption(res, c)).join('; ')}; backend ${String(res.backend.backend)}.`,
  };
}

/**
 * Characters per caption line for a figure `columns` panels wide: the panel grid's width (panel,
 * axis labels and gaps; the colour bar beside) over the caption font's mean advance, so the
 * caption wraps inside the panels and the canvas follows the panel count, not the caption.
 */
function captionChars(columns: number, colourBar: boolean): number {
  const grid = columns * (PANEL.width + 75) + (columns - 1) * 36 + (colourBar ? 90 : 0);
  return Math.max(48, Math.floor(grid / 7));
}

/**
 * Title and caption of a picture `chars` caption characters wide: the run's title and the
 * quantity when they fit two title lines (bold 17 px: 1.6 caption characters each), else the
 * run's name and the quantity, the run's title opening the caption.
 */
function titled(res: SweepResult, quantity: string, note: string, chars: number): { title: string; note: string } {
  const run = runTitle(res.spec, res.grid.base);
  const perLine = Math.floor(chars / 1.6);
  const title = `${run}: ${quantity}`;
  if (title.length <= 2 * perLine) return { title: wrap(title, perLine), note: wrap(note, chars) };
  return { title: wrap(`${res.spec.name}: ${quantity}`, perLine), note: wrap(`${run}. ${note}`, chars) };
}

/** The Vega-Lite spec of a sweep's picture of one column (what NAME.png and the explorer's download show). */
export function sweepSpec(res: SweepResult, column: string): Record<string, unknown> {
  const quantity = OUTPUT_DOCS[column]?.label.split(' = ')[0] ?? column;
  if (res.grid.axes.length === 1) {
    const { title: _t, note, ...body } = sweepCurves(res, [column]);
    const t = titled(res, quantity, note ?? '', captionChars(1, false));
    return compose(t.title, [[lineSpec({ ...body, title: '', panelWidth: PANEL.width + 60, panelHeight: PANEL.height }) as Record<string, unknown>]], t.note);
  }
  const { title: _t, note, ...fig } = sweepHeatmap(res, column);
  const t = titled(res, quantity, note ?? '', captionChars(fig.columns ?? 1, true));
  return compose(t.title, [[mapSpec({ ...fig, title: '', panelWidth: PANEL.width, panelHeight: PANEL.height })]], t.note);
}

/** Output pixels per CSS pixel of a sweep's picture: the map figures' own. */
export const SWEEP_PIXEL_RATIO = 1.5;

/** The PNG a sweep writes: its plotted output over the grid. */
export async function sweepPng(res: SweepResult, column: string): Promise<Buffer> {
  return renderPng(sweepSpec(res, column), SWEEP_PIXEL_RATIO);
}
