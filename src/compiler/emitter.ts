// A small emitter of straight-line scalar code, the one way physics reaches every backend: the
// same builder calls produce plain JavaScript (run in float64 by the cpu backend), the
// JavaScript subset gpu.js translates to GLSL (f32), and WGSL (f32). Every matrix is a set of
// named scalars and every product is unrolled here; entries that are known constants (0, 1,
// the 0/1 qubit operators) stay literals, so products with them cost nothing.
//
// Expressions are strings written in JavaScript syntax with `Math.f(...)` calls; `sel` is the
// only conditional expression. The WGSL dialect drops the `Math.` prefix at emission (WGSL has
// the same function names) and spells declarations `let`/`var`.

/** js64: plain JavaScript in float64; gpujs: gpu.js's JavaScript subset (f32 on the GPU); wgsl. */
export type Dialect = 'js64' | 'gpujs' | 'wgsl';

export const precisionOf = (d: Dialect): 'f64' | 'f32' => (d === 'js64' ? 'f64' : 'f32');

/** A scalar: a variable name, a float literal, or a parenthesised expression. */
export type Expr = string;
/** A square matrix, row-major, of scalars. */
export type M = Expr[];

export const ZERO = '0.0';
export const ONE = '1.0';

/** A float literal (always with a decimal point or exponent: gpu.js and WGSL type bare integers as int). */
export function lit(x: number): Expr {
  if (x === 0) return ZERO;
  if (!Number.isFinite(x)) throw new Error(`cannot emit the literal ${x}`);
  const s = Number.isInteger(x) && !/e/.test(String(x)) ? `${x}.0` : String(x);
  return x < 0 ? `(${s})` : s;
}

export const isZero = (e: Expr): boolean => e === ZERO;
const isOne = (e: Expr): boolean => e === ONE;
const isMinusOne = (e: Expr): boolean => e === '(-1.0)';

export function neg(a: Expr): Expr {
  if (isZero(a)) return ZERO;
  if (isOne(a)) return '(-1.0)';
  if (isMinusOne(a)) return ONE;
  return `(-${a})`;
}

export function mul(a: Expr, b: Expr): Expr {
  if (isZero(a) || isZero(b)) return ZERO;
  if (isOne(a)) return b;
  if (isOne(b)) return a;
  if (isMinusOne(a)) return neg(b);
  if (isMinusOne(b)) return neg(a);
  return `${a} * ${b}`;
}

/** Sum of terms; zeros dropped. Terms that are products stay unparenthesised (* binds tighter). */
export function sum(terms: Expr[]): Expr {
  const t = terms.filter((x) => !isZero(x));
  if (t.length === 0) return ZERO;
  if (t.length === 1) return t[0];
  return `(${t.join(' + ')})`;
}

export function sub(a: Expr, b: Expr): Expr {
  if (isZero(b)) return a;
  if (isZero(a)) return neg(b);
  return `(${a} - ${b})`;
}

export function div(a: Expr, b: Expr): Expr {
  if (isZero(a)) return ZERO;
  if (isOne(b)) return a;
  return `(${a} / ${b})`;
}

export function constMatrix(values: ArrayLike<number>): M {
  return Array.from(values, (v) => lit(v));
}

export const identity = (n: number): M => Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? ONE : ZERO));

export function transpose(a: M, n: number): M {
  return Array.from({ length: n * n }, (_, k) => a[(k % n) * n + Math.floor(k / n)]);
}

/** Element-wise a + b, s * a, a o b (no code: expressions). */
export const addM = (a: M, b: M): M => a.map((x, k) => sum([x, b[k]]));
export const scaleM = (s: Expr, a: M): M => a.map((x) => mul(s, x));
export const hadamardM = (a: M, b: M): M => a.map((x, k) => mul(x, b[k]));

/**
 * A complex square matrix as two real ones. A real operator has every `im` entry the literal 0,
 * so the code emitted for it is exactly the real arithmetic: every imaginary term folds away.
 */
export interface CM {
  re: M;
  im: M;
}

export const realCM = (a: M): CM => ({ re: a, im: a.map(() => ZERO) });
export const isRealCM = (a: CM): boolean => a.im.every(isZero);
/** Conjugate transpose. */
export const dagger = (a: CM, n: number): CM => ({ re: transpose(a.re, n), im: transpose(a.im, n).map(neg) });
export const addCM = (a: CM, b: CM): CM => ({ re: addM(a.re, b.re), im: addM(a.im, b.im) });
/** Element-wise product with a real matrix. */
export const hadamardCM = (a: CM, b: M): CM => ({ re: hadamardM(a.re, b), im: hadamardM(a.im, b) });
export const mapCM = (a: CM, f: (x: Expr, k: number) => Expr): CM => ({ re: a.re.map(f), im: a.im.map(f) });
/** Entry-wise sum of n x n complex matrices (none: zero). */
export const sumCM = (terms: CM[], n: number): CM => ({ re: identity(n).map((_, k) => sum(terms.map((m) => m.re[k]))), im: identity(n).map((_, k) => sum(terms.map((m) => m.im[k]))) });

