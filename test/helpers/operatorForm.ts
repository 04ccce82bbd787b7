// An independent, hand-written construction of the paper system's three master equations in
// operator form (the float64 code before the system compiler existed): the tests hold the
// generated generator of the built-in wang2023 equal to it.
//
// Every generator here has the same shape, which is also what the WGSL kernels build:
//   L(rho) = -i [H, rho] + sum_t (X_t rho Y_t + h.c.) + (K rho + h.c.)
// with real 4x4 H, X_t, Y_t, K in the computational basis {ee, eg, ge, gg}.

import { type CMat, cadd, cdagger, cmul, ctrace, fromReal } from '../../src/algebra/complex.js';
import { OPS, systemHamiltonian } from './hamiltonian.js';
import { type Mat, jacobiEigh, matmul, transpose } from '../../src/model/linalg.js';
import { PAULI_STRINGS } from '../../src/algebra/pauli.js';
import { transferTerms } from '../../src/algebra/pauliTransfer.js';
import type { PointParams } from '../../src/model/params.js';
import { type Bath, absorptionRate, emissionRate, spectralDensity, occupation, complementOccupation } from './reservoir.js';
import { named } from './named.js';

export interface SandwichTerm {
  X: Mat;
  Y: Mat;
}

export interface LiouvillianParts {
  H: Mat;
  sandwiches: SandwichTerm[];
  K: Mat;
  /** eigenvalues of H, descending */
  energies: Float64Array;
  /** eigenvectors of H as columns */
  eigenvectors: Mat;
  /** a level crossing with a coupling that makes the i<j prescription basis dependent */
  degenerate: boolean;
}

export function baths(point: PointParams): [Bath, Bath] {
  const p = named(point);
  const common = { kind: p.reservoir ?? 'boson', omega_c: p.omega_c, zeroFreq: p.zero_freq };
  return [
    { ...common, alpha: p.alpha1, T: p.T1, mu: p.mu1 },
    { ...common, alpha: p.alpha2, T: p.T2, mu: p.mu2 },
  ];
}

/** Frequency at which the phenomenological Lindblad rates are taken. */
export function lindbladFrequency(point: PointParams): number {
  const p = named(point);
  if (p.lindblad_freq === 'lambda') return p.lambda;
  if (p.lindblad_freq === 'M') return Math.hypot(p.F, p.lambda);
  return Number(p.lindblad_freq);
}

const DEGENERACY_TOL = 1e-9;

/** V^T op V: an operator in the eigenbasis. */
function toEigenbasis(op: Mat, v: Mat): Mat {
  return matmul(transpose(v, 4), matmul(op, v, 4), 4);
}

/** V op V^T: back to the computational basis. */
function fromEigenbasis(op: Mat, v: Mat): Mat {
  return matmul(v, matmul(op, transpose(v, 4), 4), 4);
}

/**
 * Levels i, j that cross (|E_i - E_j| tiny) while sx restricted to their subspace is not a
 * multiple of the identity: then "transitions i < j only" depends on the arbitrary eigenbasis.
 */
function levelCrossingWithCoupling(energies: Float64Array, chis: Mat[]): boolean {
  const scale = Math.max(1, ...Array.from(energies, Math.abs));
  for (let i = 0; i < 4; i++) {
    for (let j = i + 1; j < 4; j++) {
      if (Math.abs(energies[i] - energies[j]) > DEGENERACY_TOL * scale) continue;
      for (const chi of chis) {
        if (Math.abs(chi[i * 4 + j]) > DEGENERACY_TOL || Math.abs(chi[i * 4 + i] - chi[j * 4 + j]) > DEGENERACY_TOL) return true;
      }
    }
  }
  return false;
}

function zeros4(): Mat {
  return new Float64Array(16);
}

function addScaled(acc: Mat, m: Mat, s: number): void {
  for (let k = 0; k < 16; k++) acc[k] += s * m[k];
}

