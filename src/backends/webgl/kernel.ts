// The gpu.js kernel of the webgl backend: the per-point computation of the WGSL "leap" program
// (shaders/generator.wgsl, propagate.wgsl, observables.wgsl, kernels/leap.wgsl), generated as
// straight-line scalar JavaScript from the same tables the WGSL codegen uses (TRANSFER_TERMS,
// PAULI_STRINGS, PAULI_PERMUTATIONS) and the same qubit operators (OPS). gpu.js translates it to
// GLSL (WebGL2 or WebGL1, f32); it also runs as plain JavaScript (float64), which is how the Node
// tests check the generated code against the float64 reference before any GPU sees it.
//
// One invocation per point: H, its eigenbasis (cyclic Jacobi), the rates, the Liouvillian parts,
// the 16x16 generator G, the steady state, the leap (Taylor-8 one-step map, binary powering on
// the traceless part), the battery observables and the Wootters concurrence. gpu.js kernels
// have no arrays, so every matrix is a set of named scalars; to keep the shader small enough to
// compile in seconds on a software rasteriser (SwiftShader), the code differs from the WGSL in
// arrangement, not in the physics:
//   - the Taylor polynomial and the squarings share one unrolled 16x16 product in one loop;
//   - the step is h = tau / ceil(tau / h0) (h0 = min(0.2, 1/||G||) or the given dt), so tau is
//     a whole number of steps and no RK4 remainder step is needed;
//   - the steady state solves A x = -c (G = [[0, 0], [c, A]]) by Householder QR, branch-free,
//     instead of Gaussian elimination with row swaps; the smallest |R_kk| plays the role of
//     the smallest pivot in the kernel-dimension test;
//   - Jacobi rotations update only the triangle of the symmetric/Hermitian matrix.
// The Liouvillian spectrum is not part of it (the Hessenberg-QR iteration needs arrays): the
// runner computes it on the host, in float64, for the points that need it.
//
// Output: eight vec4 per point (the kernel's result and seven kernel-map outputs o1..o7):
//   result = (1, r1, r2, r3), o1 = r4..r7, o2 = r8..r11, o3 = r12..r15,
//   o4 = (efficiency, E_B, ergotropy, concurrence) at tau, o5 = the same for the steady state,
//   o6 = (kernel dim, flags, step h, steady flags), o7 = (transient bound, 0, 0, 0).

import { OPS } from '../../model/hamiltonian.js';
import type { LindbladFreq, ModelName, Reservoir, ZeroFreq } from '../../model/params.js';
import { PAULI_PERMUTATIONS, PAULI_STRINGS } from '../../model/pauli.js';
import { TRANSFER_TERMS } from '../../model/pauliTransfer.js';
import { type Expr, type M, Emitter, ONE, ZERO, addM, constMatrix, hadamardM, identity, isZero, lit, mul, neg, scaleM, sub, sum, transpose } from './scalar.js';

export interface KernelSpec {
  model: ModelName;
  reservoir: Reservoir;
  zeroFreq: ZeroFreq;
  lindbladFreq: LindbladFreq;
  /** concurrence at tau / of the steady state (skipped when not asked for) */
  concurrence: boolean;
  steadyConcurrence: boolean;
}

export interface KernelSource {
  /** the kernel: function (params, lindbladW) {...}; params[point][0..23] */
  kernel: string;
  /** helper functions the kernel calls (gpu.addFunction) */
  functions: string[];
  /** kernel-map outputs o1..o7, each function (a, b, c, d) { return [a, b, c, d]; } */
  outputs: string[];
  /** a key naming the specialisation (for caches) */
  key: string;
}

/** Number of vec4 outputs per point (the result and OUTPUT_MAPS). */
export const KERNEL_VEC4S = 8;
export const OUTPUT_MAPS = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7'];

/** As in the WGSL (propagate.wgsl, generator.wgsl, layout.wgsl). */
const LEAP_ORDER = 8;
const SINGULAR_PIVOT = 1e-5;
const PAIRS4: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
const SORT_NETWORK: [number, number][] = [[0, 1], [2, 3], [0, 2], [1, 3], [1, 2]];
const FLAG = { degenerate: 1, bistable: 2, zeroEnergy: 4, nonFinite: 8 };

export function kernelKey(s: KernelSpec): string {
  return [s.model, s.reservoir, s.zeroFreq, typeof s.lindbladFreq === 'number' ? 'w' : s.lindbladFreq, s.concurrence ? 'c' : '', s.steadyConcurrence ? 's' : ''].join(':');
}

// ---------------------------------------------------------------------------------------------
// helper functions (gpu.js functions: numbers in, a number out)

/** The rate function of a specialisation (gpu.js keeps every added function on its GPU object). */
function rateFunctionName(s: KernelSpec): string {
  return `bathRate_${s.reservoir}_${s.zeroFreq}`;
}

