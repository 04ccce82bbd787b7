// Generated WGSL: the fully unrolled parts of the kernels. Software adapters (llvmpipe,
// SwiftShader) run dynamically indexed private arrays ~5-100x slower than straight-line
// vec4/mat4x4 code, so loops over matrix indices are unrolled here, from the same tables the
// float64 code uses (PAULI_PERMUTATIONS via TRANSFER_TERMS): one definition of each formula.
//
// Conventions: a 16x16 matrix is a `Mat16` of 4x4 blocks b{I}{J} (block row I, block column J);
// WGSL matrices are column-major, so entry [r][c] of the mathematical matrix M is m[c][r], and
// G[4I + r][4J + c] lives in b{I}{J}[c][r]. A 16-vector is a `Vec16` of four vec4.

import { PAULI_PERMUTATIONS, PAULI_STRINGS } from '../../model/pauli.js';

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
  out.push('fn mat16_to_array(m: Mat16) -> array<f32, 256> {\n  var a: array<f32, 256>;');
  for (const I of R4) for (const J of R4) for (const c of R4) for (const r of R4) out.push(`  a[${(4 * I + r) * 16 + 4 * J + c}] = m.b${I}${J}[${c}][${r}];`);
  out.push('  return a;\n}');
  out.push('fn vec16_get(x: Vec16, i: u32) -> f32 {\n  switch (i >> 2u) {\n    case 0u: { return x.v0[i & 3u]; }\n    case 1u: { return x.v1[i & 3u]; }\n    case 2u: { return x.v2[i & 3u]; }\n    default: { return x.v3[i & 3u]; }\n  }\n}');
  return out.join('\n');
}

const PAIRS4: [number, number][] = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];

/** Rotation of columns p and q of a 4x4 matrix (the Hermitian Jacobi's building block). */
export function rotColsWgsl(): string {
  return [
    'fn rot_cols(m: mat4x4<f32>, p: u32, q: u32, c: f32, s: f32) -> mat4x4<f32> {',
    '  var r = m;',
    '  let cp = m[p];\n  let cq = m[q];',
    '  r[p] = c * cp - s * cq;\n  r[q] = s * cp + c * cq;\n  return r;\n}',
  ].join('\n');
}

/**
 * Cyclic Jacobi for a complex Hermitian 4x4 matrix H = re + i im (eigenvalues only, or with
 * vectors). Each rotation first turns h_pq real with a phase on column q, then rotates (p, q)
 * as in the real case: H' = U^H H U computed as B = H U, H' = B^H U.
 */
export function hermitianJacobiWgsl(): string {
  const out: string[] = [];
  out.push('struct CMat4 { re: mat4x4<f32>, im: mat4x4<f32> }');
  out.push('fn cmat4_mul(a: CMat4, b: CMat4) -> CMat4 { return CMat4(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re); }');
  out.push('fn cmat4_adjoint(a: CMat4) -> CMat4 { return CMat4(transpose(a.re), (-1.0) * transpose(a.im)); }');
  out.push('fn cphase_col(m: CMat4, q: u32, cs: f32, sn: f32) -> CMat4 {');
  out.push('  // column q times e^{-i phi}, cs = cos phi, sn = sin phi');
  out.push('  var r = m;\n  r.re[q] = m.re[q] * cs + m.im[q] * sn;\n  r.im[q] = m.im[q] * cs - m.re[q] * sn;\n  return r;\n}');
  out.push('fn crot_cols(m: CMat4, p: u32, q: u32, c: f32, s: f32) -> CMat4 { return CMat4(rot_cols(m.re, p, q, c, s), rot_cols(m.im, p, q, c, s)); }');
  for (const [p, q] of PAIRS4) for (const withVectors of [true, false]) {
    out.push(withVectors ? `fn hjacobi_rotate_${p}${q}(h: ptr<function, CMat4>, v: ptr<function, CMat4>) {` : `fn hjacobi_rotate_values_${p}${q}(h: ptr<function, CMat4>) {`);
    out.push(`  let x = (*h).re[${q}][${p}];\n  let y = (*h).im[${q}][${p}];`);
    // skip converged pairs, and scale before squaring: a subnormal x*x + y*y has few significant
    // bits, and a phase factor of the wrong modulus would make the transformation non-unitary
    out.push(`  let big = max(abs(x), abs(y));`);
    out.push(`  if (big <= 1e-30 || big <= 1e-9 * (abs((*h).re[${p}][${p}]) + abs((*h).re[${q}][${q}]))) { return; }`);
    out.push('  let xs = x / big;\n  let ys = y / big;');
    out.push('  let mag = big * sqrt(xs * xs + ys * ys);');
    out.push('  let cs = x / mag;\n  let sn = y / mag;');
    out.push(`  let theta = ((*h).re[${q}][${q}] - (*h).re[${p}][${p}]) / (2.0 * mag);`);
    out.push('  let t = select(-1.0, 1.0, theta >= 0.0) / (abs(theta) + sqrt(theta * theta + 1.0));');
    out.push('  let c = 1.0 / sqrt(t * t + 1.0); // inverseSqrt may be a low-precision estimate on some adapters\n  let s = t * c;');
    out.push(`  let b = crot_cols(cphase_col(*h, ${q}u, cs, sn), ${p}u, ${q}u, c, s);`);
    out.push(`  *h = crot_cols(cphase_col(cmat4_adjoint(b), ${q}u, cs, sn), ${p}u, ${q}u, c, s);`);
    if (withVectors) out.push(`  *v = crot_cols(cphase_col(*v, ${q}u, cs, sn), ${p}u, ${q}u, c, s);`);
    out.push('}');
  }
  // sweeps stop once the off-diagonal part is below f32 resolution (typically after 3-4 of 6)
  out.push('fn hermitian_off_diagonal_converged(h: CMat4) -> bool {');
  out.push(`  let off = ${PAIRS4.map(([p, q]) => `h.re[${q}][${p}] * h.re[${q}][${p}] + h.im[${q}][${p}] * h.im[${q}][${p}]`).join(' + ')};`);
  out.push('  let dia = h.re[0][0] * h.re[0][0] + h.re[1][1] * h.re[1][1] + h.re[2][2] * h.re[2][2] + h.re[3][3] * h.re[3][3];');
  out.push('  return off <= 1e-16 * dia;\n}');
  out.push('struct HEigen4 { values: vec4<f32>, vectors: CMat4 }');
  out.push('/** Eigenvalues (unsorted) and eigenvectors (columns) of a Hermitian 4x4 matrix. */');
  out.push('fn eigh4_hermitian(m: CMat4) -> HEigen4 {');
  out.push('  var h = m;\n  var v = CMat4(mat4x4<f32>(1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0), mat4x4<f32>());');
  out.push('  for (var sweep = 0u; sweep < 6u; sweep++) {');
  for (const [p, q] of PAIRS4) out.push(`    hjacobi_rotate_${p}${q}(&h, &v);`);
  out.push('    if (hermitian_off_diagonal_converged(h)) { break; }');
  out.push('  }');
  out.push('  return HEigen4(vec4<f32>(h.re[0][0], h.re[1][1], h.re[2][2], h.re[3][3]), v);\n}');
  out.push('/** Eigenvalues (unsorted) of a Hermitian 4x4 matrix: the same sweeps without the vectors. */');
  out.push('fn eigvalsh4_hermitian(m: CMat4) -> vec4<f32> {');
  out.push('  var h = m;');
  out.push('  for (var sweep = 0u; sweep < 6u; sweep++) {');
  for (const [p, q] of PAIRS4) out.push(`    hjacobi_rotate_values_${p}${q}(&h);`);
  out.push('    if (hermitian_off_diagonal_converged(h)) { break; }');
  out.push('  }');
  out.push('  return vec4<f32>(h.re[0][0], h.re[1][1], h.re[2][2], h.re[3][3]);\n}');
  return out.join('\n');
}

