// The gpu.js kernel of the webgl backend: the per-point computation of the WGSL "leap" program
// (the system's generator from src/compiler, propagate.wgsl, observables.wgsl, kernels/leap.wgsl),
// generated as straight-line scalar JavaScript: the generator by the same emitter calls as the
// WGSL and the float64 code, the rest from the same tables (PAULI_STRINGS, PAULI_PERMUTATIONS). gpu.js translates it to
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

import { emitDefaultStep, emitLeapSteps } from '../../compiler/steps.js';
import { FLAG_BITS, LEAP_ORDER, SINGULAR_PIVOT } from '../../core/constants.js';
import { ROW } from '../../core/layout.js';
import { type Expr, type M, Emitter, ONE, ZERO, identity, isZero, lit, mul, neg, sub, sum } from '../../compiler/emitter.js';
import { emitSystemGenerator } from '../../compiler/generator.js';
import { emitBattery, emitConcurrence } from '../../compiler/observables.js';
import type { ModelName, Reservoir, ZeroFreq } from '../../model/params.js';
import { PAULI_PERMUTATIONS } from '../../algebra/pauli.js';
import type { SystemDefinition } from '../../system/definition.js';
import { systemKey } from '../../system/registry.js';

export interface KernelSpec {
  system: SystemDefinition;
  model: ModelName;
  reservoir: Reservoir | undefined;
  zeroFreq: ZeroFreq;
  /** concurrence at tau / of the steady state (skipped when not asked for) */
  concurrence: boolean;
  steadyConcurrence: boolean;
}

export interface KernelSource {
  /** the kernel: function (params) {...}; params[point][0..PARAM_STRIDE) (src/core/layout.ts ROW) */
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

const FLAG = { degenerate: FLAG_BITS.degenerate, bistable: FLAG_BITS.bistable, zeroEnergy: FLAG_BITS['zero-energy'], nonFinite: FLAG_BITS['non-finite'] };

export function kernelKey(s: KernelSpec): string {
  return [s.model, s.reservoir ?? '', s.zeroFreq, s.concurrence ? 'c' : '', s.steadyConcurrence ? 's' : '', systemKey(s.system)].join(':');
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

/** The concurrence as a gpu.js function of the 16 components (src/compiler/observables.ts). */
export function concurrenceFunction(): string {
  const em = new Emitter('gpujs');
  const r = Array.from({ length: 16 }, (_, i) => `r${i}`);
  em.line(`return ${emitConcurrence(em, r)};`);
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
  // the unrolled kernel below is the two-qubit one (ROW, 16 components, the concurrence)
  if (spec.system.qubits !== 2) throw new Error(`system ${spec.system.name}: the gpu.js kernel is generated for 2 qubits (got ${spec.system.qubits})`);
  const em = new Emitter('gpujs');
  const slot = (k: number) => `params[this.thread.x][${k}]`;
  const p = { tau: em.value('p_tau', slot(ROW.tau)), dt: em.value('p_dt', slot(ROW.dt)) };
  const psiRe = [0, 1, 2, 3].map((k) => em.value(`pr${k}`, slot(ROW.psiRe + k)));
  const psiIm = [0, 1, 2, 3].map((k) => em.value(`pi${k}`, slot(ROW.psiIm + k)));

  const gen = emitSystemGenerator(
    em,
    spec.system,
    { model: spec.model, statistics: { constant: spec.reservoir === undefined ? 0 : spec.reservoir === 'boson' ? 1 : 2 }, zeroLimit: { constant: spec.zeroFreq === 'limit' ? 1 : 0 } },
    { param: (i) => slot(ROW.params + i), lindbladW: slot(ROW.lindbladW) },
  );
  const parts = { degenerate: gen.degenerate };
  const G = gen.G;
  const gNorm = normInf(em, 'gnorm', G);

  // the step: h0 = dt, else min(0.2, 1/||G||) (default_step); h = tau / n with n = ceil(tau / h0)
  // (src/compiler/steps.ts: the same plan as every other backend)
  const h0 = em.value('h0', em.sel(`${p.dt} > 0.0`, p.dt, emitDefaultStep(em, 'hdefault', gNorm)));
  const nSteps = emitLeapSteps(em, 'nSteps', p.tau, h0);
  const h = em.value('h', em.sel(`${nSteps} > 0.0`, `${p.tau} / ${nSteps}`, h0));

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
  em.commit(d, d.map((_, i) => (i === 0 ? ONE : sum(d.map((x, j) => mul(X[i * 16 + j], x))))));
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
  em.commit(X, P.map((x, kk) => (kk < 16 ? x : `${kk % 17 === 0 ? 'taylor + ' : ''}scaleP * ${x}`)));
  em.close();

  // ||A^(2^K)||_inf on the traceless part bounds |eig|^n: < exp(-10) proves stationarity at tau
  const bound = em.variable('bound', '3.0e38');
  em.open(`if (${solvable} > 0.5 && ${nSteps} > 0.5) {`);
  em.line(`${bound} = ${normInf(em, 'bnorm', X, 1)};`);
  em.close();
  const r = d.map((x, i) => (i === 0 ? ONE : em.value(`rt${i}`, `${rss[i]} + ${x}`)));

  const b = emitBattery(em, 'bt', r);
  const finite = em.variable('finite', ONE);
  for (let i = 1; i < 16; i++) em.line(`${finite} = Math.min(${finite}, Math.abs(${r[i]}) <= 3.0e38 ? 1.0 : 0.0);`);
  const conc = spec.concurrence ? em.value('conc', `concurrence(${r.join(', ')})`) : ZERO;

  // the steady state's observables (meaningful where solvable; the host blanks the rest)
  const sb = emitBattery(em, 'sb', rss);
  const sconc = spec.steadyConcurrence ? em.variable('sconc', ZERO) : ZERO;
  if (spec.steadyConcurrence) {
    em.open(`if (${solvable} > 0.5) {`);
    em.line(`${sconc} = concurrence(${rss.join(', ')});`);
    em.close();
  }
  const flags = em.value('flags', `${parts.degenerate} * ${FLAG.degenerate}.0 + ${b.zeroEnergy} * ${FLAG.zeroEnergy}.0 + (1.0 - ${finite}) * ${FLAG.nonFinite}.0`);
  const out = (o: string, v: Expr[]) => em.line(`${o}(${v.join(', ')});`);
  out('o1', r.slice(4, 8));
  out('o2', r.slice(8, 12));
  out('o3', r.slice(12, 16));
  out('o4', [b.efficiency, b.energy, b.ergotropy, conc]);
  out('o5', [sb.efficiency, sb.energy, sb.ergotropy, sconc]);
  out('o6', [`2.0 - ${solvable}`, flags, h, `(1.0 - ${solvable}) * ${FLAG.bistable}.0`]);
  out('o7', [bound, ZERO, ZERO, ZERO]);
  em.line(`return [1.0, ${r[1]}, ${r[2]}, ${r[3]}];`);
  const functions = [...gen.functions];
  if (spec.concurrence || spec.steadyConcurrence) functions.push(concurrenceFunction());
  return {
    kernel: `function (params) {\n${em.source()}\n}`,
    functions,
    outputs: OUTPUT_MAPS.map((o) => `function ${o}(a, b, c, d) {\n  return [a, b, c, d];\n}`),
    key: kernelKey(spec),
  };
}
