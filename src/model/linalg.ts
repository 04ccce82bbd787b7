// Small dense float64 linear algebra on row-major Float64Arrays (n x n).
// Sizes follow the system (2^n for a density matrix, 4^n for a generator): plain loops beat any
// library call overhead at these sizes.

export type Mat = Float64Array;

export function identity(n: number): Mat {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

export function matmul(a: Mat, b: Mat, n: number, out: Mat = new Float64Array(n * n)): Mat {
  const tmp = out === a || out === b ? new Float64Array(n * n) : out;
  if (n === 16) {
    matmul16(a, b, tmp);
    if (tmp !== out) out.set(tmp);
    return out;
  }
  tmp.fill(0);
  // i-k-j order: the inner loop runs along rows of b and of the result
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ri + k];
      if (aik === 0) continue;
      const rk = k * n;
      for (let j = 0; j < n; j++) tmp[ri + j] += aik * b[rk + j];
    }
  }
  if (tmp !== out) out.set(tmp);
  return out;
}

/** The two-qubit generator's 16x16 product, one row of the result in 16 local accumulators: ~4x faster than the loop. */
function matmul16(a: Mat, b: Mat, out: Mat): void {
  for (let i = 0; i < 256; i += 16) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    let s8 = 0, s9 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0, s14 = 0, s15 = 0;
    for (let k = 0; k < 16; k++) {
      const x = a[i + k];
      const r = k * 16;
      s0 += x * b[r]; s1 += x * b[r + 1]; s2 += x * b[r + 2]; s3 += x * b[r + 3];
      s4 += x * b[r + 4]; s5 += x * b[r + 5]; s6 += x * b[r + 6]; s7 += x * b[r + 7];
      s8 += x * b[r + 8]; s9 += x * b[r + 9]; s10 += x * b[r + 10]; s11 += x * b[r + 11];
      s12 += x * b[r + 12]; s13 += x * b[r + 13]; s14 += x * b[r + 14]; s15 += x * b[r + 15];
    }
    out[i] = s0; out[i + 1] = s1; out[i + 2] = s2; out[i + 3] = s3;
    out[i + 4] = s4; out[i + 5] = s5; out[i + 6] = s6; out[i + 7] = s7;
    out[i + 8] = s8; out[i + 9] = s9; out[i + 10] = s10; out[i + 11] = s11;
    out[i + 12] = s12; out[i + 13] = s13; out[i + 14] = s14; out[i + 15] = s15;
  }
}

export function matvec(a: Mat, x: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * x[k];
    y[i] = s;
  }
  return y;
}

export function transpose(a: Mat, n: number): Mat {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}

/** Largest absolute row sum: a cheap bound on the spectral radius. */
export function normInf(a: Mat, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

export function norm1(a: Mat, n: number): number {
  let best = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

export interface SymmetricEigen {
  /** eigenvalues, sorted descending */
  values: Float64Array;
  /** eigenvectors as columns, row-major: vectors[i * n + k] is component i of eigenvector k */
  vectors: Mat;
}

/**
 * Cyclic Jacobi eigensolver for a real symmetric matrix. Accurate to a few ulps of the
 * largest eigenvalue; the same algorithm runs in WGSL (shaders/jacobi.wgsl).
 */
export function jacobiEigh(input: Mat, n: number): SymmetricEigen {
  const a = Float64Array.from(input);
  const v = identity(n);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-34 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        // Rutishauser's stable rotation: t = tan(angle) with |t| <= 1.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    for (let i = 0; i < n; i++) vectors[i * n + dst] = v[i * n + src];
  });
  return { values, vectors };
}

/** Solves A X = B (B has m columns, row-major n x m) by Gaussian elimination with partial pivoting. */
export function solve(aIn: Mat, bIn: Float64Array, n: number, m = 1): Float64Array {
  const a = Float64Array.from(aIn);
  const b = Float64Array.from(bIn);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]) > Math.abs(a[piv * n + col])) piv = r;
    if (a[piv * n + col] === 0) throw new Error('singular matrix in solve');
    if (piv !== col) {
      for (let k = 0; k < n; k++) [a[col * n + k], a[piv * n + k]] = [a[piv * n + k], a[col * n + k]];
      for (let k = 0; k < m; k++) [b[col * m + k], b[piv * m + k]] = [b[piv * m + k], b[col * m + k]];
    }
    const d = a[col * n + col];
    for (let r = col + 1; r < n; r++) {
      const f = a[r * n + col] / d;
      if (f === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k] -= f * a[col * n + k];
      for (let k = 0; k < m; k++) b[r * m + k] -= f * b[col * m + k];
    }
  }
  for (let col = n - 1; col >= 0; col--) {
    const d = a[col * n + col];
    for (let k = 0; k < m; k++) {
      let s = b[col * m + k];
      for (let j = col + 1; j < n; j++) s -= a[col * n + j] * b[j * m + k];
      b[col * m + k] = s / d;
    }
  }
  return b;
}

// Pade(13) coefficients of Higham (2005), "The scaling and squaring method for the matrix exponential revisited".
const PADE13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000,
  10559470521600, 670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
const THETA13 = 5.371920351148152;

/** exp(A) by scaling and squaring with the degree-13 Pade approximant (as scipy.linalg.expm). */
export function expm(aIn: Mat, n: number): Mat {
  const nrm = norm1(aIn, n);
  const s = nrm > THETA13 ? Math.max(0, Math.ceil(Math.log2(nrm / THETA13))) : 0;
  const scale = 2 ** -s;
  const a = aIn.map((x) => x * scale);
  const eye = identity(n);
  const a2 = matmul(a, a, n);
  const a4 = matmul(a2, a2, n);
  const a6 = matmul(a4, a2, n);
  const b = PADE13;
  const u1 = new Float64Array(n * n);
  const v1 = new Float64Array(n * n);
  const inner = new Float64Array(n * n);
  const innerV = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    inner[k] = b[13] * a6[k] + b[11] * a4[k] + b[9] * a2[k];
    innerV[k] = b[12] * a6[k] + b[10] * a4[k] + b[8] * a2[k];
  }
  const t = matmul(a6, inner, n);
  for (let k = 0; k < n * n; k++) u1[k] = t[k] + b[7] * a6[k] + b[5] * a4[k] + b[3] * a2[k] + b[1] * eye[k];
  const u = matmul(a, u1, n);
  const tv = matmul(a6, innerV, n);
  for (let k = 0; k < n * n; k++) v1[k] = tv[k] + b[6] * a6[k] + b[4] * a4[k] + b[2] * a2[k] + b[0] * eye[k];
  const p = new Float64Array(n * n);
  const q = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) {
    p[k] = v1[k] + u[k];
    q[k] = v1[k] - u[k];
  }
  let r = solve(q, p, n, n);
  for (let i = 0; i < s; i++) r = matmul(r, r, n);
  return r;
}
