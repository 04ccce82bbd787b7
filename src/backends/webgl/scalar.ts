// A small emitter of straight-line scalar code in the JavaScript subset gpu.js translates to
// GLSL: gpu.js kernels have numbers and vec2..vec4 but no arrays, so every matrix of the
// per-point computation is a set of named scalars, and every product is unrolled here.
// Entries that are known constants (0, 1, the 0/1 qubit operators) stay literals, so products
// with them cost nothing.

/** A scalar: a variable name, a float literal, or a parenthesised expression. */
export type Expr = string;
/** A square matrix, row-major, of scalars. */
export type M = Expr[];

export const ZERO = '0.0';
export const ONE = '1.0';

/** A float literal (always with a decimal point or exponent: gpu.js types bare integers as int). */
export function lit(x: number): Expr {
  if (x === 0) return ZERO;
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

export function constMatrix(values: ArrayLike<number>): M {
  return Array.from(values, (v) => lit(v));
}

export const identity = (n: number): M => Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? ONE : ZERO));

export function transpose(a: M, n: number): M {
  return Array.from({ length: n * n }, (_, k) => a[(k % n) * n + Math.floor(k / n)]);
}

export class Emitter {
  readonly lines: string[] = [];
  private depth = 1;
  private counter = 0;

  line(s: string): void {
    this.lines.push('  '.repeat(this.depth) + s);
  }

  open(s: string): void {
    this.line(s);
    this.depth++;
  }

  close(s = '}'): void {
    this.depth--;
    this.line(s);
  }

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** `const name = expr;` unless expr is a literal or a plain name (then expr itself). */
  value(name: string, expr: Expr): Expr {
    if (/^\(?-?[0-9.]+(e[+-]?[0-9]+)?\)?$/.test(expr) || /^[A-Za-z_][A-Za-z0-9_]*$/.test(expr)) return expr;
    this.line(`const ${name} = ${expr};`);
    return name;
  }

  /** A mutable scalar: `let name = expr;`. */
  variable(name: string, expr: Expr): string {
    this.line(`let ${name} = ${expr};`);
    return name;
  }

  /** Declares every non-constant entry as a const; constants stay literals. */
  matrix(name: string, m: M, n: number): M {
    return m.map((e, k) => this.value(`${name}_${Math.floor(k / n)}_${k % n}`, e));
  }

  /** Declares every entry as a `let` (for matrices updated in loops); `keep` marks entries left constant. */
  mutableMatrix(name: string, m: M, n: number, keep: (i: number, j: number) => boolean = () => false): M {
    return m.map((e, k) => {
      const i = Math.floor(k / n);
      const j = k % n;
      return keep(i, j) ? e : this.variable(`${name}_${i}_${j}`, e);
    });
  }

  /** Matrix product (n x n), each entry a const. */
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

  source(): string {
    return this.lines.join('\n');
  }
}

/** Element-wise a + b, a - b, s * a (no code: expressions). */
export const addM = (a: M, b: M): M => a.map((x, k) => sum([x, b[k]]));
export const scaleM = (s: Expr, a: M): M => a.map((x) => mul(s, x));
export const hadamardM = (a: M, b: M): M => a.map((x, k) => mul(x, b[k]));