function rateFunctions(s: KernelSpec): string[] {
  const fermion = s.reservoir === 'fermion';
  const zeroRate = !fermion && s.zeroFreq === 'limit' ? 'alpha * T' : '0.0';
  const occupations = fermion
    ? // 0.5 (1 -+ tanh(x / 2T)) stays finite for huge |x|/T; T = 0 is a step
      [
        '  const x = w - mu;',
        '  if (T == 0.0) {',
        '    const n0 = x > 0.0 ? 0.0 : (x < 0.0 ? 1.0 : 0.5);',
        '    return emission > 0.5 ? j * (1.0 - n0) : j * n0;',
        '  }',
        '  const th = Math.tanh(Math.min(Math.max(x / (2.0 * T), -40.0), 40.0));',
        '  return emission > 0.5 ? j * 0.5 * (1.0 + th) : j * 0.5 * (1.0 - th);',
      ]
    : [
        '  if (T <= 0.0) {',
        '    return emission > 0.5 ? j : 0.0;',
        '  }',
        '  const n = 1.0 / expm1f(Math.min(w / T, 80.0));',
        '  return emission > 0.5 ? j * (n + 1.0) : j * n;',
      ];
  return [
    // exp(x) - 1 without cancellation for small x (rates.wgsl expm1_f32)
    ['function expm1f(x) {', '  if (Math.abs(x) < 0.01) {', '    return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0))));', '  }', '  return Math.exp(x) - 1.0;', '}'].join('\n'),
    // J Ncal (emission = 1) or J N (emission = 0) at w >= 0 (rates.wgsl bath_rates)
    [
      `function ${rateFunctionName(s)}(emission, w, alpha, wc, T, mu) {`,
      '  if (w <= 0.0) {',
      `    return ${zeroRate};`,
      '  }',
      '  const j = alpha * w * Math.exp(-w / wc);',
      ...occupations,
      '}',
    ].join('\n'),
  ];
}

// ---------------------------------------------------------------------------------------------
// small building blocks

/** dst := src entry by entry, all right-hand sides evaluated before any assignment. */
function commit(em: Emitter, dst: Expr[], src: Expr[]): void {
  const changed = dst.map((d, k) => /^[A-Za-z_]/.test(d) && d !== src[k]);
  const tmp = src.map((s, k) => (changed[k] ? (dst.includes(s) ? em.variable(em.fresh('u'), s) : em.value(em.fresh('u'), s)) : s));
  dst.forEach((d, k) => {
    if (changed[k]) em.line(`${d} = ${tmp[k]};`);
  });
}

const swap = (em: Emitter, x: Expr, y: Expr) => {
  const t = em.value(em.fresh('w'), `${x} + 0.0`);
  em.line(`${x} = ${y};`);
  em.line(`${y} = ${t};`);
};

/** A Hermitian (or, with im = undefined, real symmetric) 4x4 matrix kept as its upper triangle. */
interface Herm {
  d: Expr[];
  re: Expr[];
  im?: Expr[];
}

/** Complex entry (a, b) of a Hermitian 4x4 given as triangle. */
function hEntry(h: Herm, a: number, b: number): [Expr, Expr] {
  if (a === b) return [h.d[a], ZERO];
  const [i, j] = a < b ? [a, b] : [b, a];
  const im = h.im ? h.im[i * 4 + j] : ZERO;
  return [h.re[i * 4 + j], a < b ? im : neg(im)];
}

/**
 * Cyclic Jacobi on the triangle of a Hermitian 4x4 (real symmetric when im is absent), six
 * sweeps, rotation (p, q) skipped when |h_pq| is negligible (jacobi4Wgsl, hermitianJacobiWgsl):
 * the phase e^{-i phi} on column q makes h_pq real, then the real rotation (c, s) zeroes it.
 * Returns the eigenvalues (unsorted) and, when asked, the eigenvectors as columns.
 */
