// Charging curves (MODEL.md "Battery observables"): the battery's observables on a grid of
// times, and the figures of merit read off them. The float64 curve here is what the cpu backend
// computes and what GPU curves are checked against; the figures are one function for every backend.

import { matvec } from './linalg.js';
import { propagator } from './evolve.js';
import type { Mat } from './linalg.js';
import { type BatteryObservables, concurrenceOf, systemBattery } from './observables.js';
import { observablesF64 } from '../compiler/targets.js';
import type { SystemDefinition } from '../system/definition.js';

/** A time grid t_j = from + j (to - from) / (n - 1), j = 0 .. n-1 (1/lambda). */
export interface TimeGrid {
  from: number;
  to: number;
  n: number;
}

/** What a charging curve holds per time, in this order (the GPU kernel writes the same order). */
export const TRAJECTORY_QUANTITIES = ['E_B_over_omega', 'ergotropy_over_omega', 'efficiency', 'concurrence', 'average_power'] as const;
export type TrajectoryQuantity = (typeof TRAJECTORY_QUANTITIES)[number];

/** Most times one grid may have: the memory check is the real limit (times x points x 5 values). */
export const MAX_TIMES = 100_000;

export function timeValues(g: TimeGrid): number[] {
  if (g.n === 1) return [g.from];
  return Array.from({ length: g.n }, (_, j) => (j === g.n - 1 ? g.to : g.from + ((g.to - g.from) * j) / (g.n - 1)));
}

/** The grid's spacing (0 for one time). */
export const timeStep = (g: TimeGrid): number => (g.n > 1 ? (g.to - g.from) / (g.n - 1) : 0);

/**
 * The float64 charging curve of a point of `system` with generator G and initial vector r0:
 * r(from) = exp(from G) r0, then r(t + step) = exp(step G) r(t), its values by curveOfStates with
 * the system's battery (any n, a declared battery; the concurrence of two qubits only).
 * Returns TRAJECTORY_QUANTITIES x n values, quantity-major (curve[q * n + j]).
 */
export function chargingCurve(system: SystemDefinition, G: Mat, r0: Float64Array, grid: TimeGrid, opts: { concurrence?: boolean } = {}): Float64Array {
  const n = grid.n;
  const D = r0.length;
  const states = new Float64Array(n * D);
  let r = grid.from > 0 ? matvec(propagator(G, grid.from), r0, D) : Float64Array.from(r0);
  const step = n > 1 ? propagator(G, timeStep(grid)) : undefined;
  for (let j = 0; j < n; j++) {
    r[0] = 1;
    states.set(r, j * D);
    if (step && j < n - 1) r = matvec(step, r, D);
  }
  return curveOfStates((r) => systemBattery(system, r), r0, states, grid, { concurrence: opts.concurrence !== false && system.qubits === 2 });
}

/**
 * A charging curve's values from its states r(t_j) (time-major, r0.length values each: the
 * float64 ones of chargingCurve, or a GPU's): the battery's figures of each state by `battery`
 * (a system's battery, model/observables.ts), the average power against r0's energy.
 * TRAJECTORY_QUANTITIES x n values, quantity-major (curve[q * n + j]); the concurrence NaN unless
 * asked for (it is ~40% of a GPU curve's cost, so a sweep computes it only when its outputs
 * include `concurrence`).
 */
export function curveOfStates(battery: (r: ArrayLike<number>) => BatteryObservables, r0: Float64Array, states: Float32Array | Float64Array, grid: TimeGrid, opts: { concurrence?: boolean } = {}): Float64Array {
  const withConcurrence = opts.concurrence !== false;
  const n = grid.n;
  const D = r0.length;
  const out = new Float64Array(TRAJECTORY_QUANTITIES.length * n);
  const e0 = battery(r0).E_B_over_omega;
  const times = timeValues(grid);
  for (let j = 0; j < n; j++) {
    const r = states.subarray(j * D, (j + 1) * D);
    const b = battery(r);
    out[j] = b.E_B_over_omega;
    out[n + j] = b.ergotropy_over_omega;
    out[2 * n + j] = b.efficiency;
    out[3 * n + j] = withConcurrence ? concurrenceOf(r) : Number.NaN;
    out[4 * n + j] = observablesF64().averagePower(b.E_B_over_omega, e0, times[j]);
  }
  return out;
}

/** The scalars a sweep with a time grid adds per point (CSV columns, maps). */
export const CHARGING_FIGURES = ['max_average_power', 'time_of_max_average_power', 'charging_time_90'] as const;
export type ChargingFigure = (typeof CHARGING_FIGURES)[number];

export const CHARGING_FIGURE_DOCS: Record<ChargingFigure, { label: string; unit: string }> = {
  max_average_power: { label: 'largest average charging power on the time grid', unit: 'omega lambda' },
  time_of_max_average_power: { label: 'time of the largest average power', unit: '1/lambda' },
  charging_time_90: { label: 'charging time to 90% of the long-time E_B', unit: '1/lambda' },
};

/**
 * The figures of a charging curve: the largest average power on the grid and its time (the
 * first such time), and the first time where E_B >= 0.9 E_B(infinity) (NaN where the curve never
 * gets there or the long-time value is unknown, e.g. bistable). `energy` and `power` are the
 * curve's E_B/omega and average_power at `times`.
 */
export function chargingFigures(times: ArrayLike<number>, energy: ArrayLike<number>, power: ArrayLike<number>, steadyEnergy: number): Record<ChargingFigure, number> {
  let best = Number.NaN;
  let at = Number.NaN;
  for (let j = 0; j < times.length; j++) {
    if (power[j] > best || (Number.isNaN(best) && !Number.isNaN(power[j]))) {
      best = power[j];
      at = times[j];
    }
  }
  let charged = Number.NaN;
  if (Number.isFinite(steadyEnergy)) {
    const threshold = 0.9 * steadyEnergy;
    for (let j = 0; j < times.length; j++) {
      if (energy[j] >= threshold) {
        charged = times[j];
        break;
      }
    }
  }
  return { max_average_power: best, time_of_max_average_power: at, charging_time_90: charged };
}
