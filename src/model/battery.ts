// The battery's figures of merit for any number of qubits and any declared battery, in float64
// (MODEL.md "Systems of n qubits, complex terms, multi-cell batteries"): the reduced state of the
// battery qubits, energy, ergotropy (passive state), incoherent and coherent ergotropy, capacity,
// purity, entropy, rho's smallest eigenvalue and the negativity of the battery against the rest.
// For two qubits with the default battery they equal the emitted two-qubit formulas of
// src/compiler/observables.ts (which the GPU kernels run); this is the definition for every n.

import { PRECISION_OBSERVABLES } from '../core/constants.js';
import { qubitsOfState } from '../core/dimension.js';
import { type CMat, cmul, czeros } from '../algebra/complex.js';
import { pauliBasis, vectorToDensity } from '../algebra/pauli.js';
import type { BatteryDef } from '../system/definition.js';
import { jacobiEigh } from './linalg.js';

export interface BatteryFigures {
  /** Tr(rho_B H_B) - e_0, e_0 the ground energy of H_B */
  E_B_over_omega: number;
  /** E_B less the energy of the passive state (rho_B's eigenvalues on H_B's levels, largest on the lowest) */
  ergotropy_over_omega: number;
  /** ergotropy / E_B; 0 where E_B = 0 (zeroEnergy) */
  efficiency: number;
  zeroEnergy: boolean;
  /** the ergotropy of rho_B dephased on H_B's eigenspaces (coherences inside a degenerate level kept) */
  ergotropy_incoherent_over_omega: number;
  ergotropy_coherent_over_omega: number;
  /** sum_k r_k (e'_k - e_k): the spread of energies over rho_B's unitary orbit (e' decreasing, e increasing) */
  capacity_over_omega: number;
  battery_purity: number;
  /** von Neumann entropy of rho_B, in nats */
  battery_entropy: number;
  /** smallest eigenvalue of the whole rho (negative: the master equation left the physical states) */
  rho_min_eigenvalue: number;
  /** (||rho^(T_B)||_1 - 1)/2, the partial transpose on the battery qubits */
  negativity: number;
}

/** Index of the component of n qubits with letter letters[k] on qubit cells[k] (from 1) and 0 elsewhere. */
function componentOn(n: number, cells: readonly number[], letters: readonly number[]): number {
  return cells.reduce((a, q, k) => a + letters[k] * 4 ** (n - q), 0);
}

/** The Pauli vector of rho_B = Tr_(not B) rho (4^m components, the battery qubits in the declared order). */
export function batteryVector(r: ArrayLike<number>, cells: readonly number[]): Float64Array {
  const n = qubitsOfState(r.length);
  const m = cells.length;
  return Float64Array.from({ length: 4 ** m }, (_, b) => r[componentOn(n, cells, Array.from({ length: m }, (_, k) => (b >> (2 * (m - 1 - k))) & 3))]);
}

/** The Pauli vector of rho^(T_B): transposing qubit q changes the sign of the components with sigma_y on q. */
export function partialTranspose(r: ArrayLike<number>, cells: readonly number[]): Float64Array {
  const n = qubitsOfState(r.length);
  const { labels } = pauliBasis(n);
  return Float64Array.from(r, (x, a) => (cells.filter((q) => labels[a][q - 1] === 'y').length % 2 ? -x : x));
}

/**
 * A Hermitian matrix A + iB as the real symmetric [[A, -B], [B, A]]: each eigenvalue twice, and
 * the projector on an eigenspace is [[Re P, -Im P], [Im P, Re P]] of the real one's.
 */
function realForm(h: CMat): { n: number; eigen: ReturnType<typeof jacobiEigh> } {
  const n = Math.round(Math.sqrt(h.re.length));
  const s = new Float64Array(4 * n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const re = h.re[i * n + j];
      const im = h.im[i * n + j];
      s[i * 2 * n + j] = re;
      s[(i + n) * 2 * n + j + n] = re;
      s[(i + n) * 2 * n + j] = im;
      s[i * 2 * n + j + n] = -im;
    }
  }
  return { n, eigen: jacobiEigh(s, 2 * n) };
}

/** The eigenvalues of a Hermitian matrix, descending. */
export function hermitianEigenvalues(h: CMat): Float64Array {
  const { n, eigen } = realForm(h);
  return Float64Array.from({ length: n }, (_, k) => 0.5 * (eigen.values[2 * k] + eigen.values[2 * k + 1]));
}

