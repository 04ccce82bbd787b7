// Fig. 3: boson reservoirs, Tbar = 1, F = 0.5. (a), (c): tomography |rho_ij| at Delta = 0 with
// dT = 1 for |psi(0)> = |eg> and (|eg> + |ge>)/sqrt2; (b), (d): concurrence against Delta for
// dT = 0 (blue solid), +1 (red dashed), -1 (green dot-dashed). Fig. 4: the fermion analogue of
// (d) (T = 1, mubar = 2), with a zoom on |Delta| <= 0.2 where tau = 20000 is not stationary.

import { BASIS_LABELS, type PointInput, resolvePoint, setParam } from '../model/params.js';
import { initialVector } from '../model/evolve.js';
import { generator } from '../model/generators.js';
import { concurrenceOf, densityMatrices } from '../model/observables.js';
import { longTimeLimit, spectrum } from '../model/spectrum.js';
import type { SweepResult } from '../sweep/run.js';
import type { FigureContext } from './context.js';
import { DELTA_RANGE, type FigureDef, type FigureOutput, L, PAPER_BASE, column, lambdas, quantityLabel, round, seriesCurves, tauNote, valueAt } from './common.js';
import { STYLES, bars, compose, styledLineSpec, wrap } from '../io/render.js';

const PAPER_STYLES = [STYLES.blueSolid, STYLES.redDashed, STYLES.greenDotDash];

/** theta of cos(theta)|eg> + sin(theta)|ge>: |eg> and (|eg> + |ge>)/sqrt2 */
export const STATES = [
  { theta: 0, ket: '|eg⟩', label: 'eg' },
  { theta: Math.PI / 4, ket: '(|eg⟩ + |ge⟩)/√2', label: 'plus' },
];

/** |rho_ij| of the exact long-time limit (float64 projection onto ker L). */
export function longTimeRho(input: PointInput): { abs: number[][]; concurrence: number } {
  const p = resolvePoint(input);
  const { G } = generator(p);
  const lim = longTimeLimit(G, initialVector(p), spectrum(G));
  const dm = densityMatrices(lim.r);
  return { abs: dm.rho_real.map((row, i) => row.map((x, j) => Math.hypot(x, dm.rho_imag[i][j]))), concurrence: concurrenceOf(lim.r) };
}

/** |rho_ij| of point k of a sweep with the rho output. */
function rhoAbs(res: SweepResult, k: number): number[][] {
  return [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => Math.hypot(res.values[`rho_real[${i}][${j}]`][k], res.values[`rho_imag[${i}][${j}]`][k])));
}

const BOSON: PointInput = { ...PAPER_BASE, reservoir: 'boson', T1: 1, T2: 1 };

