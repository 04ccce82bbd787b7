// Figs. 8-11: the non-resonant phase diagrams (the presets of sweep/presets.ts), laid out as
// the paper's 2 x 2 panels with one colour bar. |psi(0)> = |eg>, tau = 20000, Delta_bar = 0.

import { preset } from '../sweep/presets.js';
import { applyGrid } from '../sweep/spec.js';
import type { FigureContext } from './context.js';
import { type FigureDef, type FigureOutput, L, SYMBOL, argmax, column, countNotStationary, lambdas, round } from './common.js';
import { compose, mapPanel, mapSpec, wrap } from '../io/render.js';

interface MapCase {
  id: '8' | '9' | '10' | '11';
  preset: string;
  title: string;
  yLabel: string;
  panel: (v: number) => string;
  fixed: string;
  paper: string;
}

const CASES: MapCase[] = [
  {
    id: '8',
    preset: 'fig8',
    title: 'Fig. 8: efficiency over driving F and detuning Δ, equilibrium boson reservoirs',
    yLabel: L.F,
    panel: (v) => `T = ${lambdas(v)}`,
    fixed: 'T₁ = T₂ = T',
    paper: 'Maximum efficiency for Delta > 0; a lower temperature broadens the high-efficiency region.',
  },
  {
    id: '9',
    preset: 'fig9',
    title: 'Fig. 9: efficiency over ΔT and Δ, nonequilibrium boson reservoirs',
    yLabel: L.dT,
    panel: (v) => `T̄ = ${lambdas(v)}`,
    fixed: 'F = 0.5λ, ΔT from −1.8T̄ to 1.8T̄',
    paper: 'Highest efficiency 0.93 in the top right corner (Delta > 0, dT > 0); the region shrinks as Tbar grows.',
  },
  {
    id: '10',
    preset: 'fig10',
    title: 'Fig. 10: efficiency over driving F and detuning Δ, equilibrium fermion reservoirs',
    yLabel: L.F,
    panel: (v) => `μ = ${lambdas(v)}`,
    fixed: 'T₁ = T₂ = λ, μ₁ = μ₂ = μ',
    paper: 'Maximum for Delta < 0 when mu > 0 and for Delta > 0 when mu < 0.',
  },
  {
    id: '11',
    preset: 'fig11',
    title: 'Fig. 11: efficiency over Δμ and Δ, nonequilibrium fermion reservoirs',
    yLabel: L.dmu,
    panel: (v) => `μ̄ = ${lambdas(v)}`,
    fixed: 'F = 0.5λ, T₁ = T₂ = λ',
    paper: 'mubar = 0, 3: maxima at Delta > 0 or < 0; mubar = 6: mainly Delta < 0; mubar = -6: Delta > 0.',
  },
];

function mapFigure(c: MapCase): FigureDef {
  return {
    id: c.id,
    title: c.title.replace(/^Fig\. \d+: /, ''),
    paper: c.paper,
    async build(ctx: FigureContext): Promise<FigureOutput> {
      const [nx, ny] = ctx.opts.mapGrid;
      const col = column(ctx, 'efficiency');
      const spec = { ...applyGrid(preset(c.preset), `${nx}x${ny}`), outputs: [col] };
      const res = await ctx.sweep(`${c.preset}: ${col}`, spec);
      const panelValues = res.grid.axes[0].values;
      const per = nx * ny;
      const numbers: Record<string, unknown> = {};
      const panels = panelValues.map((v, p) => {
        const ks = Array.from({ length: per }, (_, i) => p * per + i);
        const m = argmax(res, col, ks);
        numbers[`max_${res.grid.axes[0].param}=${v}`] = { value: round(m.value, 5), at: m.at };
        return mapPanel(res, col, { panel: p, title: `(${'abcd'[p]}) ${c.panel(v)}`, xLabel: L.Delta, yLabel: c.yLabel, hatch: !ctx.opts.steady });
      });
      const max = argmax(res, col);
      numbers.max = { value: round(max.value, 5), at: max.at };
      numbers.points_not_stationary_at_tau = countNotStationary(res);
      const heat = mapSpec({ title: '', colorbar: { label: ctx.opts.steady ? 'P (τ → ∞)' : 'P (τ = 20000/λ)', min: 0 }, panels, columns: 2 });
      const note = wrap(
        `${c.fixed}, Δ₁ + Δ₂ = 0, |ψ(0)⟩ = |eg⟩, Redfield, ${nx} × ${ny} points per panel on the ${String(res.backend.backend)} backend. ` +
          `Max P = ${max.value.toFixed(3)} at ${Object.entries(max.at).map(([k, v]) => `${SYMBOL[k] ?? k} = ${lambdas(v)}`).join(', ')}. ` +
          (ctx.opts.steady
            ? 'Plotted: the exact long-time limit (float64 on the resonant line Δ = 0).'
            : 'Plotted: ρ(τ) at τ = 20000/λ as in the paper; hatched: not stationary at τ (|Δ| ≲ 0.1, low T). Grey: no value (degenerate crossing).'),
        100,
      );
      return { spec: compose(c.title, [[heat]], note), numbers, pixelRatio: 1.5 };
    },
  };
}

export const [FIG8, FIG9, FIG10, FIG11] = CASES.map(mapFigure);
