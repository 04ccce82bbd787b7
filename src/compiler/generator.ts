// The real 4^n x 4^n generator of any system of n qubits, written once as emitted code: the
// float64 cpu backend, the WGSL kernels and the gpu.js kernel all run what this file emits.
//
// Every model has the shape  L(rho) = -i [H, rho] + sum_t (X_t rho Y_t + h.c.) + (K rho + h.c.)
// with 2^n x 2^n H, X_t, Y_t, K in the basis {ee, eg, ge, gg} for n = 2 (MODEL.md), complex where a term has an
// odd number of Y letters (each matrix is a CM whose imaginary entries are literal zeros for a
// real system, so a real system compiles to real arithmetic only):
//   redfield (the paper's eigenbasis form, per reservoir with coupling X): L = strictly-lower
//     part of X in the energy-sorted eigenbasis, A = L o (emission rates), B = L^+ o (absorption
//     rates), D = A rho L^+ - L^+ A rho + B rho L - L B rho + h.c.
//   bloch-redfield (QuTiP's bloch_redfield_tensor, use_secular=False): Lambda = X o Gamma in the
//     eigenbasis (Gamma: emission rate below the diagonal, absorption above, the w -> 0 limit on
//     it), D = Lambda rho S - S Lambda rho + h.c. with S = X ("full") or S = L + L^+
//     ("transitions": the paper system's definition, no zero-frequency parts).
//   lindblad: explicit jumps, D = rate (2 A rho A^+ - {A^+ A, rho}).
// The Pauli transfer G_ij = 2^-n Tr(P_i L(P_j)) follows the sparse recipe transferTerms(n).

import { PRECISION } from '../core/constants.js';
import type { ModelName } from '../core/layout.js';
import { sideOf } from '../core/dimension.js';
import { pauliBasis } from '../algebra/pauli.js';
import { transferPartsLayout, transferTerms } from '../algebra/pauliTransfer.js';
import { operatorMatrix, type OperatorTerm, type SystemDefinition } from '../system/definition.js';
import { type Node, constantValue } from '../system/expr.js';
import { type CM, type Emitter, type Expr, type M, ONE, ZERO, addCM, dagger, div, hadamardCM, identity, isZero, lit, mapCM, mul, neg, sub, sum, sumCM, transpose } from './emitter.js';
import { eigh, upperPairs } from './linalg.js';
import { type SpectralKind, emitRatePair, occupationFunction, rateFunction, rateFunctionName } from './rates.js';

/** A choice fixed when the code is generated, or read at run time (a WGSL uniform). */
export type Choice = { constant: number } | { runtime: Expr };

export interface GeneratorOptions {
  model: ModelName;
  /** 0: statistics as the system defines them, 1: every reservoir boson, 2: every reservoir fermion */
  statistics: Choice;
  /** 1: zero-frequency rates take their w -> 0 limit ("limit"), 0: they are 0 ("zero") */
  zeroLimit: Choice;
  /** also emit the coefficients of the reservoirs' energy and particle currents */
  currents?: boolean;
  /** emit G (default true; false: only what the currents need) */
  generator?: boolean;
  /**
   * js64 only: G is not emitted entry by entry but computed at run time from the parts' values by
   * pauliTransferF64 (src/algebra/pauliTransfer.ts, in scope in the module) into the Float64Array of
   * this name; the returned G is then empty (for four qubits the unrolled G is tens of MB of code)
   */
  transferInto?: Expr;
}