export const FIG3: FigureDef = {
  id: '3',
  title: 'tomography at Δ = 0 and concurrence vs Δ, boson reservoirs',
  paper:
    '(a) |eg>: uniform populations, minor coherence; (b) C = 0 at Delta = 0, dT = +-1 above dT = 0 off resonance; ' +
    '(c) (|eg> + |ge>)/sqrt2: |rho_ee,ee| = |rho_gg,gg| = |rho_ee,gg| etc.; (d) C > 0 at Delta = 0, nonequilibrium raises C off resonance.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const n = ctx.opts.curvePoints;
    const tomoBase = setParam(BOSON, 'dT', 1);
    const numbers: Record<string, unknown> = {};
    // (a), (c): |rho_ij| at Delta = 0, dT = 1
    let tomo: number[][][];
    if (ctx.opts.steady) {
      tomo = STATES.map((s) => longTimeRho({ ...tomoBase, initial_state: { theta: s.theta, phi: 0 } }).abs);
      ctx.table({
        label: '(a), (c) |rho_ij| of the long-time limit, Delta = 0, dT = 1',
        columns: ['theta', 'i', 'j', 'abs_rho'],
        rows: STATES.flatMap((s, a) => tomo[a].flatMap((row, i) => row.map((v, j) => [s.theta, i, j, v]))),
        about: 'float64 projection onto ker L (evaluatePoint long-time limit), CPU',
      });
    } else {
      const res = await ctx.sweep('(a), (c) rho at tau, Delta = 0, dT = 1', {
        name: 'fig3-tomography',
        base: tomoBase,
        axes: [{ param: 'theta', values: STATES.map((s) => s.theta) }],
        outputs: ['rho', 'concurrence', 'efficiency'],
      });
      tomo = STATES.map((_, a) => rhoAbs(res, a));
    }
    STATES.forEach((s, a) => (numbers[`abs_rho_${s.label}_Delta0_dT1`] = tomo[a].map((r) => r.map((v) => round(v, 4)))));
    // (b), (d): C vs Delta
    const col = column(ctx, 'concurrence');
    const dTs = [0, 1, -1];
    const res = await ctx.sweep('(b), (d) concurrence vs Delta', {
      name: 'fig3-concurrence',
      base: BOSON,
      axes: [
        { param: 'theta', values: STATES.map((s) => s.theta) },
        { param: 'dT', values: dTs },
        { param: 'Delta', ...DELTA_RANGE, n },
      ],
      outputs: [col],
    });
    const curvePanels = STATES.map((s, a) => {
      const c = seriesCurves(res, col, dTs.map((v, i) => ({ name: `ΔT = ${lambdas(v)}`, lead: [a, i], style: PAPER_STYLES[i] })), undefined, { steady: ctx.opts.steady });
      dTs.forEach((v, i) => {
        numbers[`C_${s.label}_dT=${v}_Delta=0`] = round(valueAt(res, col, [a, i], 0));
        numbers[`C_${s.label}_dT=${v}_Delta=2`] = round(valueAt(res, col, [a, i], 2));
      });
      return styledLineSpec(
        {
          title: '',
          panels: [{ title: `(${a ? 'd' : 'b'}) |ψ(0)⟩ = ${s.ket}`, x: { label: L.Delta }, y: { label: quantityLabel(ctx, 'C'), min: 0 }, series: c.series, bands: c.bands, markers: c.markers }],
          panelWidth: 340,
          panelHeight: 230,
        },
        c.styles,
      );
    });
    const barPanels = STATES.map((s, a) =>
      bars({
        title: '',
        panels: [{ title: `(${a ? 'c' : 'a'}) |ρᵢⱼ|, |ψ(0)⟩ = ${s.ket}, Δ = 0, ΔT = λ`, labels: [...BASIS_LABELS], values: tomo[a] }],
        panelWidth: 300,
        panelHeight: 230,
      }),
    );
    const title = `Fig. 3: steady-state tomography and concurrence, boson reservoirs (T̄ = λ, F = 0.5λ)${ctx.opts.steady ? ', τ → ∞' : ''}`;
    const note = wrap(`${tauNote(ctx)} At Δ = 0 the kernel of L is two-dimensional (bistable): the state depends on |ψ(0)⟩. Bars: |ρᵢⱼ| in the basis {ee, eg, ge, gg}.`, 120);
    return { spec: compose(title, [[barPanels[0], curvePanels[0]], [barPanels[1], curvePanels[1]]], note), numbers };
  },
};

const FERMION: PointInput = { ...PAPER_BASE, reservoir: 'fermion', T1: 1, T2: 1, mu1: 2, mu2: 2, initial_state: { theta: Math.PI / 4, phi: 0 } };

