// One parameter point, evaluated in float64: the reference every backend is checked against.

import { type FlagName, STATIONARY_DECAYS } from '../core/constants.js';
import { evenSteps, evolveExact, evolveLeap, evolveRk4, defaultStep, initialVector, rk4DefaultStep } from './evolve.js';
import { generator } from './generators.js';
import { PRECISION_OBSERVABLES } from '../core/constants.js';
import { type StateObservables, concurrenceOf, densityMatrices, powersBetween, stateObservablesOf, systemFigures, thermodynamics } from './observables.js';
import { type PointParams, pointEnvironment } from './params.js';
import { type Node, evaluate, formatExpr } from '../system/expr.js';
import { isUnstable, liouvillianGap, longTimeLimit, slowestRelaxation, spectrumIfFinite } from './spectrum.js';

/** How r(tau) is computed on the CPU: the exact exponential, or the same discrete RK4 dynamics as the GPU. */
export type CpuIntegrator = 'expm' | 'leap' | 'rk4';

export { STATIONARY_DECAYS };

export type PointFlag = FlagName;

export interface SteadySummary {
  efficiency: number;
  E_B_over_omega: number;
  ergotropy_over_omega: number;
  concurrence: number;
  kernel_dim: number;
}

/**
 * The long-time limit: the basic summary, the state observables, and per reservoir k (from 1) the
 * energy current `heat_current_k` into the system and, for fermion reservoirs, the excitation
 * current `particle_current_k`; `entropy_production` = -sum_k (J_k - mu_k N_k) / T_k.
 */
export type SteadyResult = SteadySummary & StateObservables & { entropy_production: number } & Record<`heat_current_${number}` | `particle_current_${number}`, number>;

export interface PointResult extends StateObservables {
  /** (E_B(tau) - E_B(0)) / tau, in omega lambda (0 at tau = 0) */
  average_power: number;
  /** (ergotropy(tau) - ergotropy(0)) / tau */
  average_ergotropic_power: number;
  efficiency: number;
  E_B_over_omega: number;
  ergotropy_over_omega: number;
  concurrence: number;
  liouvillian_gap: number;
  rho_real: number[][];
  rho_imag: number[][];
  steady: SteadyResult;
  flags: PointFlag[];
  /** the Pauli vector at tau (stateDim components, r_0 = 1) */
  r: number[];
  /** slowest decay rate outside the kernel (equals the gap where the kernel is one-dimensional) */
  slowest_relaxation: number;
  /** the RK4/leap step used (NaN for the exact exponential) */
  step: number;
  /** the largest |eigenvalue| of the generator (the scale of the gap tolerance) */
  spectral_radius: number;
}

export interface EvaluateOptions {
  integrator?: CpuIntegrator;
  /** RK4/leap step; default from the spectrum bound (evolve.defaultStep) */
  dt?: number;
}

export function evaluatePoint(p: PointParams, opts: EvaluateOptions = {}): PointResult {
  const { G, parts, aux } = generator(p);
  const r0 = initialVector(p);
  const eigs = spectrumIfFinite(G);
  if (!eigs) return nonFinitePoint(p, r0, aux);
  const integrator = opts.integrator ?? 'expm';
  const h = opts.dt ?? (integrator === 'rk4' ? rk4DefaultStep(G) : defaultStep(G));
  const r =
    integrator === 'expm' ? evolveExact(G, r0, p.tau) : integrator === 'leap' ? evolveLeap(G, r0, p.tau, h) : evolveRk4(G, r0, p.tau, h);
  // an unstable generator overflows float64 too, given time
  if (!r.every(Number.isFinite)) return nonFinitePoint(p, r0, aux);

  // a growing mode: the state runs away, there is no long-time limit to report
  const unstable = isUnstable(eigs, PRECISION_OBSERVABLES.f64.unstable);
  const limit = longTimeLimit(G, r0, eigs);
  const slowest = slowestRelaxation(eigs, limit.kernelDim);
  return pointOfStates(p, {
    r,
    r0,
    limitR: unstable ? noState(p) : limit.r,
    kernelDim: unstable ? Number.NaN : limit.kernelDim,
    aux,
    degenerate: parts.degenerate,
    unstable,
    notStationary: Math.abs(slowest) * p.tau < STATIONARY_DECAYS,
    spectrum: { liouvillian_gap: liouvillianGap(eigs), slowest_relaxation: slowest, spectral_radius: Math.max(...eigs.map((e) => Math.hypot(e.re, e.im))) },
    step: integrator === 'expm' ? Number.NaN : integrator === 'leap' ? evenSteps(p.tau, h).h : h,
  });
}