function jacobi(em: Emitter, name: string, m: Herm, withVectors: boolean): { values: Expr[]; vre?: M; vim?: M } {
  const complex = m.im !== undefined;
  const upper = (i: number, j: number) => i < j;
  const d = m.d.map((x, k) => em.variable(`${name}d${k}`, x));
  const re = identity(4).map((_, k) => (upper(Math.floor(k / 4), k % 4) ? em.variable(`${name}r${k}`, m.re[k]) : ZERO));
  const im = complex ? identity(4).map((_, k) => (upper(Math.floor(k / 4), k % 4) ? em.variable(`${name}i${k}`, m.im![k]) : ZERO)) : undefined;
  const h: Herm = { d, re, im };
  const vre = withVectors ? em.mutableMatrix(`${name}V`, identity(4), 4) : undefined;
  const vim = withVectors && complex ? em.mutableMatrix(`${name}W`, identity(4).map(() => ZERO), 4) : undefined;
  em.open('for (let sweep = 0; sweep < 6; sweep++) {');
  for (const [p, q] of PAIRS4) {
    const x = re[p * 4 + q];
    const y = im ? im[p * 4 + q] : ZERO;
    const big = complex ? em.value(em.fresh('b'), `Math.max(Math.abs(${x}), Math.abs(${y}))`) : `Math.abs(${x})`;
    em.open(`if (${big} > 1e-30 && ${big} > 1e-9 * (Math.abs(${d[p]}) + Math.abs(${d[q]}))) {`);
    let mag = x;
    let cs: Expr = ONE;
    let sn: Expr = ZERO;
    if (complex) {
      const xs = em.value(em.fresh('x'), `${x} / ${big}`);
      const ys = em.value(em.fresh('y'), `${y} / ${big}`);
      mag = em.value(em.fresh('m'), `${big} * Math.sqrt(${xs} * ${xs} + ${ys} * ${ys})`);
      cs = em.value(em.fresh('cs'), `${x} / ${mag}`);
      sn = em.value(em.fresh('sn'), `${y} / ${mag}`);
    }
    const theta = em.value(em.fresh('th'), `(${d[q]} - ${d[p]}) / (2.0 * ${mag})`);
    const t = em.value(em.fresh('t'), `(${theta} >= 0.0 ? 1.0 : -1.0) / (Math.abs(${theta}) + Math.sqrt(${theta} * ${theta} + 1.0))`);
    const c = em.value(em.fresh('c'), `1.0 / Math.sqrt(${t} * ${t} + 1.0)`);
    const s = em.value(em.fresh('s'), `${t} * ${c}`);
    const dst: Expr[] = [d[p], d[q], re[p * 4 + q]];
    const src: Expr[] = [
      `${c} * ${c} * ${d[p]} - 2.0 * ${c} * ${s} * ${mag} + ${s} * ${s} * ${d[q]}`,
      `${s} * ${s} * ${d[p]} + 2.0 * ${c} * ${s} * ${mag} + ${c} * ${c} * ${d[q]}`,
      ZERO,
    ];
    if (im) {
      dst.push(im[p * 4 + q]);
      src.push(ZERO);
    }
    for (let k = 0; k < 4; k++) {
      if (k === p || k === q) continue;
      // column p and the phased column q at row k, then the real rotation
      const [apr, api] = hEntry(h, k, p);
      const [bqr, bqi] = hEntry(h, k, q);
      const qr = complex ? sum([mul(bqr, cs), mul(bqi, sn)]) : bqr;
      const qi = complex ? sub(mul(bqi, cs), mul(bqr, sn)) : ZERO;
      const put = (col: number, r: Expr, i: Expr) => {
        const [a, b] = k < col ? [k, col] : [col, k];
        dst.push(re[a * 4 + b]);
        src.push(r);
        if (im) {
          dst.push(im[a * 4 + b]);
          src.push(k < col ? i : neg(i));
        }
      };
      put(p, sub(mul(c, apr), mul(s, qr)), sub(mul(c, api), mul(s, qi)));
      put(q, sum([mul(s, apr), mul(c, qr)]), sum([mul(s, api), mul(c, qi)]));
    }
    if (vre) {
      for (let r = 0; r < 4; r++) {
        const pr = vre[r * 4 + p];
        const pi = vim ? vim[r * 4 + p] : ZERO;
        const qr0 = vre[r * 4 + q];
        const qi0 = vim ? vim[r * 4 + q] : ZERO;
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
    commit(em, dst, src);
    em.close();
  }
  em.close();
  return { values: d, vre, vim };
}

/** Eigenvalues (descending) and eigenvectors (columns) of a real symmetric 4x4 H (eigh4). */
function eigh4(em: Emitter, h: M): { values: Expr[]; vectors: M } {
  const j = jacobi(em, 'j', { d: [0, 1, 2, 3].map((k) => h[k * 5]), re: h }, true);
  const e = j.values;
  const v = j.vre!;
  for (const [a, b] of SORT_NETWORK) {
    em.open(`if (${e[b]} > ${e[a]}) {`);
    swap(em, e[a], e[b]);
    for (let r = 0; r < 4; r++) swap(em, v[r * 4 + a], v[r * 4 + b]);
    em.close();
  }
  return { values: e, vectors: v };
}

// ---------------------------------------------------------------------------------------------
// the generator

/** Parts of L (generator.wgsl liouvillian_parts): H, the sandwiches (X_t, Y_t), K, degenerate flag. */
function liouvillianParts(em: Emitter, s: KernelSpec, p: Record<string, Expr>): { h: M; x: M[]; y: M[]; k: M; degenerate: Expr } {
  const { d1, d2, f, lambda } = p;
  const half = (x: string) => `0.5 * ${x}`;
  const H = em.matrix('h', [
    half(`(${d1} + ${d2})`), ZERO, half(f), ZERO,
    ZERO, half(`(${d1} - ${d2})`), lambda, half(f),
    half(f), lambda, half(`(${d2} - ${d1})`), ZERO,
    ZERO, half(f), ZERO, `-0.5 * (${d1} + ${d2})`,
  ], 4);
  const SX1 = constMatrix(OPS.sx1);
  const SX2 = constMatrix(OPS.sx2);
  const SP1 = constMatrix(OPS.sp1);
  const SP2 = constMatrix(OPS.sp2);
  const baths = [
    { alpha: p.alpha1, T: p.T1, mu: p.mu1 },
    { alpha: p.alpha2, T: p.T2, mu: p.mu2 },
  ];
  const rate = (emission: boolean, b: (typeof baths)[number], w: Expr) => `${rateFunctionName(s)}(${emission ? '1.0' : '0.0'}, ${w}, ${b.alpha}, ${p.omega_c}, ${b.T}, ${b.mu})`;

  if (s.model === 'lindblad') {
    // rates J(w*) N on sigma_+, J(w*) Ncal on sigma_-
    const w = typeof s.lindbladFreq === 'number' ? 'lindbladW' : s.lindbladFreq === 'M' ? em.value('lw', `Math.sqrt(${f} * ${f} + ${lambda} * ${lambda})`) : lambda;
    const [em1, ab1, em2, ab2] = [rate(true, baths[0], w), rate(false, baths[0], w), rate(true, baths[1], w), rate(false, baths[1], w)].map((r, i) => em.value(`lr${i}`, r));
    const sm1 = transpose(SP1, 4);
    const sm2 = transpose(SP2, 4);
    const x = [scaleM(ab1, SP1), scaleM(em1, sm1), scaleM(ab2, SP2), scaleM(em2, sm2)].map((m, i) => em.matrix(`x${i}`, m, 4));
    const y = [sm1, SP1, sm2, SP2];
    const k = [em.product('kp0', sm1, SP1, 4), em.product('kp1', SP1, sm1, 4), em.product('kp2', sm2, SP2, 4), em.product('kp3', SP2, sm2, 4)];
    const kk = em.matrix('k', k[0].map((_, i) => neg(sum([mul(ab1, k[0][i]), mul(em1, k[1][i]), mul(ab2, k[2][i]), mul(em2, k[3][i])]))), 4);
    return { h: H, x, y, k: kk, degenerate: ZERO };
  }

  const { values: e, vectors: V } = eigh4(em, H);
  const Vt = transpose(V, 4);
  const chi1 = em.product('c1', em.product('c1a', Vt, SX1, 4), V, 4);
  const chi2 = em.product('c2', em.product('c2a', Vt, SX2, 4), V, 4);
  // a level crossing where sx on the crossing pair is not a multiple of the identity
  const degenerate = em.variable('degenerate', ZERO);
  const scale = em.value('escale', `Math.max(1.0, Math.max(Math.max(Math.abs(${e[0]}), Math.abs(${e[1]})), Math.max(Math.abs(${e[2]}), Math.abs(${e[3]}))))`);
  for (const [i, j] of PAIRS4) {
    const off = `Math.max(Math.abs(${chi1[i * 4 + j]}), Math.abs(${chi2[i * 4 + j]}))`;
    const dia = `Math.max(Math.abs(${chi1[i * 5]} - ${chi1[j * 5]}), Math.abs(${chi2[i * 5]} - ${chi2[j * 5]}))`;
    em.open(`if (Math.abs(${e[i]} - ${e[j]}) <= 1e-5 * ${scale} && (${off} > 1e-3 || ${dia} > 1e-3)) {`);
    em.line(`${degenerate} = 1.0;`);
    em.close();
  }
  // rates on the lowering transitions: entry [r][c], r > c, at E_c - E_r
  const rates = baths.map((b, q) => {
    const emM: M = identity(4).map(() => ZERO);
    const abM: M = identity(4).map(() => ZERO);
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < r; c++) {
        const w = em.value(`w${q}_${r}${c}`, `${e[c]} - ${e[r]}`);
        emM[r * 4 + c] = em.value(`re${q}_${r}${c}`, rate(true, b, w));
        abM[r * 4 + c] = em.value(`ra${q}_${r}${c}`, rate(false, b, w));
      }
    }
    return { em: emM, ab: abM };
  });
  const lower = (m: M): M => m.map((x, k) => (Math.floor(k / 4) > k % 4 ? x : ZERO));
  const back = (name: string, m: M) => em.product(name, em.product(`${name}a`, V, m, 4), Vt, 4);
  const low = [lower(chi1), lower(chi2)];
  const lc = low.map((l, q) => back(`lc${q}`, l));
  const A = low.map((l, q) => back(`am${q}`, hadamardM(l, rates[q].em)));
  const B = low.map((l, q) => back(`bm${q}`, transpose(hadamardM(l, rates[q].ab), 4)));
  const negSum = (name: string, ms: M[]) => em.matrix(name, ms[0].map((_, i) => neg(sum(ms.map((m) => m[i])))), 4);
  if (s.model === 'redfield') {
    // A rho Low^T - Low^T A rho + B rho Low - Low B rho + h.c.
    const lct = lc.map((m) => transpose(m, 4));
    const k = negSum('k', [em.product('kp0', lct[0], A[0], 4), em.product('kp1', lc[0], B[0], 4), em.product('kp2', lct[1], A[1], 4), em.product('kp3', lc[1], B[1], 4)]);
    return { h: H, x: [A[0], B[0], A[1], B[1]], y: [lct[0], lc[0], lct[1], lc[1]], k, degenerate };
  }
  // bloch-redfield: (A + B) rho S - S (A + B) rho + h.c., S = Low + Low^T
  const S = lc.map((m, q) => em.matrix(`sb${q}`, addM(m, transpose(m, 4)), 4));
  const AB = [0, 1].map((q) => em.matrix(`ab${q}`, addM(A[q], B[q]), 4));
  const k = negSum('k', [em.product('kp0', S[0], AB[0], 4), em.product('kp1', S[1], AB[1], 4)]);
  return { h: H, x: AB, y: S, k, degenerate };
}

