// Arithmetic expressions of system files: parsed once into a tree, evaluated per point, never eval().
// Grammar (lowest to highest precedence):
//   sum     := product (('+' | '-') product)*
//   product := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power            so -x^2 = -(x^2) and a*-b is allowed
//   power   := primary ('^' unary)?                 right-associative: a^b^c = a^(b^c), 2^-1 = 0.5
//   primary := number | name | name '(' sum (',' sum)* ')' | '(' sum ')'
// The name `pi` is the constant 3.14159..., folded into a number while parsing.

export type Node =
  | { kind: 'num'; value: number }
  | { kind: 'name'; name: string; col: number }
  | { kind: 'neg'; arg: Node }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/' | '^'; left: Node; right: Node }
  | { kind: 'call'; fn: string; args: Node[]; col: number };

export class ExprSyntaxError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'ExprSyntaxError';
  }
}

/** Built-in math functions: name -> arity. */
export const MATH_FUNCTIONS: Readonly<Record<string, number>> = Object.freeze({ sqrt: 1, exp: 1, log: 1, sin: 1, cos: 1, abs: 1 });

const MATH_IMPL: Readonly<Record<string, (x: number) => number>> = {
  sqrt: Math.sqrt,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  abs: Math.abs,
};

/** Named constants, replaced by their value at parse time (so no later stage needs to know them). */
export const CONSTANTS: Readonly<Record<string, number>> = Object.freeze({ pi: Math.PI });

export function isMathFunction(fn: string): boolean {
  return Object.prototype.hasOwnProperty.call(MATH_FUNCTIONS, fn);
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

type Token =
  | { type: 'num'; value: number; text: string; col: number }
  | { type: 'name'; name: string; col: number }
  | { type: 'op'; op: '+' | '-' | '*' | '/' | '^' | '(' | ')' | ','; col: number }
  | { type: 'end'; col: number };

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const col = i + 1;
    if (DIGIT.test(c) || (c === '.' && DIGIT.test(src[i + 1] ?? ''))) {
      let j = i;
      while (j < src.length && DIGIT.test(src[j])) j++;
      if (src[j] === '.') {
        j++;
        while (j < src.length && DIGIT.test(src[j])) j++;
      }
      if (src[j] === 'e' || src[j] === 'E') {
        let k = j + 1;
        if (src[k] === '+' || src[k] === '-') k++;
        if (!DIGIT.test(src[k] ?? '')) throw new ExprSyntaxError(`malformed number "${src.slice(i, k)}" (exponent without digits)`, col);
        while (k < src.length && DIGIT.test(src[k])) k++;
        j = k;
      }
      if (src[j] === '.') throw new ExprSyntaxError(`malformed number "${src.slice(i, j + 1)}"`, col);
      const text = src.slice(i, j);
      tokens.push({ type: 'num', value: Number(text), text, col });
      i = j;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < src.length && NAME_PART.test(src[j])) j++;
      tokens.push({ type: 'name', name: src.slice(i, j), col });
      i = j;
      continue;
    }
    if (c === '*' && src[i + 1] === '*') throw new ExprSyntaxError('unexpected "**" (write x^y for a power)', col);
    if (c === '+' || c === '-' || c === '*' || c === '/' || c === '^' || c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'op', op: c, col });
      i++;
      continue;
    }
    const code = src.codePointAt(i)!;
    // a minus sign or times sign pasted from a paper looks right but is not ASCII
    const hint = code === 0x2212 ? '; write the ASCII minus "-"' : code === 0xd7 || code === 0x22c5 ? '; write "*"' : '';
    throw new ExprSyntaxError(`unexpected character ${JSON.stringify(String.fromCodePoint(code))}${code > 0x7e ? ` (U+${code.toString(16).toUpperCase().padStart(4, '0')}${hint})` : ''}`, col);
  }
  tokens.push({ type: 'end', col: src.length + 1 });
  return tokens;
}

function describeToken(t: Token): string {
  switch (t.type) {
    case 'num':
      return `number ${t.text}`;
    case 'name':
      return `name "${t.name}"`;
    case 'op':
      return `"${t.op}"`;
    case 'end':
      return 'end of expression';
  }
}

// ---------------------------------------------------------------------------------------------
// Parser (recursive descent)

/** An expression beyond the size limits below (not a mistake of syntax). */
export class ExprLimitError extends ExprSyntaxError {}

