// `qbsweep figure power`: how fast the battery charges, and where its ergotropy sits. Not a
// figure of the paper: the figures of merit quantum-battery work compares protocols by, on the
// paper's Fig. 9 setting (bosons, F = 0.5, |eg>, Redfield).
//   row 1, over Delta x dT at Tbar = 1: the largest average charging power max_t (E_B(t) - E_B(0))/t
//          on a time grid, the time it is reached, and the charging time (first grid time where
//          E_B reaches 90% of its long-time value);
//   row 2, the Fig. 9 plane at Tbar = 1, tau = 20000: coherent and incoherent ergotropy.

import type { HeatmapPanel } from '../io/plotspec.js';
import type { FigureContext } from './context.js';
import { type FigureDef, type FigureOutput, DELTA_RANGE, L, PAPER_BASE, round } from './common.js';
import { compose, mapPanel, mapSpec, wrap } from '../io/render.js';
import { chargingFigures } from '../model/charging.js';

/** The time grid of the power maps [1/lambda]: the first exchange oscillation (t ~ 1/lambda) to the plateau. */
export const POWER_TIMES = { from: 0, to: 60, n: 601 };

export const FIG_POWER: FigureDef = {
  id: 'power',
  title: 'charging power, charging time and coherent vs incoherent ergotropy (Fig. 9 setting)',
  paper: 'Not in the paper: the figures of merit of a charging protocol (power, charging time, coherent ergotropy) on its Fig. 9 setting.',
  async build(ctx: FigureContext): Promise<FigureOutput> {
    const [nx0, ny0] = ctx.opts.mapGrid;
    // each point carries a curve of POWER_TIMES.n times: half the map resolution per axis
    const nx = Math.max(3, Math.ceil(nx0 / 2));
    const ny = Math.max(3, Math.ceil(ny0 / 2));
    const base = { ...PAPER_BASE, reservoir: 'boson' as const, T1: 1, T2: 1, initial_state: { label: 'eg' } };
    // the charging curves on the time grid, in the same thread as each point (spec "times")
    const res = await ctx.sweep('power: E_B(t) over Delta x dT, Tbar = 1', {
      name: 'power',
      base: { ...base, tau: POWER_TIMES.to },
      axes: [
        { param: 'dT', from: -1.8, to: 1.8, n: ny },
        { param: 'Delta', ...DELTA_RANGE, n: nx },
      ],
      outputs: ['steady.E_B_over_omega'],
      times: POWER_TIMES,
    });
    const per = nx * ny;
    const times = res.times!;
    const nt = times.length;
    const maxPower = Float64Array.from(res.values.max_average_power);
    const timeOfMax = Float64Array.from(res.values.time_of_max_average_power);
    const charging = Float64Array.from(res.values.charging_time_90);
    // where float32 has no long-time limit (the resonant line), the context took it from float64: the charging time follows it
    const curve = (c: string, k: number) => res.trajectories![c].subarray(k * nt, (k + 1) * nt);
    for (let k = 0; k < per; k++) {
      const ess = res.values['steady.E_B_over_omega'][k];
      if (Number.isNaN(charging[k]) && Number.isFinite(ess)) charging[k] = chargingFigures(times, curve('trajectory.E_B_over_omega', k), curve('trajectory.average_power', k), ess).charging_time_90;
    }
    const dTs = res.grid.axes[0].values;
    const deltas = res.grid.axes[1].values;
    const panel = (title: string, z: Float64Array): HeatmapPanel => ({ title, x: { label: L.Delta, values: deltas }, y: { label: L.dT, values: dTs }, z });
    const argmax = (z: Float64Array) => {
      let k = 0;
      for (let i = 1; i < z.length; i++) if (z[i] > z[k] || Number.isNaN(z[k])) k = i;
      return { value: z[k], dT: dTs[Math.floor(k / nx)], Delta: deltas[k % nx] };
    };
    const pm = argmax(maxPower);
    const finiteT90 = Array.from(charging).filter(Number.isFinite).sort((a, b) => a - b);

    // row 2: coherent and incoherent ergotropy on the Fig. 9 plane, Tbar = 1, tau = 20000
    const erg = await ctx.sweep('power: coherent and incoherent ergotropy, Fig. 9 plane, Tbar = 1', {
      name: 'ergotropy-split',
      base: { ...base },
      axes: [
        { param: 'dT', from: -1.8, to: 1.8, n: ny0 },
        { param: 'Delta', ...DELTA_RANGE, n: nx0 },
      ],
      outputs: ['ergotropy_coherent_over_omega', 'ergotropy_incoherent_over_omega', 'ergotropy_over_omega'],
    });
    // the largest coherent ergotropy, and the split where the ergotropy itself is largest
    let kc = 0;
    let kw = 0;
    for (let k = 0; k < erg.done; k++) {
      if (erg.values.ergotropy_coherent_over_omega[k] > erg.values.ergotropy_coherent_over_omega[kc]) kc = k;
      if (erg.values.ergotropy_over_omega[k] > erg.values.ergotropy_over_omega[kw]) kw = k;
    }
    const at = (k: number) => Object.fromEntries(erg.grid.axes.map((a, i) => [a.param, round(erg.grid.axisValues(k)[i], 4)]));
    const coherentMax = erg.values.ergotropy_coherent_over_omega[kc];
    const coherentShare = erg.values.ergotropy_coherent_over_omega[kw] / erg.values.ergotropy_over_omega[kw];
    const map = (label: string, z: HeatmapPanel, scheme?: string) => mapSpec({ title: '', colorbar: { label, scheme }, panels: [z], columns: 1 });
    const rows = [
      [
        map('max average power [ωλ]', panel(`(a) max over t ≤ ${POWER_TIMES.to}/λ of (E_B(t) − E_B(0))/t`, maxPower)),
        map('t [1/λ]', panel('(b) time of the maximal average power', timeOfMax), 'plasma'),
        map('t [1/λ]', panel('(c) charging time: E_B reaches 90% of E_B(∞)', charging), 'plasma'),
      ],
      [
        map('coherent ergotropy / ω', mapPanel(erg, 'ergotropy_coherent_over_omega', { title: '(d) coherent ergotropy (τ = 20000/λ)', xLabel: L.Delta, yLabel: L.dT, hatch: false })),
        map('incoherent ergotropy / ω', mapPanel(erg, 'ergotropy_incoherent_over_omega', { title: '(e) incoherent ergotropy, max(z, 0)', xLabel: L.Delta, yLabel: L.dT, hatch: false })),
      ],
    ];
    const numbers = {
      max_average_power: { value: round(pm.value, 5), at: { Delta: round(pm.Delta, 4), dT: round(pm.dT, 4) } },
      charging_time_90_median: finiteT90.length ? finiteT90[Math.floor(finiteT90.length / 2)] : null,
      charging_time_90_never: per - finiteT90.length,
      coherent_ergotropy_max: { value: round(coherentMax, 6), at: at(kc) },
      ergotropy_max: { value: round(erg.values.ergotropy_over_omega[kw], 5), at: at(kw), coherent_share: round(coherentShare, 5) },
      time_grid: { ...POWER_TIMES, spacing: 'linear' },
    };
    const note = wrap(
      `Boson reservoirs, T̄ = 1 (ΔT = T₁ − T₂), F = 0.5λ, Δ₁ + Δ₂ = 0, |ψ(0)⟩ = |eg⟩, Redfield; ${String(res.backend.backend)} backend. ` +
        `(a)-(c): ${nx} × ${ny} points, each with its charging curve at ${nt} times t = ${POWER_TIMES.from}..${POWER_TIMES.to}/λ. Largest average power ${pm.value.toFixed(3)} ωλ at Δ = ${round(pm.Delta, 2)}, ΔT = ${round(pm.dT, 2)}; ` +
        `median charging time ${numbers.charging_time_90_median === null ? '-' : round(numbers.charging_time_90_median, 2)}/λ (${numbers.charging_time_90_never} points not charged to 90% by t = ${POWER_TIMES.to}/λ; the first time counts, an early overshoot included). ` +
        `(d), (e): ${nx0} × ${ny0}; the coherent ergotropy is at most ${coherentMax.toFixed(3)} ω; where the ergotropy is largest (${erg.values.ergotropy_over_omega[kw].toFixed(3)} ω) it is ${(100 * coherentShare).toFixed(1)}% coherent.`,
      110,
    );
    return { spec: compose('Charging power, charging time and the ergotropy split (the setting of Fig. 9, T̄ = 1)', rows, note), numbers, pixelRatio: 1.5 };
  },
};