/** G (16x16, row 00 zero) from the parts by the sparse recipe TRANSFER_TERMS (pauliTransferWgsl). */
function generatorMatrix(em: Emitter, parts: { h: M; x: M[]; y: M[]; k: M }): M {
  const S = new Map<number, Expr>();
  const sandwich = (index: number): Expr => {
    let v = S.get(index);
    if (v === undefined) {
      const a = index >> 6;
      const l = (index >> 4) & 3;
      const b = (index >> 2) & 3;
      const k = index & 3;
      const terms = parts.x.map((X, t) => mul(X[a * 4 + l], parts.y[t][b * 4 + k]));
      if (b === k) terms.push(parts.k[a * 4 + l]);
      v = em.value(`S${index}`, sum(terms));
      S.set(index, v);
    }
    return v;
  };
  const G: M = identity(16).map(() => ZERO);
  for (const t of TRANSFER_TERMS) {
    const terms = t.entries.map(({ index, sign }) => {
      const ref = t.source === 'S' ? sandwich(index) : parts.h[(index >> 2) * 4 + (index & 3)];
      return sign < 0 ? neg(ref) : ref;
    });
    const total = sum(terms);
    G[t.i * 16 + t.j] = isZero(total) ? ZERO : em.value(`g${t.i}_${t.j}`, `0.5 * ${total}`);
  }
  return G;
}

