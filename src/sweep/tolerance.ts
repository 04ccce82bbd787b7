// The accuracy a float32 GPU backend must meet against the float64 CPU backend (engine issue):
// efficiency, E_B/omega, ergotropy/omega (and rho, and the long-time values): <= 1e-4 where
// |gap| tau >= 10, <= 2e-3 elsewhere (the resonant bistable line included); concurrence <= 1e-3
// (2e-3 where |gap| tau < 10, like the state it is computed from: at the bistable points of
// other systems, e.g. F = 0 of common-bath, float32 cannot resolve the kernel and the
// concurrence differs by up to 1.5e-3, measured); the Liouvillian gap: <= 1e-4 of the largest
// |eigenvalue|. The figures of merit take the tolerance of the state they derive from.
// Near-bistable points (a gap far below the spectral radius) are ill-conditioned: float32 cannot
// do better there than its unit roundoff times the condition number radius / |gap|, so no
// tolerance is below that (measured: at most 0.31 of it, common-bath 24x24, where the fixed
// tolerances failed by 1.6x).

import { PRECISION_OBSERVABLES, STATIONARY_DECAYS } from '../core/constants.js';
import type { TrajectoryQuantity } from '../model/charging.js';
import { outputValue } from '../core/outputs.js';

export const GPU_TOLERANCE = {
  stationary: 1e-4,
  transient: 2e-3,
  concurrence: 1e-3,
  gapRelative: 1e-4,
  /** |gap| tau below this: not stationary at tau */
  stationaryDecays: STATIONARY_DECAYS,
};

/**
 * Charging curves (a spec's time grid) at every time, short times included (issue 11): E_B,
 * ergotropy and the average power 1e-4, the efficiency 1e-4, the concurrence 1e-3.
 */
export const TRAJECTORY_TOLERANCE: Record<TrajectoryQuantity, number> = {
  E_B_over_omega: 1e-4,
  ergotropy_over_omega: 1e-4,
  efficiency: 1e-4,
  concurrence: 1e-3,
  average_power: 1e-4,
};

export const trajectoryTolerance = (q: TrajectoryQuantity): number => TRAJECTORY_TOLERANCE[q];

/** float32's unit roundoff */
export const EPS_F32 = 2 ** -24;

/** What float32 can resolve at a point: its unit roundoff times radius / |gap| (0 where the gap is unknown or 0). */
export function conditioningFloor(ref: { gap: number; radius: number }): number {
  const gap = Math.abs(ref.gap);
  return gap > 0 && Number.isFinite(gap) && Number.isFinite(ref.radius) ? (EPS_F32 * ref.radius) / gap : 0;
}

/** Tolerance for one column at one point, given the float64 gap, spectral radius and tau there. */
export function toleranceAt(column: string, ref: { gap: number; radius: number; tau: number; inverseTemperatures?: number; energy?: number }): number | undefined {
  let base = fixedToleranceAt(column, ref);
  // a charging curve's column takes its output's rules (trajectory.efficiency: efficiency's)
  const entry = outputValue(column.startsWith('trajectory.') ? column.slice(11) : column)?.entry;
  // W / E_B: float32's E_B = (1 + z)/2 is good to ~4e-6 absolute (z near -1 after many steps;
  // measured <= 5.5e-6 on charging curves), so W / E_B to (1 + P) 4e-6 / E_B; below
  // PRECISION_OBSERVABLES.f32.energyResolution float32 reports 0 (zero-energy)
  if (base !== undefined && entry?.perEnergy && ref.energy !== undefined) {
    // within a few times the resolution float32 may report zero-energy (0) for any efficiency in [0, 1]
    base = ref.energy <= 4 * PRECISION_OBSERVABLES.f32.energyResolution ? Math.max(base, 1) : Math.max(base, 8e-6 / ref.energy);
  }
  // -sum_k J_k / T_k: the currents' error divided by each temperature (cold reservoirs amplify it)
  if (base !== undefined && entry?.perTemperature) base *= Math.max(1, ref.inverseTemperatures ?? 1);
  return base === undefined || entry?.tolerance === 'gap' ? base : Math.max(base, conditioningFloor(ref));
}

/** The tolerances of the engine issue and issue 11, before the conditioning floor. */
function fixedToleranceAt(column: string, ref: { gap: number; radius: number; tau: number }): number | undefined {
  if (column.startsWith('trajectory.')) return TRAJECTORY_TOLERANCE[column.slice(11) as TrajectoryQuantity];
  if (column === 'max_average_power') return TRAJECTORY_TOLERANCE.average_power;
  // grid times picked by a maximum or a threshold: no absolute tolerance (the cross-check checks what they pick)
  if (column === 'time_of_max_average_power' || column === 'charging_time_90') return undefined;
  // the output's class (src/core/outputs.ts); rho's columns are the state's at tau
  const entry = outputValue(column)?.entry;
  // the limit is stationary by definition; the state at tau where |gap| tau >= 10
  const stationary = entry?.program === 'limit' || Math.abs(ref.gap) * ref.tau >= GPU_TOLERANCE.stationaryDecays;
  switch (entry?.tolerance ?? 'state') {
    case 'none':
      return undefined;
    case 'gap':
      return GPU_TOLERANCE.gapRelative * ref.radius;
    case 'concurrence':
      return stationary ? GPU_TOLERANCE.concurrence : GPU_TOLERANCE.transient;
    default:
      return stationary ? GPU_TOLERANCE.stationary : GPU_TOLERANCE.transient;
  }
}

export { GAP_RESOLUTION_F32 } from '../core/constants.js';

export interface ValueCheck {
  /** |value - reference| / tolerance: > 1 fails; Infinity where one side is NaN and the other a number */
  ratio: number;
  diff: number;
  tolerance: number;
  pass: boolean;
}

/**
 * One value of a backend against its float64 reference. Both NaN agree (a point with no number);
 * NaN against a number fails, as does any non-finite value against a finite one.
 * Returns undefined for columns without a tolerance (steady.kernel_dim).
 */
export function checkValue(column: string, value: number, reference: number, ref: { gap: number; radius: number; tau: number; inverseTemperatures?: number; energy?: number }): ValueCheck | undefined {
  const tol = toleranceAt(column, ref);
  if (tol === undefined) return undefined;
  const aNaN = Number.isNaN(value);
  const bNaN = Number.isNaN(reference);
  if (aNaN && bNaN) return { ratio: 0, diff: 0, tolerance: tol, pass: true };
  if (aNaN || bNaN || !Number.isFinite(value) !== !Number.isFinite(reference)) return { ratio: Infinity, diff: Number.NaN, tolerance: tol, pass: false };
  const diff = value === reference ? 0 : Math.abs(value - reference);
  const ratio = diff / tol;
  return { ratio, diff, tolerance: tol, pass: ratio <= 1 };
}
