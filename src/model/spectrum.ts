// Spectrum, Liouvillian gap, kernel and the exact long-time limit of a real generator (stateDim x
// stateDim, its side read from the matrix).

import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { sideOf } from '../core/dimension.js';
import { NoConvergenceError, eigenvalues } from './eigenvalues.js';
import { type Mat, matvec, normInf, solve } from './linalg.js';

export interface Eigenvalue {
  re: number;
  im: number;
}

function toMatrix(G: Mat): Matrix {
  const n = sideOf(G);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(G.subarray(i * n, i * n + n)));
  return new Matrix(rows);
}

/** All eigenvalues, sorted by real part, largest first (Hessenberg + Francis QR). */
export function spectrum(G: Mat): Eigenvalue[] {
  const { re, im } = eigenvalues(G, sideOf(G));
  return Array.from(re, (x, k) => ({ re: x, im: im[k] })).sort((a, b) => b.re - a.re || b.im - a.im);
}

/**
 * The spectrum of a generator every entry of which is finite, or undefined where there is none:
 * an entry that is not finite (a coefficient or rate that is not finite at this point), or a QR
 * iteration that did not converge. One point's failure, never the run's.
 */
export function spectrumIfFinite(G: Mat): Eigenvalue[] | undefined {
  if (!G.every(Number.isFinite)) return undefined;
  try {
    return spectrum(G);
  } catch (e) {
    if (e instanceof NoConvergenceError) return undefined;
    throw e;
  }
}

/** The largest real part of the spectrum (>= 0: G has the eigenvalue 0) above `relative` of the spectral radius: no long-time limit. */
export function isUnstable(eigs: Eigenvalue[], relative: number): boolean {
  const radius = Math.max(...eigs.map((e) => Math.hypot(e.re, e.im)));
  return eigs[0].re > relative * radius;
}

/** Second largest real part of the spectrum (<= 0); 0 means a degenerate kernel (bistability). */
export function liouvillianGap(eigs: Eigenvalue[]): number {
  return eigs[1].re;
}

/** Relative size (to ||G||) under which a singular value or an eigenvalue counts as zero. */
export const KERNEL_TOL = 1e-11;

/** Dimension of ker G as the number of eigenvalues within KERNEL_TOL ||G||_inf of zero. */
export function kernelDimension(G: Mat, eigs: Eigenvalue[]): number {
  const tol = KERNEL_TOL * normInf(G, sideOf(G));
  return Math.max(1, eigs.filter((e) => Math.hypot(e.re, e.im) <= tol).length);
}

export interface LongTimeLimit {
  r: Float64Array;
  kernelDim: number;
}

/**
 * The exact long-time limit: the projection of r0 onto ker G along the range of G,
 * P = R (Lᵀ R)⁻¹ Lᵀ with right null vectors R and left null vectors L (from the SVD).
 * With a one-dimensional kernel this is the unique steady state, solved for directly.
 */
export function longTimeLimit(G: Mat, r0: Float64Array, eigs?: Eigenvalue[]): LongTimeLimit {
  if (eigs && kernelDimension(G, eigs) === 1) return { r: uniqueSteadyState(G), kernelDim: 1 };
  const svd = new SingularValueDecomposition(toMatrix(G));
  const sv = svd.diagonal;
  const smax = Math.max(...sv);
  const nullIdx = sv.map((s, k) => [s, k]).filter(([s]) => s <= KERNEL_TOL * smax).map(([, k]) => k);
  const kernelDim = Math.max(1, nullIdx.length);
  if (kernelDim === 1) return { r: uniqueSteadyState(G), kernelDim };
  return { r: kernelProjection(r0, svd, nullIdx), kernelDim };
}

/** The one steady state: r = (1, x) with A x = -c, where G = [[0, 0], [c, A]]. */
export function uniqueSteadyState(G: Mat): Float64Array {
  const n = sideOf(G);
  const m = n - 1;
  const A = new Float64Array(m * m);
  const c = new Float64Array(m);
  for (let i = 1; i < n; i++) {
    c[i - 1] = -G[i * n];
    for (let j = 1; j < n; j++) A[(i - 1) * m + (j - 1)] = G[i * n + j];
  }
  const x = solve(A, c, m);
  const r = new Float64Array(n);
  r[0] = 1;
  r.set(x, 1);
  return r;
}

/** P r0 with P = R (Lᵀ R)⁻¹ Lᵀ from the null singular vectors. */
function kernelProjection(r0: Float64Array, svd: SingularValueDecomposition, nullIdx: number[]): Float64Array {
  const U = svd.leftSingularVectors;
  const V = svd.rightSingularVectors;
  const d = nullIdx.length;
  const R = nullIdx.map((k) => V.getColumn(k));
  const L = nullIdx.map((k) => U.getColumn(k));
  // M = Lᵀ R (d x d), coefficients = M⁻¹ (Lᵀ r0)
  const M = new Float64Array(d * d);
  const b = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    for (let c2 = 0; c2 < d; c2++) M[a * d + c2] = L[a].reduce((s, x, i) => s + x * R[c2][i], 0);
    b[a] = L[a].reduce((s, x, i) => s + x * r0[i], 0);
  }
  const coef = solve(M, b, d);
  const r = new Float64Array(r0.length);
  for (let a = 0; a < d; a++) for (let i = 0; i < r.length; i++) r[i] += coef[a] * R[a][i];
  // the trace functional e0 lies in span(L), so r[0] is already 1 up to rounding
  const t = r[0];
  for (let i = 0; i < r.length; i++) r[i] /= t;
  return r;
}

/** Slowest decay rate outside the kernel: how long the approach to the long-time limit takes. */
export function slowestRelaxation(eigs: Eigenvalue[], kernelDim: number): number {
  return eigs[Math.min(kernelDim, eigs.length - 1)].re;
}

/** max_i |(G r)_i|: how far r is from stationary. */
export function stationarityResidual(G: Mat, r: Float64Array): number {
  return Math.max(...Array.from(matvec(G, r, r.length), Math.abs));
}