export const FIG4: FigureDef = {
  id: '4',
  title: 'concurrence vs Δ, fermion reservoirs, (|eg⟩ + |ge⟩)/√2',
  paper: 'Resonant driving induces considerable entanglement, non-resonant driving gives C ~ 0; a chemical potential difference weakens it.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const n = ctx.opts.curvePoints;
    const col = column(ctx, 'concurrence');
    const dmus = [0, 1, 2];
    const numbers: Record<string, unknown> = {};
    const outputs = ctx.opts.steady ? [col] : [col, 'steady.concurrence'];
    const wide = await ctx.sweep('(a) concurrence vs Delta', {
      name: 'fig4',
      base: FERMION,
      axes: [
        { param: 'dmu', values: dmus },
        { param: 'Delta', ...DELTA_RANGE, n },
      ],
      outputs: [col],
    });
    const zoom = await ctx.sweep('(b) zoom |Delta| <= 0.2, value at tau and long-time limit', {
      name: 'fig4-zoom',
      base: FERMION,
      axes: [
        { param: 'dmu', values: dmus },
        { param: 'Delta', from: -0.2, to: 0.2, n },
      ],
      outputs,
    });
    const names = dmus.map((v) => `Δμ = ${lambdas(v)}`);
    const steady = { steady: ctx.opts.steady };
    const a = seriesCurves(wide, col, dmus.map((_, i) => ({ name: names[i], lead: [i], style: PAPER_STYLES[i] })), undefined, steady);
    const b = seriesCurves(zoom, col, dmus.map((_, i) => ({ name: names[i], lead: [i], style: PAPER_STYLES[i] })), undefined, steady);
    const markers = [...b.markers];
    const series = [...b.series];
    const styles = { ...a.styles };
    if (!ctx.opts.steady) {
      const lim = seriesCurves(zoom, 'steady.concurrence', [{ name: 'long-time limit (any Δμ shown)', lead: [0], style: STYLES.blackDotted }], undefined, { steady: true });
      markers.push(...lim.markers);
      // the limits for the other dmu values are drawn with the same style, unlabelled
      dmus.forEach((_, i) => {
        if (i === 0) return;
        const extra = seriesCurves(zoom, 'steady.concurrence', [{ name: 'long-time limit (any Δμ shown)', lead: [i] }], undefined, { steady: true });
        markers.push(...extra.markers);
        lim.series[0].x.push(Number.NaN, ...extra.series[0].x);
        lim.series[0].y.push(Number.NaN, ...extra.series[0].y);
      });
      series.push(...lim.series);
      Object.assign(styles, lim.styles);
    }
    dmus.forEach((v, i) => {
      numbers[`C_dmu=${v}_Delta=0`] = round(valueAt(wide, col, [i], 0));
      numbers[`C_dmu=${v}_Delta=0.5`] = round(valueAt(wide, col, [i], 0.5), 6);
    });
    const spec = styledLineSpec(
      {
        title: '',
        panels: [
          { title: '(a) −4 ≤ Δ/λ ≤ 4', x: { label: L.Delta }, y: { label: quantityLabel(ctx, 'C'), min: 0 }, series: a.series, bands: a.bands, markers: a.markers },
          { title: '(b) zoom |Δ| ≤ 0.2λ', x: { label: L.Delta }, y: { label: quantityLabel(ctx, 'C'), min: 0 }, series, bands: b.bands, markers },
        ],
        columns: 2,
        panelWidth: 360,
        panelHeight: 250,
      },
      styles,
    );
    const title = `Fig. 4: concurrence, fermion reservoirs (T = λ, μ̄ = 2λ, F = 0.5λ), |ψ(0)⟩ = (|eg⟩ + |ge⟩)/√2${ctx.opts.steady ? ', τ → ∞' : ''}`;
    const note = wrap(
      `${tauNote(ctx)}` +
        (ctx.opts.steady
          ? ' The long-time limit is discontinuous at Δ = 0: the peak exists only on the resonant (bistable) point.'
          : ' (b): the peak around Δ = 0 at τ = 20000 is a slow transient (gap ≈ −0.03Δ²); the exact long-time limit (black dotted) is ≈ 0 for every Δ ≠ 0 and jumps at Δ = 0.'),
      120,
    );
    return { spec: compose(title, [[spec]], note), numbers };
  },
};
