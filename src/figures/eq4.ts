// The paper's "P_ss ~ 0.94" for the phenomenological Lindblad equation (Eq. 4), resonant
// driving, equilibrium bosons (Sec. 4). Eq. (4) takes its rates at the qubit frequencies,
// which in the rotating frame of Eq. (1) are not defined; the scan below takes them at one
// frequency w* for both qubits (lindblad_freq, a run setting, hence a float64 CPU loop rather
// than a sweep axis) and shows that no w* reaches 0.94.

import { resolvePoint } from '../model/params.js';
import { evaluatePoint } from '../model/point.js';
import type { FigureContext } from './context.js';
import { type FigureDef, type FigureOutput, PAPER_BASE, lambdas, round } from './common.js';
import { STYLES, compose, styledLineSpec, wrap } from '../io/render.js';

/** The Sec. 4 point: resonant, F = 0.5, boson T1 = T2 = T, model lindblad with rates at w. */
export function lindbladPoint(w: number | 'lambda' | 'M', T = 1) {
  return resolvePoint({ ...PAPER_BASE, reservoir: 'boson', T1: T, T2: T, model: 'lindblad', lindblad_freq: w, initial_state: { label: 'eg' } });
}

/** Long-time efficiency of Eq. (4) (unique steady state: independent of |psi(0)>). */
export function lindbladEfficiency(w: number | 'lambda' | 'M', T = 1): number {
  return evaluatePoint(lindbladPoint(w, T)).steady.efficiency;
}

/** Golden-section search for the w* of largest efficiency in [a, b] (unimodal there). */
export function bestFrequency(T = 1, a = 2, b = 12): { w: number; P: number } {
  const g = (Math.sqrt(5) - 1) / 2;
  const f = (w: number) => lindbladEfficiency(w, T);
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < 40; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  const w = (a + b) / 2;
  return { w, P: f(w) };
}

export const EQ4: FigureDef = {
  id: 'eq4',
  title: 'Eq. (4) efficiency vs the frequency w* of its rates (the paper\'s "0.94")',
  paper: 'Eq. (4) yields a single steady state with P_ss ~ 0.94 for every initial state (resonant, equilibrium bosons, T = 1, F = 0.5).',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const n = ctx.opts.curvePoints;
    const ws = Array.from({ length: n }, (_, i) => 10 ** (-2 + (4 * i) / (n - 1)));
    const Ts = [1, 0, 3];
    const styles = [STYLES.blueSolid, STYLES.redDashed, STYLES.greenDotDash];
    const rows: (number | string)[][] = [];
    const series = Ts.map((T, s) => {
      const y = ws.map((w) => {
        const r = evaluatePoint(lindbladPoint(w, T));
        rows.push([T, w, r.efficiency, r.steady.efficiency, r.flags.join('|')]);
        return r.steady.efficiency;
      });
      return { name: `T = ${lambdas(T)}${T === 1 ? ' (the paper\'s case)' : ''}`, x: ws, y, style: styles[s] };
    });
    ctx.table({
      label: 'Eq. (4) scan over w*',
      columns: ['T', 'lindblad_freq', 'efficiency', 'steady.efficiency', 'point_flags'],
      rows,
      about: 'float64 CPU (evaluatePoint), model lindblad, resonant, F = 0.5, boson T1 = T2 = T, |psi(0)> = |eg>',
    });
    const atLambda = lindbladEfficiency('lambda');
    const M = Math.sqrt((PAPER_BASE.F as number) ** 2 + 1);
    const atM = lindbladEfficiency('M');
    const best = bestFrequency(1);
    const best0 = bestFrequency(0);
    const marks = [
      { name: `w* = λ: ${atLambda.toFixed(4)}`, x: [1], y: [atLambda], style: STYLES.black },
      { name: `w* = M: ${atM.toFixed(4)}`, x: [M], y: [atM], style: STYLES.greyDashed },
      { name: `best w* = ${best.w.toFixed(2)}λ: ${best.P.toFixed(4)}`, x: [best.w], y: [best.P], style: STYLES.purpleDotted },
    ];
    const styleMap = Object.fromEntries([...series, ...marks].map((s) => [s.name, s.style]));
    const spec = styledLineSpec(
      {
        title: '',
        panels: [
          {
            title: '',
            x: { label: 'w*/λ (frequency of the Eq. (4) rates)', log: true, min: 0.01, max: 100 },
            y: { label: 'P_ss of Eq. (4)', min: 0, max: 1 },
            series: [...series.map(({ style: _s, ...s }) => s), ...marks.map(({ style: _s, ...s }) => ({ ...s, points: true }))],
            rules: [
              { y: 0.94, label: 'paper: P_ss ≈ 0.94' },
              { y: 0.2268, label: 'Redfield, (|eg⟩ + |ge⟩)/√2: 0.2268' },
            ],
          },
        ],
        panelWidth: 460,
        panelHeight: 300,
      },
      styleMap,
    );
    const title = 'Eq. (4): Lindblad efficiency vs the frequency of its rates';
    const note = wrap(
      `Resonant (Δ₁ = Δ₂ = 0), F = 0.5λ, boson T₁ = T₂ = T, rates J(w*)N(w*) on σ₊ and J(w*)(N+1) on σ₋ of each qubit; float64, CPU. ` +
        `T = λ: P_ss = ${atLambda.toFixed(4)} at w* = λ, ${atM.toFixed(4)} at w* = M = ${M.toFixed(3)}λ, largest ${best.P.toFixed(4)} at w* = ${best.w.toFixed(2)}λ; ` +
        `T = 0: largest ${best0.P.toFixed(4)} at w* = ${best0.w.toFixed(2)}λ. No reading reaches 0.94.`,
      85,
    );
    return {
      spec: compose(title, [[spec]], note),
      numbers: {
        P_w_lambda: round(atLambda, 5),
        P_w_M: round(atM, 5),
        best_T1: { w: round(best.w, 3), P: round(best.P, 5) },
        best_T0: { w: round(best0.w, 3), P: round(best0.P, 5) },
      },
    };
  },
};
