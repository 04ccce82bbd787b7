// Small dense linear algebra as emitted code (every dialect): cyclic Jacobi for real symmetric
// and complex Hermitian n x n matrices (4 x 4 for two qubits), and the descending sort of an
// eigen-decomposition.

import { PRECISION } from '../core/constants.js';
import { sideOf } from '../core/dimension.js';
import { type CM, type Emitter, type Expr, type M, ONE, ZERO, identity, isRealCM, lit, mul, neg, sub, sum } from './emitter.js';

/** The pairs (p, q), p < q, of an n x n matrix in cyclic Jacobi order: (0, 1), (0, 2), ..., (n - 2, n - 1). */
export function upperPairs(n: number): [number, number][] {
  return Array.from({ length: n }, (_, p) => Array.from({ length: n - p - 1 }, (_, k): [number, number] => [p, p + 1 + k])).flat();
}

/** A sorting network of n wires: the optimal five comparators for 4 (two qubits), else odd-even transposition. */
function sortNetwork(n: number): [number, number][] {
  if (n === 4) return [[0, 1], [2, 3], [0, 2], [1, 3], [1, 2]];
  return Array.from({ length: n }, (_, round) => Array.from({ length: n }, (_, a): [number, number] => [a, a + 1]).filter(([a]) => a % 2 === round % 2 && a + 1 < n)).flat();
}

/** A Hermitian (or, with im = undefined, real symmetric) n x n matrix kept as its upper triangle (n = d.length). */
export interface Herm {
  d: Expr[];
  re: Expr[];
  im?: Expr[];
}

/** Complex entry (a, b) of a Hermitian matrix given as triangle. */
export function hEntry(h: Herm, a: number, b: number): [Expr, Expr] {
  if (a === b) return [h.d[a], ZERO];
  const n = h.d.length;
  const [i, j] = a < b ? [a, b] : [b, a];
  const im = h.im ? h.im[i * n + j] : ZERO;
  return [h.re[i * n + j], a < b ? im : neg(im)];
}

/**
 * Cyclic Jacobi on the triangle of a Hermitian n x n (real symmetric when im is absent), a fixed
 * number of sweeps (per precision), rotation (p, q) skipped when |h_pq| is negligible: the phase
 * e^{-i phi} on column q makes h_pq real, then the real rotation (c, s) zeroes it.
 * Returns the eigenvalues (unsorted) and, when asked, the eigenvectors as columns.
 */
