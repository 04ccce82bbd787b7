// Eigenvalues of a real n x n matrix: Householder reduction to upper Hessenberg form, then
// the Francis double-shift QR iteration (EISPACK orthes + hqr). Eigenvalues only. The same
// algorithm runs in WGSL for the GPU Liouvillian gap (shaders/spectrum.wgsl).

import type { Mat } from './linalg.js';

/** The QR iteration used up its budget (30 n iterations) without isolating every eigenvalue. */
export class NoConvergenceError extends Error {
  constructor() {
    super('eigenvalues: QR iteration did not converge');
    this.name = 'NoConvergenceError';
  }
}

/** Reduces a (copied) matrix to upper Hessenberg form by Householder reflections. */
export function hessenberg(input: Mat, n: number): Float64Array {
  const H = Float64Array.from(input);
  const ort = new Float64Array(n);
  for (let m = 1; m < n - 1; m++) {
    let scale = 0;
    for (let i = m; i < n; i++) scale += Math.abs(H[i * n + m - 1]);
    if (scale === 0) continue;
    let h = 0;
    for (let i = n - 1; i >= m; i--) {
      ort[i] = H[i * n + m - 1] / scale;
      h += ort[i] * ort[i];
    }
    const g = ort[m] > 0 ? -Math.sqrt(h) : Math.sqrt(h);
    h -= ort[m] * g;
    ort[m] -= g;
    // H <- (I - u u^T / h) H (I - u u^T / h)
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = n - 1; i >= m; i--) f += ort[i] * H[i * n + j];
      f /= h;
      for (let i = m; i < n; i++) H[i * n + j] -= f * ort[i];
    }
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = n - 1; j >= m; j--) f += ort[j] * H[i * n + j];
      f /= h;
      for (let j = m; j < n; j++) H[i * n + j] -= f * ort[j];
    }
    H[m * n + m - 1] = scale * g;
    for (let i = m + 1; i < n; i++) H[i * n + m - 1] = 0;
  }
  return H;
}

export interface Spectrum {
  re: Float64Array;
  im: Float64Array;
}

/** Eigenvalues of an upper Hessenberg matrix (destroyed) by Francis double-shift QR. */
export function hessenbergEigenvalues(a: Float64Array, n: number): Spectrum {
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  const A = (i: number, j: number) => a[i * n + j];
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(A(i, j));
  let nn = n - 1;
  let t = 0;
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, z = 0;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      // look for a single small subdiagonal element
      for (l = nn; l >= 1; l--) {
        s = Math.abs(A(l - 1, l - 1)) + Math.abs(A(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(A(l, l - 1)) + s === s) {
          a[l * n + l - 1] = 0;
          break;
        }
      }
      x = A(nn, nn);
      if (l === nn) {
        // one root found
        wr[nn] = x + t;
        wi[nn] = 0;
        nn--;
      } else {
        y = A(nn - 1, nn - 1);
        w = A(nn, nn - 1) * A(nn - 1, nn);
        if (l === nn - 1) {
          // two roots found
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? Math.abs(z) : -Math.abs(z));
            wr[nn - 1] = wr[nn] = x + z;
            if (z !== 0) wr[nn] = x - w / z;
            wi[nn - 1] = wi[nn] = 0;
          } else {
            wr[nn - 1] = wr[nn] = x + p;
            wi[nn - 1] = -z;
            wi[nn] = z;
          }
          nn -= 2;
        } else {
          // LAPACK's budget (30 n iterations) with an exceptional shift every 10 (EISPACK: at 10
          // and 20 only, then give up at 30: strongly dissipative generators need more)
          if (its === 30 * n) throw new NoConvergenceError();
          if (its > 0 && its % 10 === 0) {
            // exceptional shift
            t += x;
            for (let i = 0; i <= nn; i++) a[i * n + i] -= x;
            s = Math.abs(A(nn, nn - 1)) + Math.abs(A(nn - 1, nn - 2));
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          its++;
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = A(m, m);
            r = x - z;
            s = y - z;
            p = (r * s - w) / A(m + 1, m) + A(m, m + 1);
            q = A(m + 1, m + 1) - z - r - s;
            r = A(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(A(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(A(m - 1, m - 1)) + Math.abs(z) + Math.abs(A(m + 1, m + 1)));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            a[i * n + i - 2] = 0;
            if (i !== m + 2) a[i * n + i - 3] = 0;
          }
          // double QR step on rows l..nn and columns m..nn
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = A(k, k - 1);
              q = A(k + 1, k - 1);
              r = k !== nn - 1 ? A(k + 2, k - 1) : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            const sq = Math.sqrt(p * p + q * q + r * r);
            s = p >= 0 ? sq : -sq;
            if (s !== 0) {
              if (k === m) {
                if (l !== m) a[k * n + k - 1] = -A(k, k - 1);
              } else a[k * n + k - 1] = -s * x;
              p += s;
              x = p / s;
              y = q / s;
              z = r / s;
              q /= p;
              r /= p;
              for (let j = k; j <= nn; j++) {
                p = A(k, j) + q * A(k + 1, j);
                if (k !== nn - 1) {
                  p += r * A(k + 2, j);
                  a[(k + 2) * n + j] -= p * z;
                }
                a[(k + 1) * n + j] -= p * y;
                a[k * n + j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) {
                p = x * A(i, k) + y * A(i, k + 1);
                if (k !== nn - 1) {
                  p += z * A(i, k + 2);
                  a[i * n + k + 2] -= p * r;
                }
                a[i * n + k + 1] -= p * q;
                a[i * n + k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return { re: wr, im: wi };
}

/**
 * Balances a (copied) matrix by a diagonal similarity with powers of 2 (EISPACK balanc): each
 * row and column get comparable norms, the eigenvalues are unchanged (exactly: the scalings are
 * powers of 2), and the QR iteration converges where strong dissipation made the rows of the
 * generator orders of magnitude apart (alpha = 50: "did not converge" without it).
 */
export function balance(input: Mat, n: number): Float64Array {
  const a = Float64Array.from(input);
  // each scaling lowers a row + column norm by 5% or more, so this ends; 32 passes bound it
  for (let done = false, pass = 0; !done && pass < 32; pass++) {
    done = true;
    for (let i = 0; i < n; i++) {
      let c = 0;
      let r = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(a[j * n + i]);
        r += Math.abs(a[i * n + j]);
      }
      if (c === 0 || r === 0) continue;
      const s = c + r;
      let f = 1;
      let g = r / 2;
      while (c < g) {
        f *= 2;
        c *= 4;
      }
      g = r * 2;
      while (c > g) {
        f /= 2;
        c /= 4;
      }
      if ((c + r) / f < 0.95 * s) {
        done = false;
        for (let j = 0; j < n; j++) a[i * n + j] /= f;
        for (let j = 0; j < n; j++) a[j * n + i] *= f;
      }
    }
  }
  return a;
}

/** All eigenvalues of a real n x n matrix (balanced first). */
export function eigenvalues(m: Mat, n: number): Spectrum {
  return hessenbergEigenvalues(hessenberg(balance(m, n), n), n);
}