/** Levels of H_B closer than this (relative to its largest) are one degenerate level. */
const DEGENERATE_LEVELS = 1e-10;

/** The projectors on the eigenspaces of a Hermitian matrix (degenerate levels grouped). */
function eigenspaceProjectors(h: CMat): CMat[] {
  const { n, eigen } = realForm(h);
  const v = eigen.values;
  const scale = Math.max(1e-300, ...Array.from(v, Math.abs));
  const groups: number[][] = [];
  v.forEach((x, k) => {
    const last = groups.at(-1);
    if (last && v[last[0]] - x <= DEGENERATE_LEVELS * scale) last.push(k);
    else groups.push([k]);
  });
  const side = 2 * n;
  return groups.map((g) => {
    const p = czeros(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        for (const k of g) {
          const vj = eigen.vectors[j * side + k];
          p.re[i * n + j] += eigen.vectors[i * side + k] * vj;
          p.im[i * n + j] += eigen.vectors[(i + n) * side + k] * vj;
        }
      }
    }
    return p;
  });
}

/** sum_P P rho P: rho dephased on the eigenspaces of H. */
function pinched(rho: CMat, projectors: CMat[]): CMat {
  const out = czeros(Math.round(Math.sqrt(rho.re.length)));
  for (const p of projectors) {
    const prp = cmul(cmul(p, rho), p);
    for (let k = 0; k < out.re.length; k++) {
      out.re[k] += prp.re[k];
      out.im[k] += prp.im[k];
    }
  }
  return out;
}

/** sum_k r_k e_k over paired lists. */
const dot = (r: ArrayLike<number>, e: ArrayLike<number>) => Array.from(r).reduce((s, x, k) => s + x * e[k], 0);

/** H_B's levels ascending and its eigenspace projectors: fixed per battery, computed once. */
const levelsCache = new WeakMap<BatteryDef, { ascending: Float64Array; projectors: CMat[] }>();
function levelsOf(battery: BatteryDef) {
  let levels = levelsCache.get(battery);
  if (!levels) levelsCache.set(battery, (levels = { ascending: hermitianEigenvalues(battery.matrix).reverse(), projectors: eigenspaceProjectors(battery.matrix) }));
  return levels;
}

/** The figures of merit of the battery of a state with Pauli vector r (4^n components, r_0 = 1). */
export function batteryFigures(r: ArrayLike<number>, battery: BatteryDef, precision: 'f64' | 'f32' = 'f64'): BatteryFigures {
  const { ascending, projectors } = levelsOf(battery);
  const rB = batteryVector(r, battery.qubits);
  const rhoB = vectorToDensity(rB);
  const side = ascending.length;
  const energy = (rho: CMat) => {
    let e = 0;
    for (let k = 0; k < side * side; k++) e += rho.re[k] * battery.matrix.re[k] + rho.im[k] * battery.matrix.im[k];
    return e; // Tr(rho H) = sum_ij rho_ij conj(H_ij) for Hermitian H
  };
  const populations = hermitianEigenvalues(rhoB);
  const total = energy(rhoB);
  const ergotropy = total - dot(populations, ascending);
  const incoherent = total - dot(hermitianEigenvalues(pinched(rhoB, projectors)), ascending);
  const E = total - ascending[0];
  // E_B at or below what r's arithmetic resolves (a GPU's float32 state): W / E_B unresolved, reported as 0
  const resolved = E > PRECISION_OBSERVABLES[precision].energyResolution;
  const descending = Float64Array.from(ascending).reverse();
  const p = Array.from(populations, (x) => Math.min(Math.max(x, 0), 1));
  const rho = hermitianEigenvalues(vectorToDensity(r));
  const transposed = hermitianEigenvalues(vectorToDensity(partialTranspose(r, battery.qubits)));
  return {
    E_B_over_omega: E,
    ergotropy_over_omega: ergotropy,
    efficiency: resolved ? ergotropy / E : 0,
    zeroEnergy: !resolved,
    ergotropy_incoherent_over_omega: incoherent,
    ergotropy_coherent_over_omega: ergotropy - incoherent,
    capacity_over_omega: dot(populations, descending) - dot(populations, ascending),
    battery_purity: rB.reduce((s, x) => s + x * x, 0) / side,
    // 0 ln 0 = 0
    battery_entropy: -p.reduce((s, x) => s + (x > 0 ? x * Math.log(x) : 0), 0),
    rho_min_eigenvalue: rho[rho.length - 1],
    negativity: (transposed.reduce((s, x) => s + Math.abs(x), 0) - 1) / 2,
  };
}