/** ||M||_inf over rows 1..15 (columns from `from`). */
function normInf(em: Emitter, name: string, m: M, from = 0): Expr {
  const acc = em.variable(name, ZERO);
  for (let i = 1; i < 16; i++) {
    const s = sum(Array.from({ length: 16 - from }, (_, j) => (isZero(m[i * 16 + from + j]) ? ZERO : `Math.abs(${m[i * 16 + from + j]})`)));
    if (!isZero(s)) em.line(`${acc} = Math.max(${acc}, ${s});`);
  }
  return acc;
}

/**
 * The steady state: r = (1, x) with A x = -c where G = [[0, 0], [c, A]] (the solve_steady of
 * the WGSL, G' r = e0), by Householder QR without branches. minPivot = min |R_kk|.
 */
function solveSteady(em: Emitter, G: M): { r: Expr[]; minPivot: Expr } {
  const n = 15;
  const a: string[][] = [];
  for (let i = 0; i < n; i++) a.push(Array.from({ length: n + 1 }, (_, j) => em.variable(`a${i}_${j}`, j === n ? neg(G[(i + 1) * 16]) : G[(i + 1) * 16 + j + 1])));
  const minPivot = em.variable('minPivot', '3.0e38');
  const rdiag: Expr[] = [];
  for (let k = 0; k < n; k++) {
    if (k === n - 1) {
      // the last 1x1 block needs no reflection
      rdiag.push(a[k][k]);
      em.line(`${minPivot} = Math.min(${minPivot}, Math.abs(${a[k][k]}));`);
      break;
    }
    const col = Array.from({ length: n - k }, (_, i) => a[k + i][k]);
    const norm = em.value(`hn${k}`, `Math.sqrt(${col.map((x) => `${x} * ${x}`).join(' + ')})`);
    const alpha = em.value(`hal${k}`, `${a[k][k]} >= 0.0 ? -${norm} : ${norm}`);
    rdiag.push(alpha);
    em.line(`${minPivot} = Math.min(${minPivot}, Math.abs(${alpha}));`);
    const v0 = em.value(`hv${k}`, `${a[k][k]} - ${alpha}`);
    const v = [v0, ...col.slice(1)];
    const vv = em.value(`hvv${k}`, `${v0} * ${v0} + ${col.slice(1).map((x) => `${x} * ${x}`).join(' + ') || '0.0'}`);
    const beta = em.value(`hb${k}`, `${vv} > 0.0 ? 2.0 / ${vv} : 0.0`);
    for (let j = k + 1; j <= n; j++) {
      const s = em.value(em.fresh('hs'), `${beta} * (${v.map((x, i) => `${x} * ${a[k + i][j]}`).join(' + ')})`);
      for (let i = 0; i < n - k; i++) em.line(`${a[k + i][j]} = ${a[k + i][j]} - ${s} * ${v[i]};`);
    }
  }
  const x: Expr[] = new Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const dot = sum(Array.from({ length: n - 1 - k }, (_, j) => `${a[k][k + 1 + j]} * ${x[k + 1 + j]}`));
    x[k] = em.value(`xs${k}`, `(${sub(a[k][n], dot)}) / ${rdiag[k]}`);
  }
  return { r: [ONE, ...x], minPivot };
}