/** Builds H, the sandwich terms and K of the chosen model. */
export function liouvillianParts(p: PointParams): LiouvillianParts {
  const H = systemHamiltonian(named(p));
  const { values: energies, vectors: V } = jacobiEigh(H, 4);
  const K = zeros4();
  const sandwiches: SandwichTerm[] = [];
  const bs = baths(p);

  if (p.model === 'lindblad') {
    const w = lindbladFrequency(p);
    const ups = [OPS.sp1, OPS.sp2];
    bs.forEach((b, q) => {
      const sp = ups[q];
      const sm = transpose(sp, 4);
      const up = spectralDensity(b, w) * occupation(b, w); // J N on sigma_+
      const down = spectralDensity(b, w) * complementOccupation(b, w); // J Ncal on sigma_-
      sandwiches.push({ X: sp.map((x) => up * x), Y: sm });
      sandwiches.push({ X: sm.map((x) => down * x), Y: sp });
      addScaled(K, matmul(sm, sp, 4), -up);
      addScaled(K, matmul(sp, sm, 4), -down);
    });
    return { H, sandwiches, K, energies, eigenvectors: V, degenerate: false };
  }

  const chis = [toEigenbasis(OPS.sx1, V), toEigenbasis(OPS.sx2, V)];
  bs.forEach((b, q) => {
    const chi = chis[q];
    // Eigenbasis: Low = strictly lower part of chi (lowering transitions j -> i, E_i < E_j),
    // A = Low weighted by J Ncal(E_j - E_i), B = Low^T weighted by J N(E_j - E_i).
    const low = zeros4();
    const A = zeros4();
    const B = zeros4();
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < i; j++) {
        const c = chi[i * 4 + j];
        const eps = energies[j] - energies[i];
        low[i * 4 + j] = c;
        A[i * 4 + j] = c * emissionRate(b, eps);
        B[j * 4 + i] = c * absorptionRate(b, eps);
      }
    }
    const lowC = fromEigenbasis(low, V);
    const lowTC = transpose(lowC, 4);
    const AC = fromEigenbasis(A, V);
    const BC = fromEigenbasis(B, V);
    if (p.model === 'redfield') {
      // D = A rho Low^T - Low^T A rho + B rho Low - Low B rho + h.c.
      sandwiches.push({ X: AC, Y: lowTC });
      sandwiches.push({ X: BC, Y: lowC });
      addScaled(K, matmul(lowTC, AC, 4), -1);
      addScaled(K, matmul(lowC, BC, 4), -1);
    } else {
      // bloch-redfield: D = (A + B) rho S - S (A + B) rho + h.c., S = Low + Low^T
      const S = lowC.map((x, k) => x + lowTC[k]);
      const AB = AC.map((x, k) => x + BC[k]);
      sandwiches.push({ X: AB, Y: S });
      addScaled(K, matmul(S, AB, 4), -1);
    }
  });
  return { H, sandwiches, K, energies, eigenvectors: V, degenerate: levelCrossingWithCoupling(energies, chis) };
}

/** L(rho) for a complex 4x4 rho, straight from the operator form above. */
export function applyLiouvillian(parts: LiouvillianParts, rho: CMat): CMat {
  const H = fromReal(parts.H);
  const minusIH: CMat = { re: new Float64Array(16), im: H.re.map((x) => -x) };
  let acc = cmul(minusIH, rho);
  for (const t of parts.sandwiches) acc = cadd(acc, cmul(cmul(fromReal(t.X), rho), fromReal(t.Y)));
  acc = cadd(acc, cmul(fromReal(parts.K), rho));
  // every term so far is half of a (term + h.c.) pair
  return cadd(acc, cdagger(acc));
}

/** G[i][j] = (1/4) Tr(P_i L(P_j)): the real 16x16 generator acting on the Pauli vector r. */
export function pauliGenerator(parts: LiouvillianParts): Mat {
  const G = new Float64Array(256);
  for (let j = 0; j < 16; j++) {
    const image = applyLiouvillian(parts, PAULI_STRINGS[j]);
    // row 00 is Tr L(P_j) = 0 exactly: keep it structurally zero rather than ~1e-17
    for (let i = 1; i < 16; i++) G[i * 16 + j] = 0.25 * ctrace(cmul(PAULI_STRINGS[i], image)).re;
  }
  return G;
}

/**
 * The model's real 16x16 generator (redfield, bloch-redfield or lindblad) for one point, by the
 * index formula the WGSL kernel uses (pauliTransfer.ts); tests hold it equal to pauliGenerator.
 */
export function generator(p: PointParams): { G: Mat; parts: LiouvillianParts } {
  const parts = liouvillianParts(p);
  return { G: pauliGeneratorFast(parts), parts };
}

/** S[a][l][b][k] = sum_t X_t[a][l] Y_t[b][k] + K[a][l] delta_bk. */
export function sandwichTensor(parts: LiouvillianParts): Float64Array {
  const S = new Float64Array(256);
  const add = (X: ArrayLike<number>, Y: ArrayLike<number>) => {
    for (let a = 0; a < 4; a++)
      for (let l = 0; l < 4; l++) {
        const x = X[a * 4 + l];
        if (x === 0) continue;
        for (let b = 0; b < 4; b++) for (let k = 0; k < 4; k++) S[64 * a + 16 * l + 4 * b + k] += x * Y[b * 4 + k];
      }
  };
  for (const t of parts.sandwiches) add(t.X, t.Y);
  add(parts.K, Float64Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1));
  return S;
}

/** The real 16x16 generator by the index formula above (equal to pauliGenerator to rounding). */
export function pauliGeneratorFast(parts: LiouvillianParts): Mat {
  const S = sandwichTensor(parts);
  const G = new Float64Array(256);
  for (const t of transferTerms(2)) {
    const src = t.source === 'S' ? S : parts.H;
    let acc = 0;
    for (const e of t.entries) acc += e.sign * src[e.index];
    G[t.i * 16 + t.j] = 0.5 * acc;
  }
  return G;
}
