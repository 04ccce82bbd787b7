// The resonant figures (Delta1 = Delta2 = 0, F = 0.5), where the Redfield kernel is
// two-dimensional and the state at long times depends on |psi(0)>:
//   Fig. 5: P over (theta, phi) of cos(theta)|eg> + sin(theta) e^{i phi}|ge>, T1 = T2 = 1;
//   Fig. 6: P and C against phi for theta = pi/4 and several dT (Tbar = 1), with Eq. (4);
//   Fig. 7: P against T (boson) and against mu for T = 1, 2, 3 (fermion), (|eg> + |ge>)/sqrt2.

import type { PointInput } from '../model/params.js';
import type { FigureContext } from './context.js';
import { type FigureDef, type FigureOutput, L, PAPER_BASE, argmax, column, lambdas, quantityLabel, round, seriesCurves, tauNote, valueAt } from './common.js';
import { STYLES, compose, mapPanel, mapSpec, styledLineSpec, wrap } from '../io/render.js';

const BOSON_EQ: PointInput = { ...PAPER_BASE, reservoir: 'boson', T1: 1, T2: 1 };
const PLUS = { theta: Math.PI / 4, phi: 0 };
const PI = Math.PI;

export const FIG5: FigureDef = {
  id: '5',
  title: 'efficiency over the initial state (θ, φ), resonant, equilibrium bosons',
  paper: 'P = 0 for product states (theta = 0, pi/2, pi) and for phi = pi/2; maximum P ~ 0.23 for (|eg> +- |ge>)/sqrt2.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const [nx, ny] = ctx.opts.mapGrid;
    const col = column(ctx, 'efficiency');
    const res = await ctx.sweep('P over (theta, phi)', {
      name: 'fig5',
      base: { ...BOSON_EQ, initial_state: PLUS },
      axes: [
        { param: 'phi', from: 0, to: PI, n: ny },
        { param: 'theta', from: 0, to: PI, n: nx },
      ],
      outputs: [col],
    });
    const panel = mapPanel(res, col, { title: '', xLabel: L.theta, yLabel: L.phi, xScale: (v) => v / PI, yScale: (v) => v / PI, hatch: !ctx.opts.steady });
    const max = argmax(res, col);
    // product states: theta = 0, pi/2, pi (columns 0, (nx-1)/2, nx-1 when nx is odd)
    let product = 0;
    let phiHalf = 0;
    for (let k = 0; k < res.done; k++) {
      const [phi, theta] = res.grid.axisValues(k);
      const v = Math.abs(res.values[col][k]);
      if ([0, PI / 2, PI].some((t) => Math.abs(theta - t) < 1e-9)) product = Math.max(product, v);
      if (Math.abs(phi - PI / 2) < 1e-9) phiHalf = Math.max(phiHalf, v);
    }
    const spec = mapSpec({
      title: '',
      colorbar: { label: ctx.opts.steady ? 'P (τ → ∞)' : 'P (τ = 20000/λ)', min: 0 },
      panels: [panel],
      columns: 1,
      panelWidth: 360,
      panelHeight: 300,
    });
    const title = 'Fig. 5: efficiency over the initial state cos θ|eg⟩ + sin θ e^(iφ)|ge⟩';
    const note = wrap(
      `Resonant driving (Δ₁ = Δ₂ = 0), F = 0.5λ, T₁ = T₂ = λ, Redfield, ${nx} × ${ny} points on the ${String(res.backend.backend)} backend. ` +
        `Max P = ${max.value.toFixed(4)}; product states (θ = 0, π/2, π) and φ = π/2 give P = 0. ${tauNote(ctx)}`,
      78,
    );
    return {
      spec: compose(title, [[spec]], note),
      numbers: { max_P: round(max.value, 5), at: max.at, max_abs_P_product_states: product, max_abs_P_phi_half_pi: phiHalf },
      pixelRatio: 1.5,
    };
  },
};

export const FIG6: FigureDef = {
  id: '6',
  title: 'efficiency and concurrence vs φ, resonant, bosons, with Eq. (4)',
  paper: 'P and C are positively related, both largest at equilibrium dT = 0 and zero at phi = pi/2; Eq. (4) is independent of phi.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const n = ctx.opts.curvePoints;
    const P = column(ctx, 'efficiency');
    const C = column(ctx, 'concurrence');
    const dTs = [0, 0.5, 1, 1.5];
    const axes = (values: number[]) => [
      { param: 'dT', values },
      { param: 'phi', from: 0, to: 2 * PI, n },
    ];
    const red = await ctx.sweep('Redfield', { name: 'fig6', base: { ...BOSON_EQ, initial_state: PLUS }, axes: axes(dTs), outputs: [P, C] });
    const lin = await ctx.sweep('Lindblad Eq. (4), w* = lambda', { name: 'fig6-lindblad', base: { ...BOSON_EQ, model: 'lindblad', initial_state: PLUS }, axes: axes([0]), outputs: [P, C] });
    const styles = [STYLES.blueSolid, STYLES.redDashed, STYLES.greenDotDash, STYLES.purpleDotted];
    const names = dTs.map((v) => `ΔT = ${lambdas(v)}`);
    const x = (v: number) => v / PI;
    const panel = (col: string, title: string, what: 'P' | 'C') => {
      const r = seriesCurves(red, col, dTs.map((_, i) => ({ name: names[i], lead: [i], style: styles[i] })), x, { steady: ctx.opts.steady });
      const l = seriesCurves(lin, col, [{ name: 'Lindblad Eq. (4), ΔT = 0', lead: [0], style: STYLES.black }], x);
      return { panel: { title, x: { label: L.phi, min: 0, max: 2 }, y: { label: quantityLabel(ctx, what), min: 0 }, series: [...r.series, ...l.series], bands: r.bands }, styles: { ...r.styles, ...l.styles } };
    };
    const a = panel(P, '(a) efficiency', 'P');
    const b = panel(C, '(b) concurrence', 'C');
    const spec = styledLineSpec({ title: '', panels: [a.panel, b.panel], columns: 2, panelWidth: 340, panelHeight: 250 }, { ...a.styles, ...b.styles });
    const numbers: Record<string, unknown> = {};
    dTs.forEach((v, i) => {
      numbers[`P_phi0_dT=${v}`] = round(valueAt(red, P, [i], 0), 5);
      numbers[`C_phi0_dT=${v}`] = round(valueAt(red, C, [i], 0), 5);
      numbers[`P_phi_half_pi_dT=${v}`] = valueAt(red, P, [i], PI / 2);
    });
    numbers.P_lindblad = round(valueAt(lin, P, [0], 0), 5);
    numbers.C_lindblad = round(valueAt(lin, C, [0], 0), 5);
    numbers.max_P = round(argmax(red, P).value, 5);
    const title = 'Fig. 6: efficiency and concurrence vs φ, |ψ(0)⟩ = (|eg⟩ + e^(iφ)|ge⟩)/√2, resonant, T̄ = λ';
    const note = wrap(`F = 0.5λ, Δ₁ = Δ₂ = 0, boson reservoirs. Eq. (4) rates at w* = λ (MODEL.md): its unique steady state has P = ${(numbers.P_lindblad as number).toFixed(4)} and C = 0. ${tauNote(ctx)}`, 115);
    return { spec: compose(title, [[spec]], note), numbers };
  },
};