/** Battery observables (observables.wgsl battery): efficiency, E_B, ergotropy, zero-energy flag. */
function battery(em: Emitter, name: string, r: Expr[]): { eff: Expr; e: Expr; erg: Expr; zero: Expr } {
  const e = em.value(`${name}E`, `0.5 * (1.0 + ${r[3]})`);
  const erg = em.value(`${name}G`, `0.5 * (Math.sqrt(${r[1]} * ${r[1]} + ${r[2]} * ${r[2]} + ${r[3]} * ${r[3]}) + ${r[3]})`);
  const zero = em.value(`${name}Z`, `${e} > 0.0 ? 0.0 : 1.0`);
  const eff = em.value(`${name}P`, `${e} > 0.0 ? ${erg} / ${e} : 0.0`);
  return { eff, e, erg, zero };
}

// ---------------------------------------------------------------------------------------------
// the concurrence (observables.wgsl concurrence), a gpu.js function of the 16 components

/** rho = (1/4) sum_i r_i P_i (densityWgsl): the upper triangle. */
function density(em: Emitter, r: Expr[]): Herm {
  const entry = (part: 're' | 'im', k: number) => {
    const terms: Expr[] = [];
    PAULI_STRINGS.forEach((p, i) => {
      const c = p[part][k];
      if (c !== 0) terms.push(c < 0 ? neg(r[i]) : r[i]);
    });
    return isZero(sum(terms)) ? ZERO : em.value(`rho${part}${k}`, `0.25 * ${sum(terms)}`);
  };
  const tri = (part: 're' | 'im') => identity(4).map((_, k) => (Math.floor(k / 4) < k % 4 ? entry(part, k) : ZERO));
  return { d: [0, 1, 2, 3].map((i) => entry('re', i * 5)), re: tri('re'), im: tri('im') };
}

/** sy (x) sy = antidiag(-1, 1, 1, -1): (Y rho* Y)_ab = y_a y_b conj(rho_{3-a, 3-b}). */
const Y_SIGN = [-1, 1, 1, -1];

export function concurrenceFunction(): string {
  const em = new Emitter();
  const r = Array.from({ length: 16 }, (_, i) => `r${i}`);
  const rho = density(em, r);
  const e = jacobi(em, 'e', rho, true);
  const sq = e.values.map((x, i) => em.value(`sq${i}`, `Math.sqrt(Math.max(${x}, 0.0))`));
  const V = { re: e.vre!, im: e.vim! };
  // sqrt(rho) = sum_k sq_k v_k v_k^H, upper triangle
  const sr: [Expr, Expr][] = new Array(16);
  for (let a = 0; a < 4; a++) {
    for (let b = a; b < 4; b++) {
      const tr: Expr[] = [];
      const ti: Expr[] = [];
      for (let k = 0; k < 4; k++) {
        const [ar, ai, br, bi] = [V.re[a * 4 + k], V.im[a * 4 + k], V.re[b * 4 + k], V.im[b * 4 + k]];
        tr.push(`${sq[k]} * (${ar} * ${br} + ${ai} * ${bi})`);
        ti.push(`${sq[k]} * (${ai} * ${br} - ${ar} * ${bi})`);
      }
      sr[a * 4 + b] = [em.value(`sr${a}${b}`, sum(tr)), a === b ? ZERO : em.value(`si${a}${b}`, sum(ti))];
    }
  }
  const sqrtRho = (a: number, b: number): [Expr, Expr] => (a <= b ? sr[a * 4 + b] : [sr[b * 4 + a][0], neg(sr[b * 4 + a][1])]);
  const flipped = (a: number, b: number): [Expr, Expr] => {
    const [x, y] = hEntry(rho, 3 - a, 3 - b);
    const sgn = Y_SIGN[a] * Y_SIGN[b];
    return sgn > 0 ? [x, neg(y)] : [neg(x), y];
  };
  const cmulSum = (pairs: [[Expr, Expr], [Expr, Expr]][]): [Expr, Expr] => [
    sum(pairs.flatMap(([[ar, ai], [br, bi]]) => [mul(ar, br), neg(mul(ai, bi))])),
    sum(pairs.flatMap(([[ar, ai], [br, bi]]) => [mul(ar, bi), mul(ai, br)])),
  ];
  // inner = rho~ sqrt(rho) (full), m = sqrt(rho) inner (upper triangle: it is Hermitian)
  const inner: [Expr, Expr][] = [];
  for (let a = 0; a < 4; a++) {
    for (let b = 0; b < 4; b++) {
      const [x, y] = cmulSum([0, 1, 2, 3].map((k) => [flipped(a, k), sqrtRho(k, b)] as [[Expr, Expr], [Expr, Expr]]));
      inner.push([em.value(`nr${a}${b}`, x), em.value(`ni${a}${b}`, y)]);
    }
  }
  const mm: Herm = { d: [], re: identity(4).map(() => ZERO), im: identity(4).map(() => ZERO) };
  for (let a = 0; a < 4; a++) {
    for (let b = a; b < 4; b++) {
      const [x, y] = cmulSum([0, 1, 2, 3].map((k) => [sqrtRho(a, k), inner[k * 4 + b]] as [[Expr, Expr], [Expr, Expr]]));
      if (a === b) mm.d.push(em.value(`md${a}`, x));
      else {
        mm.re[a * 4 + b] = em.value(`mr${a}${b}`, x);
        mm.im![a * 4 + b] = em.value(`mi${a}${b}`, y);
      }
    }
  }
  const l = jacobi(em, 'f', mm, false).values.map((x, i) => em.value(`l${i}`, `Math.sqrt(Math.max(${x}, 0.0))`));
  const lmax = em.value('lmax', `Math.max(Math.max(${l[0]}, ${l[1]}), Math.max(${l[2]}, ${l[3]}))`);
  em.line(`return Math.max(0.0, 2.0 * ${lmax} - (${l.join(' + ')}));`);
  return `function concurrence(${r.join(', ')}) {\n${em.source()}\n}`;
}

