// The real density vector of MODEL.md for n qubits (4^n components):
//   rho = (1/2^n) sum_{a in {0,x,y,z}^n} r_a sigma_a1 (x) ... (x) sigma_an,  r_a = Tr(rho sigma_a),
// with component index sum_q a_q 4^(n-q) (qubit 1 most significant: 4a + b for n = 2, a = charger,
// b = battery; 0,x,y,z = 0,1,2,3) and r_0 = 1.
// Basis of the 2^n x 2^n matrices: |e> = (1, 0) on each qubit, qubit 1 most significant ({|ee>, |eg>, |ge>, |gg>} for n = 2).

import { qubitsOfState } from '../core/dimension.js';
import { type CMat, czeros, ckron, cmul, ctrace } from './complex.js';

export const PAULI_LABELS = ['0', 'x', 'y', 'z'] as const;

const I2: CMat = { re: Float64Array.of(1, 0, 0, 1), im: new Float64Array(4) };
const SX: CMat = { re: Float64Array.of(0, 1, 1, 0), im: new Float64Array(4) };
const SY: CMat = { re: new Float64Array(4), im: Float64Array.of(0, -1, 1, 0) };
const SZ: CMat = { re: Float64Array.of(1, 0, 0, -1), im: new Float64Array(4) };
export const PAULI_1Q: readonly CMat[] = [I2, SX, SY, SZ];

/**
 * Each Pauli string has exactly one non-zero entry per row: (P_i)[k][perm[k]] = phase[k] in {+-1, +-i}.
 * The GPU generator code is generated from these tables, so both sides use one definition.
 */
export interface SignedPermutation {
  perm: number[];
  phaseRe: number[];
  phaseIm: number[];
}

/** The Pauli strings of n qubits: labels ("0x" ...), matrices, their signed permutations and sigma_y parities, by component index. */
export interface PauliBasis {
  qubits: number;
  labels: string[];
  strings: CMat[];
  permutations: SignedPermutation[];
  /** number of sigma_y factors of P_i, mod 2 (components with odd parity are Im parts of rho) */
  parity: number[];
}

const bases = new Map<number, PauliBasis>();

export function pauliBasis(qubits: number): PauliBasis {
  let basis = bases.get(qubits);
  if (basis) return basis;
  // the letters of component i, qubit 1 first
  const side = 2 ** qubits;
  const letters = Array.from({ length: 4 ** qubits }, (_, i) => Array.from({ length: qubits }, (_, q) => (i >> (2 * (qubits - 1 - q))) & 3));
  const strings = letters.map(([first, ...rest]) => rest.reduce((m, a) => ckron(m, PAULI_1Q[a]), PAULI_1Q[first]));
  basis = {
    qubits,
    labels: letters.map((ls) => ls.map((a) => PAULI_LABELS[a]).join('')),
    strings,
    permutations: strings.map((p) => {
      const perm: number[] = [];
      const phaseRe: number[] = [];
      const phaseIm: number[] = [];
      for (let k = 0; k < side; k++) {
        for (let l = 0; l < side; l++) {
          if (p.re[k * side + l] !== 0 || p.im[k * side + l] !== 0) {
            perm.push(l);
            phaseRe.push(p.re[k * side + l]);
            phaseIm.push(p.im[k * side + l]);
          }
        }
      }
      return { perm, phaseRe, phaseIm };
    }),
    parity: letters.map((ls) => ls.filter((a) => a === 2).length % 2),
  };
  bases.set(qubits, basis);
  return basis;
}

/** The computational basis states' names, e (excited, index 0) / g per qubit, qubit 1 first: ee, eg, ge, gg for n = 2. */
export function basisLabels(qubits: number): string[] {
  return Array.from({ length: 2 ** qubits }, (_, k) => Array.from({ length: qubits }, (_, q) => ((k >> (qubits - 1 - q)) & 1 ? 'g' : 'e')).join(''));
}

// The two-qubit tables: the unrolled n = 2 code (WGSL and gpu.js kernels) is generated from them.
const TWO_QUBITS = pauliBasis(2);
export const VECTOR_LABELS = TWO_QUBITS.labels;
/** sigma_a (x) sigma_b for index 4a + b. */
export const PAULI_STRINGS: readonly CMat[] = TWO_QUBITS.strings;
export const PAULI_PERMUTATIONS: readonly SignedPermutation[] = TWO_QUBITS.permutations;

/** r_i = Tr(rho P_i) (real for Hermitian rho); the number of qubits from rho's size. */
export function densityToVector(rho: CMat): Float64Array {
  const { strings } = pauliBasis(qubitsOfState(rho.re.length));
  return Float64Array.from(strings, (p) => ctrace(cmul(rho, p)).re);
}

/** rho = (1/2^n) sum_i r_i P_i; the number of qubits from r's length (4^n). */
export function vectorToDensity(r: ArrayLike<number>): CMat {
  const { qubits, strings } = pauliBasis(qubitsOfState(r.length));
  const side = 2 ** qubits;
  const rho = czeros(side);
  strings.forEach((p, i) => {
    for (let k = 0; k < side * side; k++) {
      rho.re[k] += (r[i] * p.re[k]) / side;
      rho.im[k] += (r[i] * p.im[k]) / side;
    }
  });
  return rho;
}

/** Pure state |psi><psi| from its 2^n complex amplitudes (normalised here). */
export function pureDensity(psiRe: ArrayLike<number>, psiIm: ArrayLike<number>): CMat {
  const n = psiRe.length;
  let norm = 0;
  for (let k = 0; k < n; k++) norm += psiRe[k] * psiRe[k] + psiIm[k] * psiIm[k];
  const rho = czeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      // psi_i conj(psi_j)
      rho.re[i * n + j] = (psiRe[i] * psiRe[j] + psiIm[i] * psiIm[j]) / norm;
      rho.im[i * n + j] = (psiIm[i] * psiRe[j] - psiRe[i] * psiIm[j]) / norm;
    }
  }
  return rho;
}
