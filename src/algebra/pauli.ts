// The 16-component real density vector of MODEL.md:
//   rho = (1/4) sum_{a,b in {0,x,y,z}} r_ab sigma_a (x) sigma_b,  r_ab = Tr(rho sigma_a (x) sigma_b),
// with component index 4a + b (a = charger, b = battery; 0,x,y,z = 0,1,2,3) and r_00 = 1.
// Basis of the 4x4 matrices: {|ee>, |eg>, |ge>, |gg>}, |e> = (1, 0).

import { type CMat, czeros, ckron2, cmul, ctrace } from './complex.js';

export const PAULI_LABELS = ['0', 'x', 'y', 'z'] as const;
export const VECTOR_LABELS = Array.from({ length: 16 }, (_, i) => `${PAULI_LABELS[i >> 2]}${PAULI_LABELS[i & 3]}`);

const I2: CMat = { re: Float64Array.of(1, 0, 0, 1), im: new Float64Array(4) };
const SX: CMat = { re: Float64Array.of(0, 1, 1, 0), im: new Float64Array(4) };
const SY: CMat = { re: new Float64Array(4), im: Float64Array.of(0, -1, 1, 0) };
const SZ: CMat = { re: Float64Array.of(1, 0, 0, -1), im: new Float64Array(4) };
export const PAULI_1Q: readonly CMat[] = [I2, SX, SY, SZ];

/** sigma_a (x) sigma_b for index 4a + b. */
export const PAULI_STRINGS: readonly CMat[] = Array.from({ length: 16 }, (_, i) => ckron2(PAULI_1Q[i >> 2], PAULI_1Q[i & 3]));

/**
 * Each Pauli string has exactly one non-zero entry per row: (P_i)[k][perm[k]] = phase[k] in {+-1, +-i}.
 * The GPU generator code is generated from these tables, so both sides use one definition.
 */
export interface SignedPermutation {
  perm: number[];
  phaseRe: number[];
  phaseIm: number[];
}

export const PAULI_PERMUTATIONS: readonly SignedPermutation[] = PAULI_STRINGS.map((p) => {
  const perm: number[] = [];
  const phaseRe: number[] = [];
  const phaseIm: number[] = [];
  for (let k = 0; k < 4; k++) {
    for (let l = 0; l < 4; l++) {
      if (p.re[k * 4 + l] !== 0 || p.im[k * 4 + l] !== 0) {
        perm.push(l);
        phaseRe.push(p.re[k * 4 + l]);
        phaseIm.push(p.im[k * 4 + l]);
      }
    }
  }
  return { perm, phaseRe, phaseIm };
});

/** r_i = Tr(rho P_i) (real for Hermitian rho). */
export function densityToVector(rho: CMat): Float64Array {
  const r = new Float64Array(16);
  for (let i = 0; i < 16; i++) r[i] = ctrace(cmul(rho, PAULI_STRINGS[i])).re;
  return r;
}

/** rho = (1/4) sum_i r_i P_i. */
export function vectorToDensity(r: ArrayLike<number>): CMat {
  const rho = czeros();
  for (let i = 0; i < 16; i++) {
    const p = PAULI_STRINGS[i];
    for (let k = 0; k < 16; k++) {
      rho.re[k] += 0.25 * r[i] * p.re[k];
      rho.im[k] += 0.25 * r[i] * p.im[k];
    }
  }
  return rho;
}

/** Pure state |psi><psi| from 4 complex amplitudes (normalised here). */
export function pureDensity(psiRe: ArrayLike<number>, psiIm: ArrayLike<number>): CMat {
  let norm = 0;
  for (let k = 0; k < 4; k++) norm += psiRe[k] * psiRe[k] + psiIm[k] * psiIm[k];
  const rho = czeros();
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      // psi_i conj(psi_j)
      rho.re[i * 4 + j] = (psiRe[i] * psiRe[j] + psiIm[i] * psiIm[j]) / norm;
      rho.im[i * 4 + j] = (psiIm[i] * psiRe[j] - psiRe[i] * psiIm[j]) / norm;
    }
  }
  return rho;
}