/** What a point's result is made of: its states and what its spectrum (or a bound in its place) says of them. */
export interface PointStates {
  /** the state at tau, its initial state and its long-time limit (NaN where there is none or it is not unique and unknown) */
  r: Float64Array;
  r0: Float64Array;
  limitR: Float64Array;
  /** dimension of ker L (NaN: unstable, no limit) */
  kernelDim: number;
  /** the reservoirs' current coefficients (generator(p).aux) */
  aux: Float64Array;
  degenerate: boolean;
  unstable: boolean;
  /** |slowest decay| tau < STATIONARY_DECAYS (or not proven otherwise) */
  notStationary: boolean;
  spectrum: Pick<PointResult, 'liouvillian_gap' | 'slowest_relaxation' | 'spectral_radius'>;
  step: number;
  /** of the states (default f64): its tolerances flag non-positive and the laws */
  precision?: 'f64' | 'f32';
}

/**
 * A point's result from its states, in float64: the battery's figures and every other output
 * (systemFigures, thermodynamics) and the flags. The one path from states to outputs: the cpu
 * backend's evaluatePoint, and the webgpu backend for n > 2 (the states from the GPU, src/backends/webgpu/nd.ts).
 */
export function pointOfStates(p: PointParams, s: PointStates): PointResult {
  const { r, limitR, unstable } = s;
  const precision = s.precision ?? 'f64';
  const tol = PRECISION_OBSERVABLES[precision];
  const atTau = systemFigures(p.system, r, precision);
  const stateSteady = systemFigures(p.system, limitR, precision);
  const thermo = thermodynamics(s.aux, limitR, p.system.reservoirs.length, precision);
  // the long-time flags only where the limit exists and is unique
  const oneLimit = !unstable && s.kernelDim === 1;

  const flags: PointFlag[] = [];
  if (s.degenerate) flags.push('degenerate');
  if (!unstable && s.kernelDim > 1) flags.push('bistable');
  if (s.notStationary) flags.push('not-stationary-at-tau');
  if (atTau.zeroEnergy) flags.push('zero-energy');
  if (atTau.rho_min_eigenvalue < -tol.nonPositive || (oneLimit && stateSteady.rho_min_eigenvalue < -tol.nonPositive)) flags.push('non-positive');
  if (oneLimit && thermo.firstLawViolated) flags.push('first-law');
  if (oneLimit && thermo.secondLawViolated) flags.push('second-law');
  if (unstable) flags.push('unstable');

  const result = assemble(p, { r, r0: s.r0, limitR, kernelDim: s.kernelDim, thermo, flags, atTau, steady: stateSteady });
  // no limit: every long-time number NaN (the emitted observables would read a NaN state as 0)
  if (unstable) result.steady = blank(result.steady);
  Object.assign(result, { ...s.spectrum, step: s.step });
  return s.degenerate ? blankNumbers(result) : result;
}

/** The state of a point that has none: NaN in each of its system's components. */
const noState = (p: PointParams): Float64Array => new Float64Array(p.system.stateDim).fill(Number.NaN);

/**
 * A point whose generator has an entry that is not finite (a coefficient, rate or derived name
 * that is not finite there: e.g. 0.1/Jz at Jz = 0), or whose spectrum or state is not: NaN
 * everywhere and the flag non-finite alone. `nonFiniteCause` names the cause.
 */
function nonFinitePoint(p: PointParams, r0: Float64Array, aux: Float64Array): PointResult {
  const thermo = thermodynamics(aux, noState(p), p.system.reservoirs.length);
  const none = systemFigures(p.system, noState(p));
  return blankNumbers(assemble(p, { r: noState(p), r0, limitR: noState(p), kernelDim: Number.NaN, thermo, flags: ['non-finite'], atTau: none, steady: none }));
}

/** heat_current_k of every reservoir k (from 1), particle_current_k of the fermion ones: the long-time currents a result reports. */
export function longTimeCurrents(p: PointParams, thermo: ReturnType<typeof thermodynamics>): Record<string, number> {
  const currents: Record<string, number> = {};
  thermo.heat.forEach((j, k) => (currents[`heat_current_${k + 1}`] = j));
  p.system.reservoirs.forEach((res, k) => {
    if ((p.reservoir ?? res.statistics) === 'fermion') currents[`particle_current_${k + 1}`] = thermo.particles[k];
  });
  return currents;
}

type Figures = ReturnType<typeof systemFigures>;

