// System Hamiltonian in the rotating frame of the drive (paper Eq. 1):
//   H_s = D1/2 sz1 + D2/2 sz2 + lambda (s+1 s-2 + s-1 s+2) + F/2 sx1
// Real symmetric in the basis {|ee>, |eg>, |ge>, |gg>} (charger first, |e> = (1,0)).

import type { Mat } from '../../src/model/linalg.js';

export interface SystemParams {
  Delta1: number;
  Delta2: number;
  lambda: number;
  F: number;
}

/** Real 4x4 qubit operators, row-major, in the two-qubit basis above. */
export const OPS = {
  /** sigma_x of the charger (qubit 1) */
  sx1: Float64Array.of(0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0),
  /** sigma_x of the battery (qubit 2) */
  sx2: Float64Array.of(0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0),
  /** sigma_+ = |e><g| of the charger */
  sp1: Float64Array.of(0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0),
  /** sigma_+ of the battery */
  sp2: Float64Array.of(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0),
};

export function systemHamiltonian(p: SystemParams): Mat {
  const { Delta1: d1, Delta2: d2, lambda, F } = p;
  // diagonal: sz1 = (1, 1, -1, -1), sz2 = (1, -1, 1, -1) on ee, eg, ge, gg
  return Float64Array.of(
    (d1 + d2) / 2, 0, F / 2, 0,
    0, (d1 - d2) / 2, lambda, F / 2,
    F / 2, lambda, (-d1 + d2) / 2, 0,
    0, F / 2, 0, -(d1 + d2) / 2,
  );
}