/**
 * fn cholesky4_psd(m: CMat4) -> CMat4: a lower-triangular L with L L^H = m for a Hermitian
 * positive semi-definite m; a pivot below 1e-7 tr(m) (rank deficiency, or rounding of it)
 * gives a zero column. Straight-line code (no iterations).
 */
export function choleskyWgsl(): string {
  const out: string[] = ['fn cholesky4_psd(m: CMat4) -> CMat4 {', '  var l: CMat4;', '  let tol = 1e-7 * max(m.re[0][0] + m.re[1][1] + m.re[2][2] + m.re[3][3], 1e-30);'];
  // entry (i, j) of a column-major matrix is [j][i]; L_ij = l.re[j][i] + i l.im[j][i]
  for (let j = 0; j < 4; j++) {
    const sumSq = Array.from({ length: j }, (_, k) => `l.re[${k}][${j}] * l.re[${k}][${j}] + l.im[${k}][${j}] * l.im[${k}][${j}]`);
    out.push(`  let d${j} = m.re[${j}][${j}]${sumSq.length ? ` - (${sumSq.join(' + ')})` : ''};`);
    out.push(`  let p${j} = select(0.0, sqrt(max(d${j}, 0.0)), d${j} > tol);`);
    out.push(`  let inv${j} = select(0.0, 1.0 / p${j}, d${j} > tol);`);
    out.push(`  l.re[${j}][${j}] = p${j};`);
    for (let i = j + 1; i < 4; i++) {
      // (m_ij - sum_k L_ik conj(L_jk)) / L_jj
      const re = Array.from({ length: j }, (_, k) => `l.re[${k}][${i}] * l.re[${k}][${j}] + l.im[${k}][${i}] * l.im[${k}][${j}]`);
      const im = Array.from({ length: j }, (_, k) => `l.im[${k}][${i}] * l.re[${k}][${j}] - l.re[${k}][${i}] * l.im[${k}][${j}]`);
      out.push(`  l.re[${j}][${i}] = (m.re[${j}][${i}]${re.length ? ` - (${re.join(' + ')})` : ''}) * inv${j};`);
      out.push(`  l.im[${j}][${i}] = (m.im[${j}][${i}]${im.length ? ` - (${im.join(' + ')})` : ''}) * inv${j};`);
    }
  }
  out.push('  return l;', '}');
  return out.join('\n');
}

/** fn density_from_vec16(x: Vec16) -> CMat4: rho = (1/4) sum_i r_i P_i, from PAULI_STRINGS. */
export function densityWgsl(): string {
  const comp = (i: number) => `x.v${i >> 2}[${i & 3}]`;
  const entry = (part: 're' | 'im', r: number, c: number) => {
    const terms: string[] = [];
    PAULI_STRINGS.forEach((p, i) => {
      const v = p[part][r * 4 + c];
      if (v !== 0) terms.push(`${v < 0 ? '-' : '+'} ${comp(i)}`);
    });
    return terms.length ? `0.25 * (${terms.join(' ').replace(/^\+ /, '')})` : '0.0';
  };
  const mat = (part: 're' | 'im') => `mat4x4<f32>(${R4.map((c) => R4.map((r) => entry(part, r, c)).join(', ')).join(', ')})`;
  return `fn density_from_vec16(x: Vec16) -> CMat4 {\n  return CMat4(${mat('re')}, ${mat('im')});\n}`;
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
  return [mat16Wgsl(), rotColsWgsl(), hermitianJacobiWgsl(), choleskyWgsl(), densityWgsl(), pureStateWgsl(), steadySolveWgsl()].join('\n\n');
}
