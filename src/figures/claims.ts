// Every number docs/REPRODUCTION.md states, with how it is computed (float64 core,
// evaluatePoint) and the value the document gives. test/figures/claims.test.ts recomputes each
// one and checks it against the document's table (row `| id | ...`, the number in the
// "qbsweep" column).

import { type PointInput, resolvePoint, setParam } from '../model/params.js';
import { evaluatePoint } from '../model/point.js';
import { linspace } from '../sweep/spec.js';
import { PAPER_BASE } from './common.js';
import { bestFrequency, lindbladEfficiency, lindbladPoint } from './eq4.js';
import { longTimeRho } from './fig3.js';

export interface Claim {
  id: string;
  figure: string;
  /** the value the document states */
  value: number;
  /** |computed - value| allowed (the document's rounding) */
  tol: number;
  compute: () => number;
  /** what the paper itself states about this number, where it states one: the verdict follows from it */
  paper?: PaperStatement;
}

/**
 * A statement of the paper as a test of the computed number. `approx`: the paper's number, to
 * its rounding `tol` (half a unit of its last digit); `range`: "about a - b"; `atLeast`: "achieves";
 * `above`/`below`: a comparison with another number; `zero`/`nonzero`: to `tol`.
 */
export type PaperStatement =
  | { kind: 'approx'; value: number; tol: number }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'atLeast' | 'above' | 'below'; value: number }
  | { kind: 'zero'; tol: number }
  | { kind: 'nonzero' };

export type Verdict = 'reproduces' | 'roughly' | 'does not reproduce';

/** The verdict a computed number earns against the paper's statement; "roughly": within 10% of it. */
export function verdictOf(s: PaperStatement, x: number): Verdict {
  switch (s.kind) {
    case 'approx':
      return Math.abs(x - s.value) <= s.tol ? 'reproduces' : Math.abs(x - s.value) <= 0.1 * Math.abs(s.value) ? 'roughly' : 'does not reproduce';
    case 'range':
      return x >= s.from && x <= s.to ? 'reproduces' : x >= 0.9 * s.from && x <= 1.1 * s.to ? 'roughly' : 'does not reproduce';
    case 'atLeast':
      return x >= s.value ? 'reproduces' : 'does not reproduce';
    case 'above':
      return x > s.value ? 'reproduces' : 'does not reproduce';
    case 'below':
      return x < s.value ? 'reproduces' : 'does not reproduce';
    case 'zero':
      return Math.abs(x) <= s.tol ? 'reproduces' : 'does not reproduce';
    case 'nonzero':
      return Math.abs(x) > 1e-6 ? 'reproduces' : 'does not reproduce';
  }
}

/** The paper's Eq. (4) statement: "P_ss ~ 0.94 for arbitrary theta and phi". */
const EQ4_STATED: PaperStatement = { kind: 'approx', value: 0.94, tol: 0.005 };
/** Fig. 9: "in the top right corner ... the efficiency is 0.93". */
const FIG9_STATED: PaperStatement = { kind: 'approx', value: 0.93, tol: 0.005 };

const BOSON: PointInput = { ...PAPER_BASE, reservoir: 'boson', T1: 1, T2: 1 };
const FERMION: PointInput = { ...PAPER_BASE, reservoir: 'fermion', T1: 1, T2: 1, mu1: 2, mu2: 2 };
const PLUS = { theta: Math.PI / 4, phi: 0 };

const at = (input: PointInput, params: Record<string, number> = {}) => {
  let i = input;
  for (const [k, v] of Object.entries(params)) i = setParam(i, k, v);
  return evaluatePoint(resolvePoint(i));
};
const gap = (input: PointInput, params: Record<string, number> = {}) => at(input, params).liouvillian_gap;
const steadyP = (input: PointInput, params: Record<string, number> = {}) => at(input, params).steady.efficiency;
const steadyC = (input: PointInput, params: Record<string, number> = {}) => at(input, params).steady.concurrence;

/** Bisection for |gap(Delta)| tau = 10 (the edge of "not stationary at tau") on (lo, hi). */
function stationaryEdge(input: PointInput, lo = 0.02, hi = 0.5): number {
  const f = (d: number) => Math.abs(gap(input, { Delta: d })) * 20000 - 10;
  for (let i = 0; i < 50; i++) {
    const m = (lo + hi) / 2;
    if (f(m) < 0) lo = m;
    else hi = m;
  }
  return (lo + hi) / 2;
}

