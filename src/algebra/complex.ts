// Complex square matrices as separate real and imaginary row-major Float64Arrays (sides read
// from their lengths).

export interface CMat {
  re: Float64Array;
  im: Float64Array;
}

import { sideOf } from '../core/dimension.js';

export function czeros(n: number): CMat {
  return { re: new Float64Array(n * n), im: new Float64Array(n * n) };
}

export function fromReal(re: Float64Array): CMat {
  return { re: Float64Array.from(re), im: new Float64Array(re.length) };
}

/** a b, into `out` where given (it must not be a or b). */
export function cmul(a: CMat, b: CMat, n = sideOf(a.re), out = czeros(n)): CMat {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const ar = a.re[i * n + k];
        const ai = a.im[i * n + k];
        const br = b.re[k * n + j];
        const bi = b.im[k * n + j];
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      out.re[i * n + j] = sr;
      out.im[i * n + j] = si;
    }
  }
  return out;
}

export function cadd(a: CMat, b: CMat, scaleB = 1): CMat {
  return { re: a.re.map((x, k) => x + scaleB * b.re[k]), im: a.im.map((x, k) => x + scaleB * b.im[k]) };
}

/** Conjugate transpose. */
export function cdagger(a: CMat, n = sideOf(a.re)): CMat {
  const out = czeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out.re[j * n + i] = a.re[i * n + j];
      out.im[j * n + i] = -a.im[i * n + j];
    }
  }
  return out;
}

export function ctrace(a: CMat, n = sideOf(a.re)): { re: number; im: number } {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    re += a.re[i * n + i];
    im += a.im[i * n + i];
  }
  return { re, im };
}

/** Kronecker product a (x) b of two square complex matrices (sides read from their lengths). */
export function ckron(a: CMat, b: CMat): CMat {
  const na = Math.round(Math.sqrt(a.re.length));
  const nb = Math.round(Math.sqrt(b.re.length));
  const n = na * nb;
  const out = czeros(n);
  for (let i = 0; i < na; i++)
    for (let j = 0; j < na; j++)
      for (let k = 0; k < nb; k++)
        for (let l = 0; l < nb; l++) {
          const ar = a.re[i * na + j];
          const ai = a.im[i * na + j];
          const br = b.re[k * nb + l];
          const bi = b.im[k * nb + l];
          const idx = (nb * i + k) * n + (nb * j + l);
          out.re[idx] = ar * br - ai * bi;
          out.im[idx] = ar * bi + ai * br;
        }
  return out;
}