export class Emitter {
  readonly lines: string[] = [];
  /** module-level declarations the code uses (js64 scratch arrays) */
  readonly declarations: string[] = [];
  private depth = 1;
  private counter = 0;
  /** the scratch CMat each product computed at run time is held in */
  private readonly held = new WeakMap<CM, string>();

  /**
   * atRunTime (js64 only): complex matrix products are computed by cmul (src/algebra/complex.ts,
   * in scope in the module) on scratch arrays instead of unrolled: a four-qubit system's 16 x 16
   * products are ~200 KB of code each unrolled.
   */
  constructor(
    readonly dialect: Dialect = 'gpujs',
    readonly atRunTime = false,
  ) {
    if (atRunTime && dialect !== 'js64') throw new Error(`run-time products are js64 only (not ${dialect})`);
  }

  get precision(): 'f64' | 'f32' {
    return precisionOf(this.dialect);
  }

  /** One statement (JavaScript syntax with Math.f calls; translated for WGSL). */
  line(s: string): void {
    this.lines.push('  '.repeat(this.depth) + (this.dialect === 'wgsl' ? s.replace(/Math\./g, '') : s));
  }

  open(s: string): void {
    this.line(s);
    this.depth++;
  }

  close(s = '}'): void {
    this.depth--;
    this.line(s);
  }