/** The longest expression a system file may hold, in characters. */
export const MAX_EXPRESSION_LENGTH = 1000;
/**
 * The deepest expression tree (parentheses, signs, powers, and each term of a sum or product: a
 * flat sum of n terms is n deep). Every stage walks the tree recursively and the kernels nest
 * their code as deep (WGSL parsers stop at ~128 levels), so the depth is bounded here, once.
 */
export const MAX_EXPRESSION_DEPTH = 64;

/** Parses an expression; throws ExprSyntaxError with a 1-based column on any error. */
export function parseExpr(src: string): Node {
  if (src.length > MAX_EXPRESSION_LENGTH) throw new ExprLimitError(`expression of ${src.length} characters, more than the ${MAX_EXPRESSION_LENGTH} allowed`, MAX_EXPRESSION_LENGTH + 1);
  const tokens = tokenize(src);
  if (tokens.length === 1) throw new ExprSyntaxError('empty expression', 1);
  let pos = 0;
  const peek = (): Token => tokens[pos];
  const isOp = (t: Token, op: string): boolean => t.type === 'op' && t.op === op;
  // the parser's own recursion is bounded as it goes ("((((...", "----x"); the tree's depth
  // (a flat sum is as deep as it has terms) is checked once it is built
  let depth = 0;
  const deeper = <T>(col: number, f: () => T): T => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw new ExprLimitError(TOO_DEEP, col);
    try {
      return f();
    } finally {
      depth--;
    }
  };

  function sum(): Node {
    let left = product();
    for (;;) {
      const t = peek();
      if (t.type === 'op' && (t.op === '+' || t.op === '-')) {
        pos++;
        left = { kind: 'bin', op: t.op, left, right: deeper(t.col, product) };
      } else return left;
    }
  }

  function product(): Node {
    let left = unary();
    for (;;) {
      const t = peek();
      if (t.type === 'op' && (t.op === '*' || t.op === '/')) {
        pos++;
        left = { kind: 'bin', op: t.op, left, right: deeper(t.col, unary) };
      } else return left;
    }
  }

  function unary(): Node {
    const t = peek();
    if (isOp(t, '-')) {
      pos++;
      return { kind: 'neg', arg: deeper(t.col, unary) };
    }
    if (isOp(t, '+')) {
      pos++;
      return deeper(t.col, unary);
    }
    return power();
  }

  function power(): Node {
    const base = primary();
    if (isOp(peek(), '^')) {
      const t = peek();
      pos++;
      return { kind: 'bin', op: '^', left: base, right: deeper(t.col, unary) };
    }
    return base;
  }

  function primary(): Node {
    const t = peek();
    if (t.type === 'num') {
      pos++;
      return { kind: 'num', value: t.value };
    }
    if (t.type === 'name') {
      pos++;
      if (isOp(peek(), '(')) {
        const open = peek();
        pos++;
        const args: Node[] = [];
        if (isOp(peek(), ')')) throw new ExprSyntaxError(`${t.name}() needs an argument`, peek().col);
        for (;;) {
          args.push(deeper(open.col, sum));
          const sep = peek();
          if (isOp(sep, ',')) {
            pos++;
            continue;
          }
          if (isOp(sep, ')')) {
            pos++;
            break;
          }
          if (sep.type === 'end') throw new ExprSyntaxError(`unexpected end of expression (missing ")" for "(" at column ${open.col})`, sep.col);
          throw new ExprSyntaxError(`unexpected ${describeToken(sep)} (expected "," or ")")`, sep.col);
        }
        return { kind: 'call', fn: t.name, args, col: t.col };
      }
      if (Object.prototype.hasOwnProperty.call(CONSTANTS, t.name)) return { kind: 'num', value: CONSTANTS[t.name] };
      return { kind: 'name', name: t.name, col: t.col };
    }
    if (isOp(t, '(')) {
      pos++;
      const inner = deeper(t.col, sum);
      const close = peek();
      if (isOp(close, ')')) {
        pos++;
        return inner;
      }
      if (close.type === 'end') throw new ExprSyntaxError(`unexpected end of expression (missing ")" for "(" at column ${t.col})`, close.col);
      throw new ExprSyntaxError(`unexpected ${describeToken(close)} (expected ")")`, close.col);
    }
    throw new ExprSyntaxError(`unexpected ${describeToken(t)}`, t.col);
  }

  const node = sum();
  const rest = peek();
  if (rest.type !== 'end') throw new ExprSyntaxError(`unexpected ${describeToken(rest)}`, rest.col);
  if (treeDepth(node) > MAX_EXPRESSION_DEPTH) throw new ExprLimitError(TOO_DEEP, 1);
  return node;
}