/** The result of a point from its state at tau and its long-time state (NaN where there is none), with their figures (systemFigures); the spectrum's fields NaN. */
function assemble(p: PointParams, s: { r: Float64Array; r0: Float64Array; limitR: Float64Array; kernelDim: number; thermo: ReturnType<typeof thermodynamics>; flags: PointFlag[]; atTau: Figures; steady: Figures }): PointResult {
  const { r, limitR, thermo, atTau, steady: steadyObs } = s;
  const dm = densityMatrices(r);
  const currents = longTimeCurrents(p, thermo);
  return {
    efficiency: atTau.efficiency,
    E_B_over_omega: atTau.E_B_over_omega,
    ergotropy_over_omega: atTau.ergotropy_over_omega,
    concurrence: concurrenceOf(r),
    ...stateObservablesOf(atTau),
    ...powersBetween(atTau, systemFigures(p.system, s.r0), p.tau),
    liouvillian_gap: Number.NaN,
    rho_real: dm.rho_real,
    rho_imag: dm.rho_imag,
    steady: {
      efficiency: steadyObs.efficiency,
      E_B_over_omega: steadyObs.E_B_over_omega,
      ergotropy_over_omega: steadyObs.ergotropy_over_omega,
      concurrence: concurrenceOf(limitR),
      kernel_dim: s.kernelDim,
      ...stateObservablesOf(steadyObs),
      ...currents,
      entropy_production: thermo.entropy_production,
    } as SteadyResult,
    flags: s.flags,
    r: Array.from(r),
    slowest_relaxation: Number.NaN,
    step: Number.NaN,
    spectral_radius: Number.NaN,
  };
}

/** o with every number NaN but those of `keep`. */
const blank = <T extends object>(o: T, keep: string[] = []): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keep.includes(k) || typeof v !== 'number' ? v : Number.NaN])) as T;

/**
 * Every number of a result NaN but the kernel dimension and the step: at a degenerate level
 * crossing the i<j prescription is basis dependent (no number is better than an arbitrary one),
 * and a non-finite point has none.
 */
function blankNumbers(res: PointResult): PointResult {
  const nanRows = () => res.rho_real.map((row) => row.map(() => Number.NaN));
  return {
    ...blank(res),
    rho_real: nanRows(),
    rho_imag: nanRows(),
    steady: blank(res.steady, ['kernel_dim']),
    flags: res.flags,
    r: res.r.map(() => Number.NaN),
    step: res.step,
  };
}

/**
 * Why a point is non-finite, in a few words for `qbsweep point`: the first name, coefficient or
 * reservoir quantity of its system that is not finite there (e.g. `hamiltonian term "ZZ": 0.1/Jz
 * = Infinity`), else what else failed. Undefined when the point is finite.
 */
export function nonFiniteCause(p: PointParams): string | undefined {
  const res = evaluatePoint(p);
  if (!res.flags.includes('non-finite')) return undefined;
  const sys = p.system;
  const env = pointEnvironment(sys, p.values);
  const value = (n: Node): number => {
    try {
      return evaluate(n, env);
    } catch {
      return 0; // the jump rates' emission()/absorption(): the generator check below covers them
    }
  };
  const places: [string, Node, string?][] = [
    ...sys.derived.map((d) => [`derived name ${d.name}`, d.expr, d.text] as [string, Node, string]),
    ...sys.hamiltonian.map((t) => [`hamiltonian term "${t.label}"`, t.coefficient, t.text] as [string, Node, string]),
    ...sys.reservoirs.flatMap((r, k) => [
      ...(['T', 'mu'] as const).map((f) => [`reservoirs[${k}].${f}`, r[f]] as [string, Node]),
      ...(['alpha', 'omega_c', 's'] as const).map((f) => [`reservoirs[${k}].spectral_density.${f}`, r.spectralDensity[f]] as [string, Node]),
      ...r.coupling.map((t) => [`reservoirs[${k}].coupling "${t.label}"`, t.coefficient, t.text] as [string, Node, string]),
    ]),
    ...(p.model === 'lindblad' ? sys.jumps.flatMap((j, k) => [...j.op.map((t) => [`jumps[${k}].op "${t.label}"`, t.coefficient, t.text] as [string, Node, string]), [`jumps[${k}].rate`, j.rate] as [string, Node]]) : []),
  ];
  for (const [where, node, text] of places) {
    const v = value(node);
    if (!Number.isFinite(v)) return `${where}: ${text ?? formatExpr(node)} = ${v} at this point`;
  }
  const { G } = generator(p);
  if (!G.every(Number.isFinite)) return 'a rate of the generator is not finite at this point';
  if (!spectrumIfFinite(G)) return "the QR iteration found no spectrum of the generator (it did not converge)";
  return 'the state at tau overflows float64 (a growing mode)';
}