/** +1 where a jump rate is an absorption rate of its reservoir, -1 an emission rate, else 0. */
function rateDirection(node: Node): number {
  if (node.kind === 'call' && (node.fn === 'emission' || node.fn === 'absorption')) return node.fn === 'absorption' ? 1 : -1;
  const kids = node.kind === 'neg' ? [node.arg] : node.kind === 'bin' ? [node.left, node.right] : node.kind === 'call' ? node.args : [];
  for (const c of kids) {
    const d = rateDirection(c);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The quanta reservoir q hands the system per unit time, absorptions minus emissions: a sandwich
 * X rho Y + h.c. has jump rate Tr(X rho Y + h.c.) = Tr(rho (Y X + X^+ Y^+)); its Pauli coefficients.
 * (For fermion leads these are the lead's particles: absorption at w takes one at w - mu.)
 */
function jumpRatePauli(em: Emitter, name: string, n: number, xs: CM[], ys: CM[], owner: number[], direction: number[], q: number): Expr[] {
  const terms: CM[] = [];
  owner.forEach((o, t) => {
    if (o !== q || direction[t] === 0) return;
    const yx = em.cproduct(`${name}yx${t}`, ys[t], xs[t], n);
    const sym = addCM(yx, dagger(yx, n));
    terms.push(direction[t] > 0 ? sym : mapCM(sym, neg));
  });
  const Q = em.cmatrix(`${name}m`, sumCM(terms, n), n);
  return pauliCoefficients(em, name, Q);
}

/** q_a = 2^-n Tr(P_a Q) = 2^-n Re sum_ij P_ij Q_ji of a Hermitian Q (2^n x 2^n). */
function pauliCoefficients(em: Emitter, name: string, Q: CM): Expr[] {
  const n = sideOf(Q.re);
  return pauliBasis(Math.log2(n)).strings.map((P, a) => {
    const tr: Expr[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (P.re[i * n + j] !== 0) tr.push(mul(lit(P.re[i * n + j]), Q.re[j * n + i]));
        if (P.im[i * n + j] !== 0) tr.push(mul(lit(-P.im[i * n + j]), Q.im[j * n + i]));
      }
    }
    const v = sum(tr);
    return isZero(v) ? ZERO : em.value(`${name}p${a}`, `${lit(1 / n)} * ${v}`);
  });
}

/** The reservoir a jump rate takes its rates from (the first emission/absorption(k, w) in it), or -1. */
function rateReservoir(node: Node): number {
  if (node.kind === 'call' && (node.fn === 'emission' || node.fn === 'absorption')) {
    const k = constantValue(node.args[0]);
    return k === undefined ? -1 : k - 1;
  }
  const kids = node.kind === 'neg' ? [node.arg] : node.kind === 'bin' ? [node.left, node.right] : node.kind === 'call' ? node.args : [];
  for (const c of kids) {
    const k = rateReservoir(c);
    if (k >= 0) return k;
  }
  return -1;
}

/**
 * q_a = 2^-n Tr(P_a D^+(A)) for the terms of reservoir `q`, with D(rho) = sum_t (X rho Y + h.c.) +
 * (K rho + h.c.), K = -sum_t(own) k_t:  D^+(A) = sum_t (Y A X + X^+ A Y^+) + A K + K^+ A.
 */
function adjointPauli(em: Emitter, name: string, A: CM, xs: CM[], ys: CM[], ks: CM[], owner: number[], q: number): Expr[] {
  const n = sideOf(A.re);
  const mine = owner.map((o, t) => (o === q ? t : -1)).filter((t) => t >= 0);
  const terms: CM[] = [];
  for (const t of mine) {
    const YA = em.cproduct(`${name}ya${t}`, ys[t], A, n);
    terms.push(em.cproduct(`${name}yax${t}`, YA, xs[t], n));
    const XtA = em.cproduct(`${name}xa${t}`, dagger(xs[t], n), A, n);
    terms.push(em.cproduct(`${name}xay${t}`, XtA, dagger(ys[t], n), n));
  }
  const Kn = em.cmatrix(`${name}k`, mapCM(sumCM(mine.map((t) => ks[t]), n), neg), n);
  terms.push(em.cproduct(`${name}ak`, A, Kn, n), em.cproduct(`${name}ka`, dagger(Kn, n), A, n));
  const Q = em.cmatrix(`${name}m`, sumCM(terms, n), n);
  return pauliCoefficients(em, name, Q);
}

/**
 * For each reservoir k, Pauli coefficients q with current = sum_a q_a r_a: `heat` of D_k^+(H)
 * (the energy current Tr(H D_k[rho])), `particles` of the jump rates (absorptions minus emissions).
 */
export interface EmittedCurrents {
  heat: Expr[][];
  particles: Expr[][];
  T: Expr[];
  mu: Expr[];
  /** 1.0 for a fermion reservoir */
  fermion: Expr[];
}


export interface EmittedGenerator {
  /** emits the reservoirs' current coefficients where it is called (a target may put it under a condition) */
  currents?: () => EmittedCurrents;
  /** G row-major, stateDim^2 entries (row 0 zero) */
  G: M;
  /** 1.0 at a level crossing where the i < j prescription is basis dependent */
  degenerate: Expr;
  /** helper functions the code calls (declare them once per module) */
  functions: string[];
}

/** Code for an expression of a system file; `env` gives the code of each name. */
export function emitExpr(em: Emitter, node: Node, env: (name: string) => Expr, call: (fn: string, args: Expr[], node: Node) => Expr): Expr {
  const c = constantValue(node);
  if (c !== undefined && Number.isFinite(c)) return lit(c);
  const rec = (n: Node): Expr => emitExpr(em, n, env, call);
  switch (node.kind) {
    case 'num':
      return lit(node.value);
    case 'name':
      return env(node.name);
    case 'neg':
      return neg(rec(node.arg));
    case 'bin': {
      const a = rec(node.left);
      if (node.op === '^') {
        const e = constantValue(node.right);
        if (e !== undefined && Number.isInteger(e) && Math.abs(e) <= 6 && e !== 0) {
          const base = em.value(em.fresh('pw'), a);
          const prod = `(${Array.from({ length: Math.abs(e) }, () => base).join(' * ')})`;
          return e > 0 ? prod : `(1.0 / ${prod})`;
        }
        if (e === 0) return ONE;
        if (e === 0.5) return `Math.sqrt(${a})`;
        return `Math.pow(${a}, ${rec(node.right)})`;
      }
      const b = rec(node.right);
      if (node.op === '+') return sum([a, b]);
      if (node.op === '-') return sub(a, b);
      if (node.op === '*') return `(${mul(a, b)})`;
      return div(a, b);
    }
    case 'call': {
      const args = node.args.map(rec);
      if (['sqrt', 'exp', 'log', 'sin', 'cos', 'abs'].includes(node.fn)) return `Math.${node.fn}(${args[0]})`;
      return call(node.fn, args, node);
    }
  }
}

/** The 2^n x 2^n matrix of an operator (a sum of Pauli/sigma+- strings), entries as code (imaginary ones 0 for a real operator). */
function operatorCode(em: Emitter, terms: OperatorTerm[], coefficient: (t: OperatorTerm) => Expr): CM {
  const entries = 4 ** terms[0].letters.length;
  const m: Expr[][] = Array.from({ length: entries }, () => []);
  const mi: Expr[][] = Array.from({ length: entries }, () => []);
  for (const t of terms) {
    const { re, im } = operatorMatrix([t], () => 1);
    const c = coefficient(t);
    for (let k = 0; k < entries; k++) if (re[k] !== 0) m[k].push(mul(lit(re[k]), c));
    for (let k = 0; k < entries; k++) if (im[k] !== 0) mi[k].push(mul(lit(im[k]), c));
  }
  return { re: m.map((ts) => sum(ts)), im: mi.map((ts) => sum(ts)) };
}

function choiceCode(em: Emitter, c: Choice): Expr {
  return 'constant' in c ? lit(c.constant) : c.runtime;
}

/** Emits the system's generator (reads the point's parameters through `read(name)`). */
export function emitSystemGenerator(em: Emitter, sys: SystemDefinition, opts: GeneratorOptions, read: { param(index: number): Expr; lindbladW: Expr }): EmittedGenerator {
  const tol = PRECISION[em.precision];
  const n = sys.amplitudes;
  const env = new Map<string, Expr>();
  sys.parameters.forEach((p, i) => env.set(p.name, em.value(`q_${p.name}`, read.param(i))));
  const lookup = (name: string): Expr => {
    const v = env.get(name);
    if (v === undefined) {
      if (name === 'w_lindblad') return read.lindbladW;
      throw new Error(`system ${sys.name}: unknown name ${name}`);
    }
    return v;
  };
  const functions = new Set<string>();

  function noCall(fn: string): Expr {
    throw new Error(`system ${sys.name}: ${fn}() is only allowed in jump rates`);
  }
  for (const d of sys.derived) env.set(d.name, em.value(`q_${d.name}`, emitExpr(em, d.expr, lookup, noCall)));
  const zeroLimit = em.value('zero_limit', choiceCode(em, opts.zeroLimit));

  // reservoir k: its rate function and per-point arguments
  const reservoirs = sys.reservoirs.map((r, k) => {
    const kind = r.spectralDensity.kind as SpectralKind;
    const sConst = constantValue(r.spectralDensity.s);
    functions.add(occupationFunction(em.dialect));
    functions.add(rateFunction(em.dialect, kind, sConst));
    const fn = rateFunctionName(kind, sConst);
    const e = (n: Node, what: string) => em.value(`res${k}_${what}`, emitExpr(em, n, lookup, noCall));
    const defined = r.statistics === 'fermion' ? 1 : 0;
    const st = opts.statistics;
    const fermion = 'constant' in st ? lit(st.constant === 0 ? defined : st.constant === 2 ? 1 : 0) : em.value(`res${k}_fermion`, em.sel(`${st.runtime} == 0u`, lit(defined), em.sel(`${st.runtime} == 2u`, ONE, ZERO)));
    const args = { alpha: e(r.spectralDensity.alpha, 'alpha'), wc: e(r.spectralDensity.omega_c, 'wc'), s: sConst === undefined ? e(r.spectralDensity.s, 's') : lit(sConst), T: e(r.T, 'T'), mu: e(r.mu, 'mu'), fermion };
    const rate = (emission: boolean, w: Expr) => `${fn}(${emission ? ONE : ZERO}, ${w}, ${args.alpha}, ${args.wc}, ${args.s}, ${args.T}, ${args.mu}, ${args.fermion}, ${zeroLimit})`;
    // both rates of one transition from one occupation
    const pair = (w: Expr, name: string): [Expr, Expr] => {
      const r = emitRatePair(em, name, kind, w, { alpha: args.alpha, wc: args.wc, s: sConst ?? args.s, T: args.T, mu: args.mu, fermion: args.fermion, zeroLimit });
      return [r.emission, r.absorption];
    };
    return { def: r, rate, pair, T: args.T, mu: args.mu, fermion: args.fermion };
  });
  const rateCall = (fn: string, args: Expr[], node: Node): Expr => {
    if (fn !== 'emission' && fn !== 'absorption') throw new Error(`system ${sys.name}: unknown function ${fn}`);
    const k = node.kind === 'call' ? constantValue(node.args[0]) : undefined;
    if (k === undefined || !reservoirs[k - 1]) throw new Error(`system ${sys.name}: ${fn}() needs a reservoir index 1..${reservoirs.length}`);
    return reservoirs[k - 1].rate(fn === 'emission', em.value(em.fresh('wj'), `Math.abs(${args[1]})`));
  };
  const coefficient = (t: OperatorTerm) => em.value(em.fresh('cf'), emitExpr(em, t.coefficient, lookup, noCall));

  const H = em.cmatrix('h', operatorCode(em, sys.hamiltonian, coefficient), n);
  const couplings = sys.reservoirs.map((r, k) => em.cmatrix(`x${k}`, operatorCode(em, r.coupling, coefficient), n));

  // the reservoir each sandwich term belongs to (-1: none), for the currents, and what its jumps do
  // to the reservoir: +1 the system absorbs a quantum from it, -1 emits one into it, 0 neither
  const owner: number[] = [];
  const direction: number[] = [];
  const xs: CM[] = [];
  const ys: CM[] = [];
  const ks: CM[] = [];
  let degenerate: Expr = ZERO;

  if (opts.model === 'lindblad') {
    // D = rate (2 A rho A^+ - {A^+ A, rho}) = (rate A) rho A^+ - A^+ (rate A) rho + h.c.
    sys.jumps.forEach((j, q) => {
      const A = em.cmatrix(`jump${q}`, operatorCode(em, j.op, coefficient), n);
      const rate = em.value(`jrate${q}`, emitExpr(em, j.rate, lookup, rateCall));
      const X = em.cmatrix(`jx${q}`, mapCM(A, (a) => mul(rate, a)), n);
      const At = dagger(A, n);
      xs.push(X);
      ys.push(At);
      ks.push(em.cproduct(`jk${q}`, At, X, n));
      owner.push(rateReservoir(j.rate));
      direction.push(rateDirection(j.rate));
    });
  } else {
    const { values: e, vectors: V } = eigh(em, 'eh', H);
    const Vt = dagger(V, n);
    const chi = couplings.map((X, k) => em.cproduct(`chi${k}`, em.cproduct(`chi${k}a`, Vt, X, n), V, n));
    // a level crossing where a coupling restricted to the crossing pair is not a multiple of the identity
    const deg = em.variable('degenerate', ZERO);
    degenerate = deg;
    const scale = em.value('escale', `Math.max(1.0, ${maxTree(e.map((x) => `Math.abs(${x})`))})`);
    for (const [i, j] of upperPairs(n)) {
      const off = chi
        .map((c) => [`Math.abs(${c.re[i * n + j]}) > ${lit(tol.degenerateCoupling)}`, ...(isZero(c.im[i * n + j]) ? [] : [`Math.abs(${c.im[i * n + j]}) > ${lit(tol.degenerateCoupling)}`]), `Math.abs(${c.re[i * (n + 1)]} - ${c.re[j * (n + 1)]}) > ${lit(tol.degenerateCoupling)}`].join(' || '))
        .join(' || ');
      em.open(`if (Math.abs(${e[i]} - ${e[j]}) <= ${lit(tol.degenerateEnergy)} * ${scale} && (${off})) {`);
      em.line(`${deg} = 1.0;`);
      em.close();
    }
    const back = (name: string, m: CM) => em.cproduct(name, em.cproduct(`${name}a`, V, m, n), Vt, n);
    const lower = (m: CM): CM => mapCM(m, (x, k) => (Math.floor(k / n) > k % n ? x : ZERO));
    reservoirs.forEach((res, q) => {
      // Gamma in the eigenbasis: [r][c], r > c: emission at E_c - E_r; [c][r]: absorption at the same w
      const gamma: M = identity(n).map(() => ZERO);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < r; c++) {
          const w = em.value(`w${q}_${r}${c}`, `${e[c]} - ${e[r]}`);
          [gamma[r * n + c], gamma[c * n + r]] = res.pair(w, `g${q}_${r}${c}`);
        }
      }
      const L = lower(chi[q]);
      const lc = back(`lc${q}`, L);
      const lct = dagger(lc, n);
      if (opts.model === 'redfield') {
        const A = back(`am${q}`, hadamardCM(L, gamma));
        const B = back(`bm${q}`, dagger(hadamardCM(L, transpose(gamma, n)), n));
        xs.push(A, B);
        ys.push(lct, lc);
        ks.push(em.cproduct(`kp${q}a`, lct, A, n), em.cproduct(`kp${q}b`, lc, B, n));
        owner.push(q, q);
        direction.push(-1, 1);
        return;
      }
      // bloch-redfield: Lambda = X o Gamma in three parts (emission below the diagonal,
      // absorption above, zero frequency on it), one sandwich each with the same S
      let S: CM;
      let inner: CM = addCM(L, dagger(L, n));
      let g0: Expr = ZERO;
      if (sys.blochRedfieldCoupling === 'full') {
        g0 = em.value(`gz${q}`, res.rate(true, ZERO));
        inner = chi[q];
        S = couplings[q];
      } else {
        S = em.cmatrix(`sb${q}`, addCM(lc, lct), n);
      }
      const part = (keep: (r: number, c: number) => boolean): CM => mapCM(inner, (x, k) => (keep(Math.floor(k / n), k % n) ? mul(x, Math.floor(k / n) === k % n ? g0 : gamma[k]) : ZERO));
      const pieces: [string, CM, number][] = [
        ['e', part((r, c) => r > c), -1],
        ['a', part((r, c) => r < c), 1],
        ['z', part((r, c) => r === c), 0],
      ];
      for (const [tag, m, dir] of pieces) {
        if (m.re.every(isZero) && m.im.every(isZero)) continue;
        const Lam = back(`lam${q}${tag}`, m);
        xs.push(Lam);
        ys.push(S);
        ks.push(em.cproduct(`kp${q}${tag}`, S, Lam, n));
        owner.push(q);
        direction.push(dir);
      }
    });
  }
  const K = em.cmatrix('k', mapCM(sumCM(ks, n), neg), n);
  const parts = { h: H, x: xs, y: ys, k: K };
  let G: M = [];
  if (opts.generator !== false && opts.transferInto !== undefined) transferAtRunTime(em, sys.qubits, parts, opts.transferInto);
  else if (opts.generator !== false) G = pauliTransfer(em, sys.qubits, parts);
  const currents = opts.currents
    ? () => ({
        heat: reservoirs.map((_, q) => adjointPauli(em, `qh${q}`, H, xs, ys, ks, owner, q)),
        particles: reservoirs.map((_, q) => jumpRatePauli(em, `qn${q}`, n, xs, ys, owner, direction, q)),
        T: reservoirs.map((r) => r.T),
        mu: reservoirs.map((r) => r.mu),
        fermion: reservoirs.map((r) => r.fermion),
      })
    : undefined;
  return { G, degenerate, functions: [...functions], currents };
}