const TOO_DEEP = `nested more than ${MAX_EXPRESSION_DEPTH} levels deep (parentheses, signs, powers and each term of a sum or product count)`;

/** The depth of a tree (a leaf is 1), without recursion. */
function treeDepth(root: Node): number {
  let deepest = 0;
  const stack: [Node, number][] = [[root, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    deepest = Math.max(deepest, d);
    if (n.kind === 'neg') stack.push([n.arg, d + 1]);
    else if (n.kind === 'bin') stack.push([n.left, d + 1], [n.right, d + 1]);
    else if (n.kind === 'call') for (const a of n.args) stack.push([a, d + 1]);
  }
  return deepest;
}

// ---------------------------------------------------------------------------------------------
// Queries

/** Visits every node, parents before children, left to right (source order). */
export function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  switch (node.kind) {
    case 'neg':
      walk(node.arg, visit);
      break;
    case 'bin':
      walk(node.left, visit);
      walk(node.right, visit);
      break;
    case 'call':
      for (const a of node.args) walk(a, visit);
      break;
    default:
      break;
  }
}

/** Names referenced (excluding function names), with the column of their first use. */
export function freeNames(node: Node): Map<string, number> {
  const found = new Map<string, number>();
  walk(node, (n) => {
    if (n.kind === 'name' && !(found.get(n.name)! <= n.col)) found.set(n.name, n.col);
  });
  return new Map([...found].sort((a, b) => a[1] - b[1]));
}

