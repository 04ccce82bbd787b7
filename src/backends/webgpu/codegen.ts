// Generated WGSL: the fully unrolled parts of the kernels. Software adapters (llvmpipe,
// SwiftShader) run dynamically indexed private arrays ~5-100x slower than straight-line
// vec4/mat4x4 code, so loops over matrix indices are unrolled here, from the same tables the
// float64 code uses (PAULI_PERMUTATIONS via TRANSFER_TERMS): one definition of each formula.
//
// Conventions: a 16x16 matrix is a `Mat16` of 4x4 blocks b{I}{J} (block row I, block column J);
// WGSL matrices are column-major, so entry [r][c] of the mathematical matrix M is m[c][r], and
// G[4I + r][4J + c] lives in b{I}{J}[c][r]. A 16-vector is a `Vec16` of four vec4.

import { PAULI_PERMUTATIONS } from '../../algebra/pauli.js';
import { stepFunctions } from '../../compiler/steps.js';

const R4 = [0, 1, 2, 3];

/** Mat16 / Vec16 types and their unrolled algebra. */
export function mat16Wgsl(): string {
  const blocks = R4.flatMap((I) => R4.map((J) => `b${I}${J}`));
  const out: string[] = [];
  out.push(`struct Mat16 { ${blocks.map((b) => `${b}: mat4x4<f32>`).join(', ')} }`);
  out.push('struct Vec16 { v0: vec4<f32>, v1: vec4<f32>, v2: vec4<f32>, v3: vec4<f32> }');
  // product
  out.push('fn mat16_mul(a: Mat16, b: Mat16) -> Mat16 {\n  var c: Mat16;');
  for (const I of R4) for (const J of R4) out.push(`  c.b${I}${J} = ${R4.map((K) => `a.b${I}${K} * b.b${K}${J}`).join(' + ')};`);
  out.push('  return c;\n}');
  // matrix-vector
  out.push('fn mat16_vec(a: Mat16, x: Vec16) -> Vec16 {\n  var y: Vec16;');
  for (const I of R4) out.push(`  y.v${I} = ${R4.map((J) => `a.b${I}${J} * x.v${J}`).join(' + ')};`);
  out.push('  return y;\n}');
  // a*x + y for matrices (used by the RK4 polynomial)
  out.push('fn mat16_axpy(s: f32, x: Mat16, y: Mat16) -> Mat16 {\n  var c: Mat16;');
  for (const b of blocks) out.push(`  c.${b} = s * x.${b} + y.${b};`);
  out.push('  return c;\n}');
  out.push('fn mat16_scale(s: f32, x: Mat16) -> Mat16 {\n  var c: Mat16;');
  for (const b of blocks) out.push(`  c.${b} = s * x.${b};`);
  out.push('  return c;\n}');
  out.push('fn mat16_identity() -> Mat16 {\n  var c: Mat16;');
  for (const I of R4) out.push(`  c.b${I}${I} = mat4x4<f32>(1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0);`);
  out.push('  return c;\n}');
  // row 00 := (1, 0, ..., 0): r_00 is never evolved (MODEL.md "float32")
  out.push('fn mat16_fix_trace_row(m: Mat16) -> Mat16 {\n  var c = m;');
  out.push('  c.b00[0][0] = 1.0; c.b00[1][0] = 0.0; c.b00[2][0] = 0.0; c.b00[3][0] = 0.0;');
  for (const J of [1, 2, 3]) out.push(`  c.b0${J}[0][0] = 0.0; c.b0${J}[1][0] = 0.0; c.b0${J}[2][0] = 0.0; c.b0${J}[3][0] = 0.0;`);
  out.push('  return c;\n}');
  // infinity norm (largest absolute row sum)
  out.push('fn mat16_norm_inf(m: Mat16) -> f32 {');
  out.push('  let one = vec4<f32>(1.0);');
  out.push('  var rows = vec4<f32>(0.0);\n  var best = 0.0;');
  for (const I of R4) {
    out.push(`  rows = ${R4.map((J) => `abs(m.b${I}${J}[0]) + abs(m.b${I}${J}[1]) + abs(m.b${I}${J}[2]) + abs(m.b${I}${J}[3])`).join(' + ')};`);
    out.push('  best = max(best, max(max(rows.x, rows.y), max(rows.z, rows.w)));');
  }
  out.push('  return best;\n}');
  // every entry finite: NaN and inf fail |x| <= 3e38 (as in vec16_finite); & evaluates all, no branches
  out.push(`fn mat16_finite(m: Mat16) -> bool {\n  let lim = vec4<f32>(3.0e38);\n  return ${blocks.flatMap((b) => R4.map((c) => `all(abs(m.${b}[${c}]) <= lim)`)).join(' & ')};\n}`);
  out.push('fn mat16_to_array(m: Mat16) -> array<f32, 256> {\n  var a: array<f32, 256>;');
  for (const I of R4) for (const J of R4) for (const c of R4) for (const r of R4) out.push(`  a[${(4 * I + r) * 16 + 4 * J + c}] = m.b${I}${J}[${c}][${r}];`);
  out.push('  return a;\n}');
  out.push('fn vec16_get(x: Vec16, i: u32) -> f32 {\n  switch (i >> 2u) {\n    case 0u: { return x.v0[i & 3u]; }\n    case 1u: { return x.v1[i & 3u]; }\n    case 2u: { return x.v2[i & 3u]; }\n    default: { return x.v3[i & 3u]; }\n  }\n}');
  return out.join('\n');
}