/** Math.max of a list as a balanced tree: Math.max(Math.max(a, b), Math.max(c, d)) for four. */
function maxTree(xs: Expr[]): Expr {
  if (xs.length === 1) return xs[0];
  const half = Math.ceil(xs.length / 2);
  return `Math.max(${maxTree(xs.slice(0, half))}, ${maxTree(xs.slice(half))})`;
}

/** Emits the parts' values into a scratch array and the call of pauliTransferF64 that writes G into `into` (js64). */
function transferAtRunTime(em: Emitter, qubits: number, parts: { h: CM; x: CM[]; y: CM[]; k: CM }, into: Expr): void {
  if (em.dialect !== 'js64') throw new Error(`the generator is computed at run time in js64 only (not ${em.dialect})`);
  const layout = transferPartsLayout(qubits, parts.x.length);
  em.scratch('transferParts', { length: layout.length });
  em.line('transferParts.fill(0.0);');
  const put = (offset: number, m: M) => m.forEach((e, k) => isZero(e) || em.line(`transferParts[${offset + k}] = ${e};`));
  // C = K - iH
  put(layout.cRe, parts.k.re.map((x, k) => sum([x, parts.h.im[k]])));
  put(layout.cIm, parts.k.im.map((x, k) => sub(x, parts.h.re[k])));
  parts.x.forEach((X, t) => {
    put(layout.xRe(t), X.re);
    put(layout.xIm(t), X.im);
    put(layout.yRe(t), parts.y[t].re);
    put(layout.yIm(t), parts.y[t].im);
  });
  em.line(`pauliTransferF64(${qubits}, ${parts.x.length}, transferParts, ${into});`);
}

