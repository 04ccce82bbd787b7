// Complex 4x4 matrices as separate real and imaginary row-major Float64Arrays.

export interface CMat {
  re: Float64Array;
  im: Float64Array;
}

export const DIM = 4;

export function czeros(n = DIM): CMat {
  return { re: new Float64Array(n * n), im: new Float64Array(n * n) };
}

export function fromReal(re: Float64Array): CMat {
  return { re: Float64Array.from(re), im: new Float64Array(re.length) };
}

export function cmul(a: CMat, b: CMat, n = DIM): CMat {
  const out = czeros(n);
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
export function cdagger(a: CMat, n = DIM): CMat {
  const out = czeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      out.re[j * n + i] = a.re[i * n + j];
      out.im[j * n + i] = -a.im[i * n + j];
    }
  }
  return out;
}

export function ctrace(a: CMat, n = DIM): { re: number; im: number } {
  let re = 0;
  let im = 0;
  for (let i = 0; i < n; i++) {
    re += a.re[i * n + i];
    im += a.im[i * n + i];
  }
  return { re, im };
}

/** Kronecker product of two complex 2x2 matrices. */
export function ckron2(a: CMat, b: CMat): CMat {
  const out = czeros(4);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      for (let k = 0; k < 2; k++)
        for (let l = 0; l < 2; l++) {
          const ar = a.re[i * 2 + j];
          const ai = a.im[i * 2 + j];
          const br = b.re[k * 2 + l];
          const bi = b.im[k * 2 + l];
          const idx = (2 * i + k) * 4 + (2 * j + l);
          out.re[idx] = ar * br - ai * bi;
          out.im[idx] = ar * bi + ai * br;
        }
  return out;
}