/**
 * fn solve_steady(g: Mat16) -> Steady: the steady state r with r_00 = 1 and (G r)_i = 0 for
 * i >= 1, i.e. G' r = e0 with row 00 of G replaced by e0. Gaussian elimination with partial
 * pivoting, unrolled (rows are Vec16 values). min_pivot reports how close G' is to singular.
 */
export function steadySolveWgsl(): string {
  const out: string[] = [];
  const el = (row: number, col: number) => `r${row}.v${col >> 2}[${col & 3}]`;
  out.push('struct Steady { r: Vec16, min_pivot: f32 }');
  out.push('fn vec16_axpy(a: f32, x: Vec16, y: Vec16) -> Vec16 { return Vec16(a * x.v0 + y.v0, a * x.v1 + y.v1, a * x.v2 + y.v2, a * x.v3 + y.v3); }');
  out.push('fn vec16_dot(x: Vec16, y: Vec16) -> f32 { return dot(x.v0, y.v0) + dot(x.v1, y.v1) + dot(x.v2, y.v2) + dot(x.v3, y.v3); }');
  out.push('fn vec16_select(f: Vec16, t: Vec16, c: bool) -> Vec16 { return Vec16(select(f.v0, t.v0, c), select(f.v1, t.v1, c), select(f.v2, t.v2, c), select(f.v3, t.v3, c)); }');
  out.push('fn solve_steady(g: Mat16) -> Steady {');
  // rows of G: row 4I + r is (transpose(b{I}0)[r], ..., transpose(b{I}3)[r])
  for (const I of R4) out.push(`  let t${I}0 = transpose(g.b${I}0); let t${I}1 = transpose(g.b${I}1); let t${I}2 = transpose(g.b${I}2); let t${I}3 = transpose(g.b${I}3);`);
  out.push('  var r0 = Vec16(vec4<f32>(1.0, 0.0, 0.0, 0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));');
  out.push('  var b0 = 1.0;');
  for (let i = 1; i < 16; i++) {
    const I = i >> 2;
    const r = i & 3;
    out.push(`  var r${i} = Vec16(t${I}0[${r}], t${I}1[${r}], t${I}2[${r}], t${I}3[${r}]);\n  var b${i} = 0.0;`);
  }
  out.push('  var min_pivot = 3.0e38;\n  var piv = 0u;\n  var best = 0.0;');
  for (let c = 0; c < 16; c++) {
    out.push(`  // column ${c}`);
    if (c < 15) {
      out.push(`  piv = ${c}u;\n  best = abs(${el(c, c)});`);
      for (let r = c + 1; r < 16; r++) out.push(`  if (abs(${el(r, c)}) > best) { best = abs(${el(r, c)}); piv = ${r}u; }`);
      for (let r = c + 1; r < 16; r++) {
        out.push(`  if (piv == ${r}u) { let tr = r${c}; r${c} = r${r}; r${r} = tr; let tb = b${c}; b${c} = b${r}; b${r} = tb; }`);
      }
    }
    out.push(`  min_pivot = min(min_pivot, abs(${el(c, c)}));`);
    for (let r = c + 1; r < 16; r++) {
      out.push(`  { let f = -${el(r, c)} / ${el(c, c)}; r${r} = vec16_axpy(f, r${c}, r${r}); b${r} = b${r} + f * b${c}; }`);
    }
  }
  out.push('  var x = Vec16(vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0), vec4<f32>(0.0));');
  for (let c = 15; c >= 0; c--) out.push(`  x.v${c >> 2}[${c & 3}] = (b${c} - vec16_dot(r${c}, x)) / ${el(c, c)};`);
  out.push('  x.v0[0] = 1.0;');
  out.push('  return Steady(x, min_pivot);\n}');
  return out.join('\n');
}

/** fn vec16_from_pure(re: vec4, im: vec4) -> Vec16: r_i = <psi|P_i|psi>, from PAULI_PERMUTATIONS. */
export function pureStateWgsl(): string {
  const comp = (i: number) => {
    const p = PAULI_PERMUTATIONS[i];
    const terms: string[] = [];
    for (let k = 0; k < 4; k++) {
      const m = p.perm[k];
      // Re[conj(psi_k) phase psi_m] = pr (a_k a_m + b_k b_m) - pi (a_k b_m - b_k a_m)
      if (p.phaseRe[k] !== 0) terms.push(`${p.phaseRe[k] < 0 ? '-' : '+'} (re[${k}] * re[${m}] + im[${k}] * im[${m}])`);
      if (p.phaseIm[k] !== 0) terms.push(`${p.phaseIm[k] > 0 ? '-' : '+'} (re[${k}] * im[${m}] - im[${k}] * re[${m}])`);
    }
    return terms.join(' ').replace(/^\+ /, '');
  };
  const v = (I: number) => `vec4<f32>(${R4.map((r) => comp(4 * I + r)).join(', ')})`;
  return `fn vec16_from_pure(re: vec4<f32>, im: vec4<f32>) -> Vec16 {\n  return Vec16(${R4.map(v).join(', ')});\n}`;
}

/** Every generated snippet, in dependency order. */
export function generatedWgsl(): string {
  return [mat16Wgsl(), pureStateWgsl(), steadySolveWgsl(), `// the leap's step plan: src/compiler/steps.ts\n${stepFunctions('wgsl')}`].join('\n\n');
}