/** G (4^n x 4^n, row 0 zero) of an n-qubit system from the parts (2^n x 2^n) by the sparse recipe transferTerms(n). */
export function pauliTransfer(em: Emitter, qubits: number, parts: { h: CM; x: CM[]; y: CM[]; k: CM }): M {
  const A = 2 ** qubits;
  // S[a][l][b][k] = sum_t X_t[a][l] Y_t[b][k] (+ K[a][l] where b = k), its real and imaginary parts
  const S = new Map<number, Expr>();
  const Si = new Map<number, Expr>();
  const sandwich = (index: number, imaginary: boolean): Expr => {
    const cache = imaginary ? Si : S;
    let v = cache.get(index);
    if (v === undefined) {
      // index = ((a A + l) A + b) A + k: entries (a, l) of X and (b, k) of Y
      const al = Math.floor(index / (A * A));
      const bk = index % (A * A);
      const terms = imaginary
        ? parts.x.flatMap((X, t) => [mul(X.re[al], parts.y[t].im[bk]), mul(X.im[al], parts.y[t].re[bk])])
        : parts.x.map((X, t) => sub(mul(X.re[al], parts.y[t].re[bk]), mul(X.im[al], parts.y[t].im[bk])));
      if (bk % (A + 1) === 0) terms.push((imaginary ? parts.k.im : parts.k.re)[al]);
      v = em.value(`${imaginary ? 'Si' : 'S'}${index}`, sum(terms));
      cache.set(index, v);
    }
    return v;
  };
  const stateDim = A * A;
  const G: M = identity(stateDim).map(() => ZERO);
  for (const t of transferTerms(qubits)) {
    const ref = (source: 'S' | 'H', index: number, imaginary: boolean) => (source === 'S' ? sandwich(index, imaginary) : (imaginary ? parts.h.im : parts.h.re)[index]);
    const signed = (x: Expr, sign: number) => (sign < 0 ? neg(x) : x);
    const terms = [
      ...t.entries.map(({ index, sign }) => signed(ref(t.source, index, false), sign)),
      ...t.imaginary.entries.map(({ index, sign }) => signed(ref(t.imaginary.source, index, true), sign)),
    ];
    const total = sum(terms);
    G[t.i * stateDim + t.j] = isZero(total) ? ZERO : em.value(`g${t.i}_${t.j}`, `${lit(2 ** (1 - qubits))} * ${total}`);
  }
  return G;
}