/** Calls referenced: fn name -> column of first use. */
export function calledFunctions(node: Node): Map<string, number> {
  const found = new Map<string, number>();
  walk(node, (n) => {
    if (n.kind === 'call' && !(found.get(n.fn)! <= n.col)) found.set(n.fn, n.col);
  });
  return new Map([...found].sort((a, b) => a[1] - b[1]));
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Math functions are built in; any other call goes to `call` (an Error if it is absent). */
export function evaluate(node: Node, env: (name: string) => number, call?: (fn: string, args: number[]) => number): number {
  const ev = (n: Node): number => {
    switch (n.kind) {
      case 'num':
        return n.value;
      case 'name':
        return env(n.name);
      case 'neg':
        return -ev(n.arg);
      case 'bin': {
        const a = ev(n.left);
        const b = ev(n.right);
        switch (n.op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return a / b;
          case '^':
            return Math.pow(a, b);
        }
        break;
      }
      case 'call': {
        const args = n.args.map(ev);
        if (isMathFunction(n.fn)) {
          if (args.length !== MATH_FUNCTIONS[n.fn]) throw new Error(`${n.fn} at column ${n.col} takes ${MATH_FUNCTIONS[n.fn]} argument(s) (got ${args.length})`);
          return MATH_IMPL[n.fn](args[0]);
        }
        if (!call) throw new Error(`unknown function "${n.fn}" at column ${n.col}`);
        return call(n.fn, args);
      }
    }
    throw new Error(`unknown expression node ${JSON.stringify(n)}`);
  };
  return ev(node);
}

/** Constant-folds: the number if the expression has no names (math functions allowed), else undefined. */
export function constantValue(node: Node): number | undefined {
  let constant = true;
  walk(node, (n) => {
    if (n.kind === 'name' || (n.kind === 'call' && (!isMathFunction(n.fn) || n.args.length !== MATH_FUNCTIONS[n.fn]))) constant = false;
  });
  if (!constant) return undefined;
  return evaluate(node, (name) => {
    throw new Error(`unreachable: name ${name} in a constant expression`);
  });
}

export interface AffineForm {
  constant: number;
  coefficients: Map<string, number>;
}

/**
 * The expression as an affine function of the given variables, or null if it is not affine (or uses
 * a call of a non-constant argument, or a call of a non-math function). `resolve` inlines a name that
 * is itself an expression (derived names); a name that is neither a variable nor resolvable throws.
 * Zero coefficients are dropped.
 */
export function affineForm(node: Node, isVariable: (name: string) => boolean, resolve: (name: string) => Node | undefined): AffineForm | null {
  const scale = (f: AffineForm, c: number): AffineForm => ({
    constant: f.constant * c,
    coefficients: new Map([...f.coefficients].map(([k, v]) => [k, v * c] as [string, number])),
  });
  const isConst = (f: AffineForm): boolean => f.coefficients.size === 0;
  const resolving: string[] = [];

  const af = (n: Node): AffineForm | null => {
    switch (n.kind) {
      case 'num':
        return { constant: n.value, coefficients: new Map() };
      case 'name': {
        if (isVariable(n.name)) return { constant: 0, coefficients: new Map([[n.name, 1]]) };
        const inner = resolve(n.name);
        if (inner === undefined) throw new Error(`unknown name "${n.name}" at column ${n.col}`);
        if (resolving.includes(n.name)) throw new Error(`name "${n.name}" is defined in terms of itself (${[...resolving, n.name].join(' -> ')})`);
        resolving.push(n.name);
        try {
          return af(inner);
        } finally {
          resolving.pop();
        }
      }
      case 'neg': {
        const a = af(n.arg);
        return a && scale(a, -1);
      }
      case 'bin': {
        const a = af(n.left);
        const b = af(n.right);
        if (!a || !b) return null;
        switch (n.op) {
          case '+':
          case '-': {
            const sign = n.op === '+' ? 1 : -1;
            const coefficients = new Map(a.coefficients);
            for (const [k, v] of b.coefficients) coefficients.set(k, (coefficients.get(k) ?? 0) + sign * v);
            for (const [k, v] of coefficients) if (v === 0) coefficients.delete(k);
            return { constant: a.constant + sign * b.constant, coefficients };
          }
          case '*':
            if (isConst(a)) return dropZeros(scale(b, a.constant));
            if (isConst(b)) return dropZeros(scale(a, b.constant));
            return null;
          case '/':
            if (!isConst(b)) return null;
            if (isConst(a)) return { constant: a.constant / b.constant, coefficients: new Map() };
            if (b.constant === 0) return null;
            return scale(a, 1 / b.constant);
          case '^':
            if (!isConst(b)) return null;
            if (isConst(a)) return { constant: Math.pow(a.constant, b.constant), coefficients: new Map() };
            return b.constant === 1 ? a : null;
        }
        return null;
      }
      case 'call': {
        if (!isMathFunction(n.fn)) return null;
        const args = n.args.map(af);
        if (args.some((x) => x === null || !isConst(x))) return null;
        const value = evaluate({ kind: 'call', fn: n.fn, args: args.map((x) => ({ kind: 'num', value: x!.constant })), col: n.col }, () => NaN);
        return { constant: value, coefficients: new Map() };
      }
    }
  };
  return af(node);
}

function dropZeros(f: AffineForm): AffineForm {
  for (const [k, v] of f.coefficients) if (v === 0) f.coefficients.delete(k);
  return f;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function precedence(n: Node): number {
  switch (n.kind) {
    case 'bin':
      return n.op === '+' || n.op === '-' ? 1 : n.op === '*' || n.op === '/' ? 2 : 4;
    case 'neg':
      return 3;
    case 'num':
      return n.value < 0 || Object.is(n.value, -0) ? 3 : 5;
    default:
      return 5;
  }
}

function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** Canonical text: single spaces around + - * /, none around ^, parentheses only where needed; for a tree from parseExpr, parseExpr(formatExpr(n)) gives the same tree. */
export function formatExpr(node: Node): string {
  const wrap = (n: Node, needed: boolean): string => (needed ? `(${formatExpr(n)})` : formatExpr(n));
  switch (node.kind) {
    case 'num':
      return formatNumber(node.value);
    case 'name':
      return node.name;
    case 'neg':
      // '--x' would parse, but '-(-x)' reads better; a negative literal is wrapped as well
      return `-${wrap(node.arg, precedence(node.arg) <= 3)}`;
    case 'call':
      return `${node.fn}(${node.args.map(formatExpr).join(', ')})`;
    case 'bin': {
      const p = precedence(node);
      if (node.op === '^') return `${wrap(node.left, precedence(node.left) <= 4)}^${wrap(node.right, precedence(node.right) < 3)}`;
      return `${wrap(node.left, precedence(node.left) < p)} ${node.op} ${wrap(node.right, precedence(node.right) <= p)}`;
    }
  }
}