// ---------------------------------------------------------------------------------------------

/** r_i = <psi|P_i|psi> (pureStateWgsl). */
function pureState(re: Expr[], im: Expr[]): Expr[] {
  return PAULI_PERMUTATIONS.map((p) => {
    const terms: Expr[] = [];
    for (let k = 0; k < 4; k++) {
      const m = p.perm[k];
      if (p.phaseRe[k] !== 0) {
        const t = `(${re[k]} * ${re[m]} + ${im[k]} * ${im[m]})`;
        terms.push(p.phaseRe[k] < 0 ? neg(t) : t);
      }
      if (p.phaseIm[k] !== 0) {
        const t = `(${re[k]} * ${im[m]} - ${im[k]} * ${re[m]})`;
        terms.push(p.phaseIm[k] > 0 ? neg(t) : t);
      }
    }
    return sum(terms);
  });
}

export function leapKernelSource(spec: KernelSpec): KernelSource {
  const em = new Emitter();
  const names = ['d1', 'd2', 'f', 'lambda', 'alpha1', 'alpha2', 'omega_c', 'T1', 'T2', 'mu1', 'mu2', 'tau', 'dt'];
  const p: Record<string, Expr> = {};
  names.forEach((n, k) => (p[n] = em.value(`p_${n}`, `params[this.thread.x][${k}]`)));
  const psiRe = [0, 1, 2, 3].map((k) => em.value(`pr${k}`, `params[this.thread.x][${16 + k}]`));
  const psiIm = [0, 1, 2, 3].map((k) => em.value(`pi${k}`, `params[this.thread.x][${20 + k}]`));

  const parts = liouvillianParts(em, spec, p);
  const G = generatorMatrix(em, parts);
  const gNorm = normInf(em, 'gnorm', G);

  // the step: h0 = dt, else min(0.2, 1/||G||) (default_step); h = tau / n with n = ceil(tau / h0)
  const nSteps = em.variable('nSteps', ZERO);
  const h = em.variable('h', p.dt);
  em.open(`if (${h} <= 0.0) {`);
  em.line(`${h} = Math.min(0.2, 1.0 / Math.max(${gNorm}, 1e-30));`);
  em.close();
  em.open(`if (${p.tau} > 0.0) {`);
  em.line(`${nSteps} = Math.max(1.0, Math.ceil(${p.tau} / ${h} - 1e-6));`);
  em.line(`${h} = ${p.tau} / ${nSteps};`);
  em.close();

  const steady = solveSteady(em, G);
  const solvable = em.value('solvable', `${steady.minPivot} >= ${lit(SINGULAR_PIVOT)} * Math.max(${gNorm}, 1e-30) ? 1.0 : 0.0`);
  const rss = steady.r.map((x, i) => (i === 0 ? ONE : em.value(`rs${i}`, `${solvable} > 0.5 ? ${x} : 0.0`)));

  // One unrolled product P = A X drives both the Taylor polynomial (iterations 0..6: A = hG,
  // X = I + P / order, Horner from order 8) and the binary powering (A = X: X = X^2, after
  // d = X d for each set bit of n). Row 00 of X is e0 throughout (fix_trace_row).
  const hg = em.matrix('hg', G.map((g) => (isZero(g) ? ZERO : `${h} * ${g}`)), 16);
  const X = em.mutableMatrix('X', identity(16).map((x, k) => sum([x, isZero(hg[k]) ? ZERO : `${hg[k]} / ${lit(LEAP_ORDER)}`])), 16, (i) => i === 0);
  const r0 = pureState(psiRe, psiIm).map((x, i) => (i === 0 ? ONE : em.value(`r0_${i}`, x)));
  // the homogeneous case (G' regular): d = r0 - r_ss decays; else d = r0 on the affine map
  const d = r0.map((x, i) => (i === 0 ? ONE : em.variable(`dv${i}`, sub(x, rss[i]))));
  const k = em.variable('kbits', nSteps);
  em.open(`for (let it = 0; it < ${LEAP_ORDER - 1 + 40}; it++) {`);
  em.line(`const taylor = it < ${LEAP_ORDER - 1} ? 1.0 : 0.0;`);
  em.open(`if (it == ${LEAP_ORDER - 1}) {`);
  // column 00 of M only carries the inhomogeneous part, which a traceless d never sees
  for (let i = 1; i < 16; i++) em.line(`${X[i * 16]} = (1.0 - ${solvable}) * ${X[i * 16]};`);
  em.close();
  em.open(`if (it >= ${LEAP_ORDER - 1}) {`);
  em.open(`if (${k} < 0.5) {`);
  em.line('break;');
  em.close();
  em.open(`if (${k} - 2.0 * Math.floor(${k} * 0.5) > 0.5) {`);
  commit(em, d, d.map((_, i) => (i === 0 ? ONE : sum(d.map((x, j) => mul(X[i * 16 + j], x))))));
  em.close();
  em.line(`${k} = Math.floor(${k} * 0.5);`);
  em.open(`if (${k} < 0.5) {`);
  em.line('break;');
  em.close();
  em.close();
  const A = X.map((x, kk) => (kk < 16 ? x : isZero(hg[kk]) ? `(1.0 - taylor) * ${x}` : `(taylor > 0.5 ? ${hg[kk]} : ${x})`));
  const Aname = A.map((x, kk) => (kk < 16 ? x : em.value(`A${kk}`, x)));
  em.line(`const scaleP = taylor > 0.5 ? 1.0 / (${LEAP_ORDER - 1}.0 - it) : 1.0;`);
  const P: M = identity(16);
  for (let i = 1; i < 16; i++) {
    for (let j = 0; j < 16; j++) P[i * 16 + j] = sum(Array.from({ length: 16 }, (_, l) => mul(Aname[i * 16 + l], X[l * 16 + j])));
  }
  commit(em, X, P.map((x, kk) => (kk < 16 ? x : `${kk % 17 === 0 ? 'taylor + ' : ''}scaleP * ${x}`)));
  em.close();

  // ||A^(2^K)||_inf on the traceless part bounds |eig|^n: < exp(-10) proves stationarity at tau
  const bound = em.variable('bound', '3.0e38');
  em.open(`if (${solvable} > 0.5 && ${nSteps} > 0.5) {`);
  em.line(`${bound} = ${normInf(em, 'bnorm', X, 1)};`);
  em.close();
  const r = d.map((x, i) => (i === 0 ? ONE : em.value(`rt${i}`, `${rss[i]} + ${x}`)));

  const b = battery(em, 'bt', r);
  const finite = em.variable('finite', ONE);
  for (let i = 1; i < 16; i++) em.line(`${finite} = Math.min(${finite}, Math.abs(${r[i]}) <= 3.0e38 ? 1.0 : 0.0);`);
  const conc = spec.concurrence ? em.value('conc', `concurrence(${r.join(', ')})`) : ZERO;

  // the steady state's observables (meaningful where solvable; the host blanks the rest)
  const sb = battery(em, 'sb', rss);
  const sconc = spec.steadyConcurrence ? em.variable('sconc', ZERO) : ZERO;
  if (spec.steadyConcurrence) {
    em.open(`if (${solvable} > 0.5) {`);
    em.line(`${sconc} = concurrence(${rss.join(', ')});`);
    em.close();
  }
  const flags = em.value('flags', `${parts.degenerate} * ${FLAG.degenerate}.0 + ${b.zero} * ${FLAG.zeroEnergy}.0 + (1.0 - ${finite}) * ${FLAG.nonFinite}.0`);
  const out = (o: string, v: Expr[]) => em.line(`${o}(${v.join(', ')});`);
  out('o1', r.slice(4, 8));
  out('o2', r.slice(8, 12));
  out('o3', r.slice(12, 16));
  out('o4', [b.eff, b.e, b.erg, conc]);
  out('o5', [sb.eff, sb.e, sb.erg, sconc]);
  out('o6', [`2.0 - ${solvable}`, flags, h, `(1.0 - ${solvable}) * ${FLAG.bistable}.0`]);
  out('o7', [bound, ZERO, ZERO, ZERO]);
  em.line(`return [1.0, ${r[1]}, ${r[2]}, ${r[3]}];`);
  const functions = [...rateFunctions(spec)];
  if (spec.concurrence || spec.steadyConcurrence) functions.push(concurrenceFunction());
  return {
    kernel: `function (params, lindbladW) {\n${em.source()}\n}`,
    functions,
    outputs: OUTPUT_MAPS.map((o) => `function ${o}(a, b, c, d) {\n  return [a, b, c, d];\n}`),
    key: kernelKey(spec),
  };
}