  /** `for (i = 0; i < n; i++) {` in the dialect; close it with close(). */
  loop(i: string, n: number): void {
    this.open(this.dialect === 'wgsl' ? `for (var ${i} = 0; ${i} < ${n}; ${i}++) {` : `for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
  }

  /** c ? a : b (both sides are evaluated in WGSL: keep them free of side effects). */
  sel(c: Expr, a: Expr, b: Expr): Expr {
    return this.dialect === 'wgsl' ? `select(${b}, ${a}, ${c})` : `(${c} ? ${a} : ${b})`;
  }

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** An immutable scalar unless expr is a literal or a plain name (then expr itself). */
  value(name: string, expr: Expr): Expr {
    if (/^\(?-?[0-9.]+(e[+-]?[0-9]+)?\)?$/.test(expr) || /^[A-Za-z_][A-Za-z0-9_]*$/.test(expr)) return expr;
    this.line(`${this.dialect === 'wgsl' ? 'let' : 'const'} ${name} = ${expr};`);
    return name;
  }

  /** A mutable scalar. */
  variable(name: string, expr: Expr): string {
    this.line(`${this.dialect === 'wgsl' ? 'var' : 'let'} ${name} = ${expr};`);
    return name;
  }

  /** Declares every non-constant entry as an immutable; constants stay literals. */
  matrix(name: string, m: M, n: number): M {
    return m.map((e, k) => this.value(`${name}_${Math.floor(k / n)}_${k % n}`, e));
  }

  /** Declares every entry as mutable (for matrices updated in loops); `keep` marks entries left constant. */
  mutableMatrix(name: string, m: M, n: number, keep: (i: number, j: number) => boolean = () => false): M {
    return m.map((e, k) => {
      const i = Math.floor(k / n);
      const j = k % n;
      return keep(i, j) ? e : this.variable(`${name}_${i}_${j}`, e);
    });
  }

  /** Matrix product (n x n), each entry an immutable. */
  product(name: string, a: M, b: M, n: number): M {
    const out: M = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const terms: Expr[] = [];
        for (let k = 0; k < n; k++) terms.push(mul(a[i * n + k], b[k * n + j]));
        out.push(this.value(`${name}_${i}_${j}`, sum(terms)));
      }
    }
    return out;
  }

  /** Complex entries declared as immutables: the real parts as matrix(name), the imaginary ones as matrix(name_im). */
  cmatrix(name: string, m: CM, n: number): CM {
    return { re: this.matrix(name, m.re, n), im: this.matrix(`${name}_im`, m.im, n) };
  }

  /** A module-level scratch (js64): a Float64Array of `length`, or a complex n x n matrix {re, im} with side n. */
  scratch(name: string, size: { length: number } | { side: number }): string {
    const array = (length: number) => `new Float64Array(${length})`;
    this.declarations.push(`const ${name} = ${'length' in size ? array(size.length) : `{ re: ${array(size.side ** 2)}, im: ${array(size.side ** 2)} }`};`);
    return name;
  }

  /** Complex matrix product; for real a and b the same code as product(name, a.re, b.re, n). */
  cproduct(name: string, a: CM, b: CM, n: number): CM {
    if (this.atRunTime && this.denseProduct(a, b, n)) return this.cproductAtRunTime(name, a, b, n);
    const re: M = [];
    const im: M = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const r: Expr[] = [];
        const rr: Expr[] = [];
        const x: Expr[] = [];
        for (let k = 0; k < n; k++) {
          r.push(mul(a.re[i * n + k], b.re[k * n + j]));
          rr.push(neg(mul(a.im[i * n + k], b.im[k * n + j])));
          x.push(mul(a.re[i * n + k], b.im[k * n + j]), mul(a.im[i * n + k], b.re[k * n + j]));
        }
        re.push(this.value(`${name}_${i}_${j}`, sum([...r, ...rr])));
        im.push(sum(x));
      }
    }
    return { re, im: this.matrix(`${name}_im`, im, n) };
  }

  /** More non-zero terms in the unrolled product than twice the entries copied to run it by cmul (a held operand is not copied). */
  private denseProduct(a: CM, b: CM, n: number): boolean {
    const nonZero = (m: CM) => m.re.map((x, k) => !isZero(x) || !isZero(m.im[k]));
    const [na, nb] = [nonZero(a), nonZero(b)];
    let terms = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (na[i * n + k]) for (let j = 0; j < n; j++) if (nb[k * n + j]) terms++;
    const copied = (m: CM, nz: boolean[]) => (this.held.has(m) ? 0 : nz.filter(Boolean).length);
    return terms > 2 * (copied(a, na) + copied(b, nb));
  }

  /** cproduct by cmul at run time; the entries of the result are read from its scratch (its imaginary part the literal 0 for real a and b). */
  private cproductAtRunTime(name: string, a: CM, b: CM, n: number): CM {
    const operand = (m: CM, tag: string): string => {
      const known = this.held.get(m);
      if (known) return known;
      const s = this.scratch(`${name}_${tag}`, { side: n });
      this.line(`${s}.re.fill(0.0);`);
      this.line(`${s}.im.fill(0.0);`);
      m.re.forEach((e, k) => isZero(e) || this.line(`${s}.re[${k}] = ${e};`));
      m.im.forEach((e, k) => isZero(e) || this.line(`${s}.im[${k}] = ${e};`));
      return s;
    };
    const out = this.scratch(name, { side: n });
    this.line(`cmul(${operand(a, 'a')}, ${operand(b, 'b')}, ${n}, ${out});`);
    // (for real a and b the scratch's imaginary part is exactly 0: the product can be an operand as it is)
    const real = isRealCM(a) && isRealCM(b);
    const product: CM = { re: a.re.map((_, k) => `${out}.re[${k}]`), im: a.im.map((_, k) => (real ? ZERO : `${out}.im[${k}]`)) };
    this.held.set(product, out);
    return product;
  }

  /** dst := src entry by entry, all right-hand sides evaluated before any assignment. */
  commit(dst: Expr[], src: Expr[]): void {
    const changed = dst.map((d, k) => /^[A-Za-z_]/.test(d) && d !== src[k]);
    const tmp = src.map((s, k) => (changed[k] ? (dst.includes(s) ? this.variable(this.fresh('u'), s) : this.value(this.fresh('u'), s)) : s));
    dst.forEach((d, k) => {
      if (changed[k]) this.line(`${d} = ${tmp[k]};`);
    });
  }

  swap(x: Expr, y: Expr): void {
    const t = this.value(this.fresh('w'), `${x} + 0.0`);
    this.line(`${x} = ${y};`);
    this.line(`${y} = ${t};`);
  }

  source(): string {
    return this.lines.join('\n');
  }
}

/**
 * A scalar function (numbers in, a number out) in the dialect: gpu.js adds it with addFunction,
 * WGSL declares it, js64 defines it in the module of the generated code.
 */
export function scalarFunction(dialect: Dialect, name: string, params: string[], body: (em: Emitter) => void): string {
  const em = new Emitter(dialect);
  body(em);
  const head = dialect === 'wgsl' ? `fn ${name}(${params.map((p) => `${p}: f32`).join(', ')}) -> f32 {` : `function ${name}(${params.join(', ')}) {`;
  return `${head}\n${em.source()}\n}`;
}
