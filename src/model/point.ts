// One parameter point, evaluated in float64: the reference every backend is checked against.

import { type FlagName, STATIONARY_DECAYS } from '../core/constants.js';
import { evenSteps, evolveExact, evolveLeap, evolveRk4, defaultStep, initialVector, rk4DefaultStep } from './evolve.js';
import { generator } from './generators.js';
import { PRECISION_OBSERVABLES } from '../core/constants.js';
import { type StateObservables, averagePowers, batteryObservables, concurrenceOf, densityMatrices, stateObservables, thermodynamics } from './observables.js';
import type { PointParams } from './params.js';
import { liouvillianGap, longTimeLimit, slowestRelaxation, spectrum } from './spectrum.js';

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
  /** the 16-component Pauli vector at tau (r_00 = 1) */
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
  const integrator = opts.integrator ?? 'expm';
  const h = opts.dt ?? (integrator === 'rk4' ? rk4DefaultStep(G) : defaultStep(G));
  const r =
    integrator === 'expm' ? evolveExact(G, r0, p.tau) : integrator === 'leap' ? evolveLeap(G, r0, p.tau, h) : evolveRk4(G, r0, p.tau, h);

  const eigs = spectrum(G);
  const gap = liouvillianGap(eigs);
  const limit = longTimeLimit(G, r0, eigs);
  const slowest = slowestRelaxation(eigs, limit.kernelDim);

  const atTau = batteryObservables(r);
  const dm = densityMatrices(r);
  const steadyObs = batteryObservables(limit.r);
  const stateTau = stateObservables(r);
  const stateSteady = stateObservables(limit.r);
  const thermo = thermodynamics(aux, limit.r, p.system.reservoirs.length);
  const tol = PRECISION_OBSERVABLES.f64;

  const flags: PointFlag[] = [];
  if (parts.degenerate) flags.push('degenerate');
  if (limit.kernelDim > 1) flags.push('bistable');
  if (Math.abs(slowest) * p.tau < STATIONARY_DECAYS) flags.push('not-stationary-at-tau');
  if (atTau.zeroEnergy) flags.push('zero-energy');
  if (stateTau.rho_min_eigenvalue < -tol.nonPositive || (limit.kernelDim === 1 && stateSteady.rho_min_eigenvalue < -tol.nonPositive)) flags.push('non-positive');
  if (limit.kernelDim === 1 && thermo.firstLawViolated) flags.push('first-law');
  if (limit.kernelDim === 1 && thermo.secondLawViolated) flags.push('second-law');

  const currents: Record<string, number> = {};
  thermo.heat.forEach((j, k) => (currents[`heat_current_${k + 1}`] = j));
  p.system.reservoirs.forEach((res, k) => {
    if ((p.reservoir ?? res.statistics) === 'fermion') currents[`particle_current_${k + 1}`] = thermo.particles[k];
  });
  const result: PointResult = {
    efficiency: atTau.efficiency,
    E_B_over_omega: atTau.E_B_over_omega,
    ergotropy_over_omega: atTau.ergotropy_over_omega,
    concurrence: concurrenceOf(r),
    ...stateTau,
    ...averagePowers(r, r0, p.tau),
    liouvillian_gap: gap,
    rho_real: dm.rho_real,
    rho_imag: dm.rho_imag,
    steady: {
      efficiency: steadyObs.efficiency,
      E_B_over_omega: steadyObs.E_B_over_omega,
      ergotropy_over_omega: steadyObs.ergotropy_over_omega,
      concurrence: concurrenceOf(limit.r),
      kernel_dim: limit.kernelDim,
      ...stateSteady,
      ...currents,
      entropy_production: thermo.entropy_production,
    } as SteadyResult,
    flags,
    r: Array.from(r),
    slowest_relaxation: slowest,
    step: integrator === 'expm' ? Number.NaN : integrator === 'leap' ? evenSteps(p.tau, h).h : h,
    spectral_radius: Math.max(...eigs.map((e) => Math.hypot(e.re, e.im))),
  };
  return parts.degenerate ? blankDegenerate(result) : result;
}

/** At a degenerate level crossing the i<j prescription is basis dependent: no number is better than an arbitrary one. */
function blankDegenerate(res: PointResult): PointResult {
  const nan = Number.NaN;
  const nanRows = () => [0, 1, 2, 3].map(() => [nan, nan, nan, nan]);
  const blank = <T extends object>(o: T, keep: string[] = []): T => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keep.includes(k) || typeof v !== 'number' ? v : nan])) as T;
  return {
    ...blank(res),
    rho_real: nanRows(),
    rho_imag: nanRows(),
    steady: blank(res.steady, ['kernel_dim']),
    flags: res.flags,
    r: res.r.map(() => nan),
    step: res.step,
  };
}
