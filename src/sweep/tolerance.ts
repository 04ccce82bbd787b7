// The accuracy a float32 GPU backend must meet against the float64 CPU backend (engine issue):
// efficiency, E_B/omega, ergotropy/omega (and rho, and the long-time values): <= 1e-4 where
// |gap| tau >= 10, <= 2e-3 elsewhere (the resonant bistable line included); concurrence <= 1e-3;
// the Liouvillian gap: <= 1e-4 of the largest |eigenvalue|.

import { STATIONARY_DECAYS } from '../core/constants.js';

export const GPU_TOLERANCE = {
  stationary: 1e-4,
  transient: 2e-3,
  concurrence: 1e-3,
  gapRelative: 1e-4,
  /** |gap| tau below this: not stationary at tau */
  stationaryDecays: STATIONARY_DECAYS,
};

/** Tolerance for one column at one point, given the float64 gap, spectral radius and tau there. */
export function toleranceAt(column: string, ref: { gap: number; radius: number; tau: number }): number | undefined {
  if (column === 'steady.kernel_dim') return undefined;
  if (column === 'liouvillian_gap') return GPU_TOLERANCE.gapRelative * ref.radius;
  if (column === 'concurrence' || column === 'steady.concurrence') return GPU_TOLERANCE.concurrence;
  if (column.startsWith('steady.')) return GPU_TOLERANCE.stationary;
  return Math.abs(ref.gap) * ref.tau >= GPU_TOLERANCE.stationaryDecays ? GPU_TOLERANCE.stationary : GPU_TOLERANCE.transient;
}
