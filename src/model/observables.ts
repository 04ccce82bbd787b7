// Battery observables (MODEL.md "Observables") from the Pauli vector r, and the Wootters concurrence.

import type { CMat } from './complex.js';
import { jacobiEigh, matmul } from './linalg.js';
import { vectorToDensity } from './pauli.js';

// Components of r that belong to the battery alone: r_0x, r_0y, r_0z.
const R0X = 1;
const R0Y = 2;
const R0Z = 3;

export interface BatteryObservables {
  E_B_over_omega: number;
  ergotropy_over_omega: number;
  efficiency: number;
  /** E_B = 0: the ratio is 0/0, reported as efficiency 0 */
  zeroEnergy: boolean;
}

/**
 * z = <sz2> = r_0z and |<s-2>|^2 = (r_0x^2 + r_0y^2)/4, so |r| = sqrt(z^2 + 4|s|^2) is the
 * battery's Bloch vector length: E_B/w = (1+z)/2, ergotropy/w = (|r|+z)/2, P = (|r|+z)/(1+z).
 */
export function batteryObservables(r: ArrayLike<number>): BatteryObservables {
  const z = r[R0Z];
  const bloch = Math.sqrt(r[R0X] * r[R0X] + r[R0Y] * r[R0Y] + z * z);
  const E = (1 + z) / 2;
  const erg = (bloch + z) / 2;
  const zeroEnergy = !(E > 0);
  return { E_B_over_omega: E, ergotropy_over_omega: erg, efficiency: zeroEnergy ? 0 : erg / E, zeroEnergy };
}

/** Real 8x8 symmetric embedding [[A, -B], [B, A]] of a Hermitian A + iB; it is an algebra homomorphism. */
function embedHermitian(m: CMat): Float64Array {
  const e = new Float64Array(64);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const a = (m.re[i * 4 + j] + m.re[j * 4 + i]) / 2;
      const b = (m.im[i * 4 + j] - m.im[j * 4 + i]) / 2;
      e[i * 8 + j] = a;
      e[(i + 4) * 8 + (j + 4)] = a;
      e[i * 8 + (j + 4)] = -b;
      e[(i + 4) * 8 + j] = b;
    }
  }
  return e;
}

/** rho~ = (sy x sy) rho* (sy x sy); sy x sy is the real anti-diagonal (-1, 1, 1, -1). */
function spinFlip(rho: CMat): CMat {
  const perm = [3, 2, 1, 0];
  const sign = [-1, 1, 1, -1];
  const out: CMat = { re: new Float64Array(16), im: new Float64Array(16) };
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const s = sign[i] * sign[j];
      out.re[i * 4 + j] = s * rho.re[perm[i] * 4 + perm[j]];
      out.im[i * 4 + j] = -s * rho.im[perm[i] * 4 + perm[j]];
    }
  }
  return out;
}

/**
 * Wootters concurrence C = max(0, l1 - l2 - l3 - l4), l_i the square roots of the eigenvalues of
 * sqrt(rho) rho~ sqrt(rho), in decreasing order. Both eigenproblems are 8x8 real symmetric Jacobi,
 * the same algorithm the WGSL kernel uses.
 */
export function concurrence(rho: CMat): number {
  const { values, vectors } = jacobiEigh(embedHermitian(rho), 8);
  const sqrtRho = new Float64Array(64);
  for (let k = 0; k < 8; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) sqrtRho[i * 8 + j] += s * vectors[i * 8 + k] * vectors[j * 8 + k];
  }
  const m = matmul(sqrtRho, matmul(embedHermitian(spinFlip(rho)), sqrtRho, 8), 8);
  for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) m[i * 8 + j] = m[j * 8 + i] = (m[i * 8 + j] + m[j * 8 + i]) / 2;
  const mu = jacobiEigh(m, 8).values; // every eigenvalue appears twice
  const l = [0, 2, 4, 6].map((k) => Math.sqrt(Math.max(mu[k], 0)));
  return Math.max(0, l[0] - l[1] - l[2] - l[3]);
}

/** rho as nested 4x4 real and imaginary arrays (Hermitian by construction from r). */
export function densityMatrices(r: ArrayLike<number>): { rho_real: number[][]; rho_imag: number[][]; rho: CMat } {
  const rho = vectorToDensity(r);
  const rows = (a: Float64Array) => [0, 1, 2, 3].map((i) => Array.from(a.subarray(i * 4, i * 4 + 4)));
  return { rho_real: rows(rho.re), rho_imag: rows(rho.im), rho };
}