export const FIG7A: FigureDef = {
  id: '7a',
  title: 'efficiency vs temperature, resonant, equilibrium bosons',
  paper: 'High temperature suppresses the efficiency.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const P = column(ctx, 'efficiency');
    const res = await ctx.sweep('P vs T', {
      name: 'fig7a',
      base: { ...BOSON_EQ, initial_state: PLUS },
      axes: [{ param: 'T', from: 0, to: 5, n: ctx.opts.curvePoints }],
      outputs: [P],
    });
    const c = seriesCurves(res, P, [{ name: 'Redfield', lead: [], style: STYLES.blueSolid }], undefined, { steady: ctx.opts.steady });
    const spec = styledLineSpec({ title: '', panels: [{ title: '', x: { label: L.T }, y: { label: quantityLabel(ctx, 'P'), min: 0 }, series: c.series, bands: c.bands }], panelWidth: 420, panelHeight: 280 }, c.styles);
    const title = 'Fig. 7(a): efficiency vs temperature, equilibrium boson reservoirs';
    const note = wrap(`T₁ = T₂ = T, resonant (Δ₁ = Δ₂ = 0), F = 0.5λ, |ψ(0)⟩ = (|eg⟩ + |ge⟩)/√2. P → F/M = 0.4472 as T → 0 (M = √(F² + λ²)). ${tauNote(ctx)}`, 85);
    return {
      spec: compose(title, [[spec]], note),
      numbers: { P_T0: round(valueAt(res, P, [], 0), 5), P_T1: round(valueAt(res, P, [], 1), 5), P_T5: round(valueAt(res, P, [], 5), 5) },
    };
  },
};

export const FIG7B: FigureDef = {
  id: '7b',
  title: 'efficiency vs chemical potential, resonant, equilibrium fermions',
  paper: 'P drops to a minimum at a mu that does not depend on T, and saturates at large |mu| for every T.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const P = column(ctx, 'efficiency');
    const Ts = [1, 2, 3];
    const res = await ctx.sweep('P vs mu', {
      name: 'fig7b',
      base: { ...PAPER_BASE, reservoir: 'fermion', initial_state: PLUS },
      axes: [
        { param: 'T', values: Ts },
        { param: 'mu', from: -10, to: 10, n: ctx.opts.curvePoints },
      ],
      outputs: [P],
    });
    const styles = [STYLES.blueSolid, STYLES.redDashed, STYLES.greenDotDash];
    const c = seriesCurves(res, P, Ts.map((t, i) => ({ name: `T = ${lambdas(t)}`, lead: [i], style: styles[i] })), undefined, { steady: ctx.opts.steady });
    const spec = styledLineSpec({ title: '', panels: [{ title: '', x: { label: L.mu }, y: { label: quantityLabel(ctx, 'P'), min: 0 }, series: c.series, bands: c.bands }], panelWidth: 420, panelHeight: 280 }, c.styles);
    const numbers: Record<string, unknown> = {};
    Ts.forEach((t, i) => {
      const ks = Array.from({ length: ctx.opts.curvePoints }, (_, j) => i * ctx.opts.curvePoints + j);
      let kmin = ks[0];
      for (const k of ks) if (res.values[P][k] < res.values[P][kmin]) kmin = k;
      numbers[`T=${t}`] = { mu_of_min_P: round(res.grid.axisValues(kmin)[1], 4), min_P: res.values[P][kmin], P_mu_minus10: round(valueAt(res, P, [i], -10), 5), P_mu_10: round(valueAt(res, P, [i], 10), 5) };
    });
    const title = 'Fig. 7(b): efficiency vs chemical potential, equilibrium fermion reservoirs';
    const note = wrap(`μ₁ = μ₂ = μ, T₁ = T₂ = T, resonant, F = 0.5λ, |ψ(0)⟩ = (|eg⟩ + |ge⟩)/√2. P = 0 at μ = M = √(F² + λ²) ≈ 1.118λ for every T; P → F/M = 0.4472 for |μ| ≫ T. ${tauNote(ctx)}`, 85);
    return { spec: compose(title, [[spec]], note), numbers };
  },
};