export function jacobi(em: Emitter, name: string, m: Herm, withVectors: boolean): { values: Expr[]; vre?: M; vim?: M } {
  const tol = PRECISION[em.precision];
  const complex = m.im !== undefined;
  const n = m.d.length;
  const pairs = upperPairs(n);
  const upper = (i: number, j: number) => i < j;
  const d = m.d.map((x, k) => em.variable(`${name}d${k}`, x));
  const re = identity(n).map((_, k) => (upper(Math.floor(k / n), k % n) ? em.variable(`${name}r${k}`, m.re[k]) : ZERO));
  const im = complex ? identity(n).map((_, k) => (upper(Math.floor(k / n), k % n) ? em.variable(`${name}i${k}`, m.im![k]) : ZERO)) : undefined;
  const h: Herm = { d, re, im };
  const vre = withVectors ? em.mutableMatrix(`${name}V`, identity(n), n) : undefined;
  const vim = withVectors && complex ? em.mutableMatrix(`${name}W`, identity(n).map(() => ZERO), n) : undefined;
  em.loop(`${name}sweep`, tol.jacobiSweeps);
  for (const [p, q] of pairs) {
    const x = re[p * n + q];
    const y = im ? im[p * n + q] : ZERO;
    const big = complex ? em.value(em.fresh('b'), `Math.max(Math.abs(${x}), Math.abs(${y}))`) : `Math.abs(${x})`;
    em.open(`if (${big} > 1e-30 && ${big} > ${lit(tol.jacobiSkip)} * (Math.abs(${d[p]}) + Math.abs(${d[q]}))) {`);
    let mag = x;
    let cs: Expr = ONE;
    let sn: Expr = ZERO;
    if (complex) {
      // scaled before squaring: a subnormal x*x + y*y would make the phase factor non-unitary
      const xs = em.value(em.fresh('x'), `${x} / ${big}`);
      const ys = em.value(em.fresh('y'), `${y} / ${big}`);
      mag = em.value(em.fresh('m'), `${big} * Math.sqrt(${xs} * ${xs} + ${ys} * ${ys})`);
      cs = em.value(em.fresh('cs'), `${x} / ${mag}`);
      sn = em.value(em.fresh('sn'), `${y} / ${mag}`);
    }
    const theta = em.value(em.fresh('th'), `(${d[q]} - ${d[p]}) / (2.0 * ${mag})`);
    const t = em.value(em.fresh('t'), `${em.sel(`${theta} >= 0.0`, ONE, '(-1.0)')} / (Math.abs(${theta}) + Math.sqrt(${theta} * ${theta} + 1.0))`);
    // 1/sqrt, not inverseSqrt: that may be a low-precision estimate on some adapters
    const c = em.value(em.fresh('c'), `1.0 / Math.sqrt(${t} * ${t} + 1.0)`);
    const s = em.value(em.fresh('s'), `${t} * ${c}`);
    const dst: Expr[] = [d[p], d[q], re[p * n + q]];
    const src: Expr[] = [
      `${c} * ${c} * ${d[p]} - 2.0 * ${c} * ${s} * ${mag} + ${s} * ${s} * ${d[q]}`,
      `${s} * ${s} * ${d[p]} + 2.0 * ${c} * ${s} * ${mag} + ${c} * ${c} * ${d[q]}`,
      ZERO,
    ];
    if (im) {
      dst.push(im[p * n + q]);
      src.push(ZERO);
    }
    for (let k = 0; k < n; k++) {
      if (k === p || k === q) continue;
      // column p and the phased column q at row k, then the real rotation
      const [apr, api] = hEntry(h, k, p);
      const [bqr, bqi] = hEntry(h, k, q);
      const qr = complex ? sum([mul(bqr, cs), mul(bqi, sn)]) : bqr;
      const qi = complex ? sub(mul(bqi, cs), mul(bqr, sn)) : ZERO;
      const put = (col: number, r: Expr, i: Expr) => {
        const [a, b] = k < col ? [k, col] : [col, k];
        dst.push(re[a * n + b]);
        src.push(r);
        if (im) {
          dst.push(im[a * n + b]);
          src.push(k < col ? i : neg(i));
        }
      };
      put(p, sub(mul(c, apr), mul(s, qr)), sub(mul(c, api), mul(s, qi)));
      put(q, sum([mul(s, apr), mul(c, qr)]), sum([mul(s, api), mul(c, qi)]));
    }
    if (vre) {
      for (let r = 0; r < n; r++) {
        const pr = vre[r * n + p];
        const pi = vim ? vim[r * n + p] : ZERO;
        const qr0 = vre[r * n + q];
        const qi0 = vim ? vim[r * n + q] : ZERO;
        const qr = complex ? sum([mul(qr0, cs), mul(qi0, sn)]) : qr0;
        const qi = complex ? sub(mul(qi0, cs), mul(qr0, sn)) : ZERO;
        dst.push(pr, qr0);
        src.push(sub(mul(c, pr), mul(s, qr)), sum([mul(s, pr), mul(c, qr)]));
        if (vim) {
          dst.push(pi, qi0);
          src.push(sub(mul(c, pi), mul(s, qi)), sum([mul(s, pi), mul(c, qi)]));
        }
      }
    }
    em.commit(dst, src);
    em.close();
  }
  // stop once the off-diagonal part is below the precision's resolution (typically after 3-4 sweeps)
  const off = sum(pairs.flatMap(([p, q]) => [mul(re[p * n + q], re[p * n + q]), ...(im ? [mul(im[p * n + q], im[p * n + q])] : [])]));
  const dia = sum(d.map((x) => mul(x, x)));
  em.open(`if (${off} <= ${lit(tol.jacobiConverged)} * ${dia}) {`);
  em.line('break;');
  em.close();
  em.close();
  return { values: d, vre, vim };
}

/**
 * Eigenvalues (descending) and eigenvectors (columns) of a Hermitian n x n matrix (n from h): the
 * complex Jacobi when `h` has an imaginary entry, else the real one (the same code as a real
 * symmetric matrix always had). Each eigenvector's phase is arbitrary; what is built from them
 * (V f(E) V^+ sandwiches) does not depend on it.
 */
export function eigh(em: Emitter, name: string, h: CM): { values: Expr[]; vectors: CM } {
  const n = sideOf(h.re);
  const complex = !isRealCM(h);
  const j = jacobi(em, name, { d: Array.from({ length: n }, (_, k) => h.re[k * (n + 1)]), re: h.re, im: complex ? h.im : undefined }, true);
  const e = j.values;
  const v = { re: j.vre!, im: j.vim ?? identity(n).map(() => ZERO) };
  for (const [a, b] of sortNetwork(n)) {
    em.open(`if (${e[b]} > ${e[a]}) {`);
    em.swap(e[a], e[b]);
    for (let r = 0; r < n; r++) em.swap(v.re[r * n + a], v.re[r * n + b]);
    if (complex) for (let r = 0; r < n; r++) em.swap(v.im[r * n + a], v.im[r * n + b]);
    em.close();
  }
  return { values: e, vectors: v };
}