/**
 * Where the slowest decay outside the kernel crosses 10/tau along a 1-D family of points:
 * bisection between `inside` (not stationary at tau) and `outside` (stationary).
 */
function slowEdge(point: (x: number) => PointInput, inside: number, outside: number): number {
  const notStationary = (x: number) => Math.abs(at(point(x)).slowest_relaxation) * 20000 < 10;
  let a = inside;
  let b = outside;
  for (let i = 0; i < 50; i++) {
    const m = (a + b) / 2;
    if (notStationary(m)) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

/** The charger's own efficiency (its Bloch vector: r_x0, r_y0, r_z0) for Eq. (4) at w. */
function chargerEfficiency(w: number | 'lambda'): number {
  const { r } = evaluatePoint(lindbladPoint(w));
  const z = r[12];
  return (Math.hypot(r[4], r[8], z) + z) / (1 + z);
}

/** Minimiser of a unimodal f on [a, b] (golden section). */
function argminGolden(f: (x: number) => number, a: number, b: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (f(c) < f(d)) b = d;
    else a = c;
  }
  return (a + b) / 2;
}

/** The Figs. 8-11 presets' points: [panel value, y, x] -> efficiency at tau (float64). */
type MapName = 'fig8' | 'fig9' | 'fig10' | 'fig11';

export const MAP_POINTS: Record<MapName, (panel: number, y: number, x: number) => number> = {
  fig8: (T: number, F: number, Delta: number) => at({ ...PAPER_BASE, reservoir: 'boson', initial_state: { label: 'eg' } }, { T, F, Delta }).efficiency,
  fig9: (Tbar: number, dTrel: number, Delta: number) => at({ ...PAPER_BASE, reservoir: 'boson', initial_state: { label: 'eg' } }, { Tbar, dT: dTrel * Tbar, Delta }).efficiency,
  fig10: (mu: number, F: number, Delta: number) => at({ ...PAPER_BASE, reservoir: 'fermion', initial_state: { label: 'eg' } }, { mu, F, Delta }).efficiency,
  fig11: (mubar: number, dmu: number, Delta: number) => at({ ...PAPER_BASE, reservoir: 'fermion', initial_state: { label: 'eg' } }, { mubar, dmu, Delta }).efficiency,
};

/** Axis values of the presets at 201 points (the GPU maxima sit on these). */
const AX201 = { F: linspace(0, 2, 201), dTrel: linspace(-1.8, 1.8, 201), dmu: linspace(-6, 6, 201), Delta: linspace(-4, 4, 201) };

/** Where the 201 x 201 GPU sweeps of `qbsweep figure 8..11` put each maximum (see their manifests). */
export const MAP_MAXIMA: Record<MapName, readonly [number, number, number]> = {
  fig8: [0.5, AX201.F[200], AX201.Delta[200]],
  fig9: [0.5, AX201.dTrel[161], AX201.Delta[200]],
  fig10: [-6, AX201.F[200], AX201.Delta[200]],
  fig11: [-6, AX201.dmu[172], AX201.Delta[200]],
};

const RESONANT_MAX = () => steadyP({ ...BOSON, initial_state: PLUS });
const mapMax = (k: MapName) => () => MAP_POINTS[k](...MAP_MAXIMA[k]);

const productStates = () =>
  Math.max(
    ...['eg', 'ge', 'ee', 'gg'].map((label) => Math.abs(at({ ...BOSON, initial_state: { label } }).efficiency)),
    ...[Math.PI / 2, -Math.PI / 2].map((phi) => Math.abs(at({ ...BOSON, initial_state: { theta: Math.PI / 4, phi } }).efficiency)),
  );

const lawDeviation = () => {
  let worst = 0;
  for (let i = 0; i <= 8; i++) {
    for (let j = 0; j <= 8; j++) {
      const theta = (Math.PI * i) / 8;
      const phi = (Math.PI * j) / 8;
      const r = at({ ...BOSON, initial_state: { theta, phi } });
      const law = 0.22684807620289 * Math.abs(Math.sin(2 * theta) * Math.cos(phi));
      worst = Math.max(worst, Math.abs(r.efficiency - law), Math.abs(r.steady.efficiency - law));
    }
  }
  return worst;
};

const tomo = (state: 'eg' | 'plus') => longTimeRho({ ...setParam(BOSON, 'dT', 1), initial_state: state === 'eg' ? { label: 'eg' } : PLUS }).abs;

/** Largest long-time concurrence over Delta in [lo, hi] (n points, Delta = 0 left out). */
function maxSteadyC(input: PointInput, lo: number, hi: number, n: number): number {
  let m = 0;
  for (const d of linspace(lo, hi, n)) if (d !== 0) m = Math.max(m, steadyC(input, { Delta: d }));
  return m;
}

export const CLAIMS: Claim[] = [
  // Fig. 2
  { id: 'G1', figure: '2a', value: 0, tol: 1e-12, compute: () => Math.abs(gap(BOSON)), paper: { kind: 'zero', tol: 1e-12 } },
  { id: 'G2', figure: '2a', value: -0.0509, tol: 5e-5, compute: () => gap(BOSON, { Delta: 0.01 }) / 1e-4 },
  { id: 'G3', figure: '2b', value: 0, tol: 1e-12, compute: () => Math.abs(gap(FERMION)), paper: { kind: 'zero', tol: 1e-12 } },
  { id: 'G4', figure: '2b', value: -0.0288, tol: 5e-5, compute: () => gap(FERMION, { Delta: 0.01 }) / 1e-4 },
  { id: 'G5', figure: '2a', value: -0.3108, tol: 5e-5, compute: () => gap({ ...BOSON, model: 'lindblad' }), paper: { kind: 'nonzero' } },
  { id: 'G6', figure: '2b', value: -0.1474, tol: 5e-5, compute: () => gap({ ...FERMION, model: 'lindblad' }), paper: { kind: 'nonzero' } },
  { id: 'G7', figure: '2a', value: 0.0992, tol: 5e-5, compute: () => stationaryEdge(BOSON) },
  { id: 'G8', figure: '2b', value: 0.132, tol: 5e-4, compute: () => stationaryEdge(FERMION) },
  // Fig. 3
  { id: 'T1', figure: '3', value: 0.25, tol: 1e-9, compute: () => Math.max(...tomo('eg').map((r, i) => r[i])), paper: { kind: 'approx', value: 0.25, tol: 0.005 } },
  { id: 'T2', figure: '3', value: 0.1105, tol: 5e-5, compute: () => Math.max(...tomo('eg').flatMap((r, i) => r.filter((_, j) => j !== i))) },
  { id: 'T3', figure: '3', value: 0.3605, tol: 5e-5, compute: () => tomo('plus')[0][3] },
  { id: 'T4', figure: '3', value: 0.1395, tol: 5e-5, compute: () => tomo('plus')[1][2] },
  { id: 'T5', figure: '3', value: 0.0553, tol: 5e-5, compute: () => tomo('plus')[0][1] },
  { id: 'C1', figure: '3', value: 0, tol: 1e-9, compute: () => Math.max(...[0, 1, -1].map((dT) => at({ ...BOSON, initial_state: { label: 'eg' } }, { dT }).concurrence)), paper: { kind: 'zero', tol: 1e-9 } },
  { id: 'C2', figure: '3', value: 0.1157, tol: 5e-5, compute: () => steadyC({ ...BOSON, initial_state: { label: 'eg' } }, { Delta: 2 }) },
  { id: 'C3', figure: '3', value: 0.2243, tol: 5e-5, compute: () => steadyC({ ...BOSON, initial_state: { label: 'eg' } }, { dT: 1, Delta: 2 }) },
  { id: 'C4', figure: '3', value: 0.1947, tol: 5e-5, compute: () => steadyC({ ...BOSON, initial_state: { label: 'eg' } }, { dT: -1, Delta: 2 }) },
  { id: 'C5', figure: '3', value: 0.4537, tol: 5e-5, compute: () => at({ ...BOSON, initial_state: PLUS }).concurrence, paper: { kind: 'nonzero' } },
  { id: 'C6', figure: '3', value: 0.4422, tol: 5e-5, compute: () => at({ ...BOSON, initial_state: PLUS }, { dT: 1 }).concurrence },
  // Fig. 4
  { id: 'F1', figure: '4', value: 0.3707, tol: 5e-5, compute: () => at({ ...FERMION, initial_state: PLUS }).concurrence },
  { id: 'F2', figure: '4', value: 0.3521, tol: 5e-5, compute: () => at({ ...FERMION, initial_state: PLUS }, { dmu: 1 }).concurrence },
  { id: 'F3', figure: '4', value: 0.3026, tol: 5e-5, compute: () => at({ ...FERMION, initial_state: PLUS }, { dmu: 2 }).concurrence },
  { id: 'F4', figure: '4', value: 0.0067, tol: 5e-5, compute: () => maxSteadyC({ ...FERMION, initial_state: PLUS }, -0.5, 0.5, 101), paper: { kind: 'below', value: 0.01 } },
  { id: 'F5', figure: '4', value: 0, tol: 1e-9, compute: () => Math.max(maxSteadyC({ ...FERMION, initial_state: PLUS }, -4, -0.5, 8), maxSteadyC({ ...FERMION, initial_state: PLUS }, 0.5, 4, 8)), paper: { kind: 'zero', tol: 1e-9 } },
  { id: 'F6', figure: '4', value: 0, tol: 1e-9, compute: () => Math.max(at({ ...FERMION, initial_state: { label: 'eg' } }).concurrence, steadyC({ ...FERMION, initial_state: { label: 'eg' } })), paper: { kind: 'below', value: 0.01 } },
  // Fig. 5
  { id: 'P1', figure: '5', value: 0, tol: 1e-12, compute: productStates, paper: { kind: 'zero', tol: 1e-12 } },
  { id: 'P2', figure: '5', value: 0.2268, tol: 5e-5, compute: RESONANT_MAX, paper: { kind: 'approx', value: 0.23, tol: 0.005 } },
  { id: 'P3', figure: '5', value: 0.2268, tol: 5e-5, compute: () => steadyP({ ...BOSON, initial_state: { theta: Math.PI / 4, phi: Math.PI } }), paper: { kind: 'approx', value: 0.23, tol: 0.005 } },
  { id: 'P4', figure: '5', value: 0, tol: 1e-12, compute: lawDeviation },
  // Fig. 6
  { id: 'S1', figure: '6', value: 0.2256, tol: 5e-5, compute: () => steadyP({ ...BOSON, initial_state: PLUS }, { dT: 0.5 }) },
  { id: 'S2', figure: '6', value: 0.2211, tol: 5e-5, compute: () => steadyP({ ...BOSON, initial_state: PLUS }, { dT: 1 }) },
  { id: 'S3', figure: '6', value: 0.21, tol: 5e-5, compute: () => steadyP({ ...BOSON, initial_state: PLUS }, { dT: 1.5 }) },
  { id: 'S4', figure: '6', value: 0.42, tol: 5e-5, compute: () => steadyC({ ...BOSON, initial_state: PLUS }, { dT: 1.5 }) },
  { id: 'S5', figure: '6', value: 0.0185, tol: 5e-5, compute: () => steadyP({ ...BOSON, model: 'lindblad', initial_state: PLUS }), paper: { kind: 'above', value: 0.2268 } },
  { id: 'S6', figure: '6', value: 0, tol: 1e-9, compute: () => steadyC({ ...BOSON, model: 'lindblad', initial_state: PLUS }), paper: { kind: 'below', value: 0.4537 } },
  // Fig. 7
  { id: 'R1', figure: '7a', value: 0.4472, tol: 5e-5, compute: () => steadyP({ ...BOSON, T1: 0, T2: 0, initial_state: PLUS }) },
  { id: 'R2', figure: '7a', value: 0.0498, tol: 5e-5, compute: () => steadyP({ ...BOSON, initial_state: PLUS }, { T: 5 }) },
  {
    id: 'R3',
    figure: '7b',
    value: 1.118,
    tol: 5e-4,
    compute: () => Math.max(...[1, 2, 3].map((T) => argminGolden((mu) => steadyP({ ...PAPER_BASE, reservoir: 'fermion', initial_state: PLUS }, { T, mu }), 0, 3))),
  },
  { id: 'R4', figure: '7b', value: 0.4471, tol: 5e-5, compute: () => steadyP({ ...PAPER_BASE, reservoir: 'fermion', initial_state: PLUS }, { T: 1, mu: 10 }) },
  { id: 'R5', figure: '7a', value: 0.176, tol: 5e-4, compute: () => slowEdge((T) => ({ ...BOSON, T1: T, T2: T, initial_state: PLUS }), 0.05, 0.5) },
  { id: 'R6', figure: '7b', value: -5.23, tol: 5e-3, compute: () => slowEdge((mu) => ({ ...FERMION, mu1: mu, mu2: mu, initial_state: PLUS }), -10, -2) },
  { id: 'R7', figure: '7b', value: 7.47, tol: 5e-3, compute: () => slowEdge((mu) => ({ ...FERMION, mu1: mu, mu2: mu, initial_state: PLUS }), 10, 2) },
  {
    id: 'R8',
    figure: '7',
    value: 0,
    tol: 1e-11,
    compute: () => {
      let worst = 0;
      const points = [
        ...linspace(0, 5, 101).map((T) => ({ ...BOSON, T1: T, T2: T, initial_state: PLUS })),
        ...[1, 2, 3].flatMap((T) => linspace(-10, 10, 101).map((mu) => ({ ...FERMION, T1: T, T2: T, mu1: mu, mu2: mu, initial_state: PLUS }))),
      ];
      for (const p of points) {
        const r = at(p);
        worst = Math.max(worst, Math.abs(r.efficiency - r.steady.efficiency));
      }
      return worst;
    },
  },
  // Figs. 8-11 and the "3-4 times"
  { id: 'M8', figure: '8', value: 0.9579, tol: 5e-5, compute: mapMax('fig8') },
  { id: 'M9', figure: '9', value: 0.9464, tol: 5e-5, compute: mapMax('fig9'), paper: FIG9_STATED },
  { id: 'M9a', figure: '9', value: 0.9339, tol: 5e-5, compute: () => MAP_POINTS.fig9(1, 1, 4), paper: FIG9_STATED },
  { id: 'M9b', figure: '9', value: 0.9449, tol: 5e-5, compute: () => MAP_POINTS.fig9(1, 1.8, 4), paper: FIG9_STATED },
  { id: 'M10', figure: '10', value: 0.9695, tol: 5e-5, compute: mapMax('fig10'), paper: { kind: 'atLeast', value: 0.93 } },
  { id: 'M11', figure: '11', value: 0.947, tol: 5e-5, compute: mapMax('fig11') },
  { id: 'X1', figure: '8-11 vs 6', value: 4.27, tol: 5e-3, compute: () => mapMax('fig10')() / RESONANT_MAX(), paper: { kind: 'range', from: 3, to: 4 } },
  { id: 'X2', figure: '8-11 vs 6', value: 4.17, tol: 5e-3, compute: () => Math.min(...(['fig8', 'fig9', 'fig10', 'fig11'] as const).map((k) => mapMax(k)())) / RESONANT_MAX(), paper: { kind: 'range', from: 3, to: 4 } },
  // Eq. (4)
  { id: 'E1', figure: 'eq4', value: 0.0185, tol: 5e-5, compute: () => lindbladEfficiency('lambda'), paper: EQ4_STATED },
  { id: 'E2', figure: 'eq4', value: 0.0257, tol: 5e-5, compute: () => lindbladEfficiency('M'), paper: EQ4_STATED },
  { id: 'E3', figure: 'eq4', value: 0.5388, tol: 5e-5, compute: () => bestFrequency(1).P, paper: EQ4_STATED },
  { id: 'E4', figure: 'eq4', value: 5.99, tol: 0.02, compute: () => bestFrequency(1).w },
  { id: 'E5', figure: 'eq4', value: 0.566, tol: 5e-4, compute: () => bestFrequency(0).P, paper: EQ4_STATED },
  { id: 'E6', figure: 'eq4', value: 0.2869, tol: 5e-5, compute: () => bestFrequency(3, 4, 20).P, paper: EQ4_STATED },
  { id: 'E7', figure: 'eq4', value: 0.0408, tol: 5e-5, compute: () => chargerEfficiency('lambda'), paper: EQ4_STATED },
  { id: 'E8', figure: 'eq4', value: 0.2398, tol: 5e-5, compute: () => chargerEfficiency(6), paper: EQ4_STATED },
  { id: 'E9', figure: 'eq4', value: 0.3271, tol: 5e-5, compute: () => evaluatePoint(lindbladPoint('lambda')).steady.E_B_over_omega, paper: EQ4_STATED },
];
