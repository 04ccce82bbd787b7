// The expression language of system files: parsing, precedence, errors with columns, evaluation,
// affine forms and canonical formatting, each checked against hand-computed values.

import { describe, expect, it } from 'vitest';
import { ExprSyntaxError, type Node, affineForm, calledFunctions, constantValue, evaluate, formatExpr, freeNames, parseExpr } from '../../src/system/expr.js';

const env = (values: Record<string, number>) => (name: string): number => {
  if (!(name in values)) throw new Error(`no value for ${name}`);
  return values[name];
};
const value = (src: string, values: Record<string, number> = {}): number => evaluate(parseExpr(src), env(values));

/** The tree without source columns (formatting moves them). */
function strip(n: Node): unknown {
  switch (n.kind) {
    case 'num':
      return n;
    case 'name':
      return { kind: 'name', name: n.name };
    case 'neg':
      return { kind: 'neg', arg: strip(n.arg) };
    case 'bin':
      return { kind: 'bin', op: n.op, left: strip(n.left), right: strip(n.right) };
    case 'call':
      return { kind: 'call', fn: n.fn, args: n.args.map(strip) };
  }
}

function syntaxError(src: string): { message: string; column: number } {
  try {
    parseExpr(src);
  } catch (e) {
    expect(e).toBeInstanceOf(ExprSyntaxError);
    return { message: (e as ExprSyntaxError).message, column: (e as ExprSyntaxError).column };
  }
  throw new Error(`parsed without error: ${src}`);
}

describe('parseExpr and evaluate', () => {
  it('reads numbers in every written form', () => {
    expect(value('1')).toBe(1);
    expect(value('0.5')).toBe(0.5);
    expect(value('.5')).toBe(0.5);
    expect(value('1e-3')).toBe(0.001);
    expect(value('1.5E+2')).toBe(150);
    expect(value('2.')).toBe(2);
    expect(value('pi')).toBe(Math.PI);
  });

  it('follows the usual precedence and associativity', () => {
    expect(value('1 + 2 * 3')).toBe(7);
    expect(value('(1 + 2) * 3')).toBe(9);
    expect(value('10 - 4 - 3')).toBe(3);
    expect(value('8 / 4 / 2')).toBe(1);
    expect(value('2^3^2')).toBe(512); // right-associative
    expect(value('-2^2')).toBe(-4); // ^ binds tighter than unary minus
    expect(value('(-2)^2')).toBe(4);
    expect(value('2^-1')).toBe(0.5);
    expect(value('2 * -3')).toBe(-6);
    expect(value('--3')).toBe(3);
    expect(value('+3 - +1')).toBe(2);
    expect(value('-x^2', { x: 3 })).toBe(-9);
    expect(strip(parseExpr('-x^2'))).toEqual({ kind: 'neg', arg: { kind: 'bin', op: '^', left: { kind: 'name', name: 'x' }, right: { kind: 'num', value: 2 } } });
  });

  it('evaluates the math functions and hands other calls to the callback', () => {
    expect(value('sqrt(16) + abs(-3)')).toBe(7);
    expect(value('exp(log(2))')).toBeCloseTo(2, 15);
    expect(value('sin(pi/2) + cos(0)')).toBe(2);
    const calls: [string, number[]][] = [];
    const result = evaluate(parseExpr('emission(1, w_lindblad) * 2'), env({ w_lindblad: 1.5 }), (fn, args) => {
      calls.push([fn, args]);
      return 10;
    });
    expect(result).toBe(20);
    expect(calls).toEqual([['emission', [1, 1.5]]]);
    expect(() => evaluate(parseExpr('emission(1, 2)'), env({}))).toThrow('unknown function "emission" at column 1');
    expect(() => evaluate(parseExpr('sqrt(1, 2)'), env({}))).toThrow('sqrt at column 1 takes 1 argument(s) (got 2)');
  });

  it('records names and calls with the column of their first use', () => {
    const n = parseExpr('b + a*b + sqrt(c) - sqrt(a)');
    expect([...freeNames(n)]).toEqual([['b', 1], ['a', 5], ['c', 16]]);
    expect([...calledFunctions(n)]).toEqual([['sqrt', 11]]);
    expect(parseExpr('  Delta1')).toEqual({ kind: 'name', name: 'Delta1', col: 3 });
  });

  it('refuses bad input with a message and the 1-based column', () => {
    expect(syntaxError('')).toEqual({ message: 'empty expression', column: 1 });
    expect(syntaxError('   ')).toEqual({ message: 'empty expression', column: 1 });
    expect(syntaxError('Delta1 -)')).toEqual({ message: 'unexpected ")"', column: 9 });
    expect(syntaxError('(1 + 2')).toEqual({ message: 'unexpected end of expression (missing ")" for "(" at column 1)', column: 7 });
    expect(syntaxError('1 2')).toEqual({ message: 'unexpected number 2', column: 3 });
    expect(syntaxError('2x')).toEqual({ message: 'unexpected name "x"', column: 2 });
    expect(syntaxError('a # b')).toEqual({ message: 'unexpected character "#"', column: 3 });
    expect(syntaxError('1e')).toEqual({ message: 'malformed number "1e" (exponent without digits)', column: 1 });
    expect(syntaxError('1.2.3')).toEqual({ message: 'malformed number "1.2."', column: 1 });
    expect(syntaxError('1 +')).toEqual({ message: 'unexpected end of expression', column: 4 });
    expect(syntaxError('f(1,)')).toEqual({ message: 'unexpected ")"', column: 5 });
    expect(syntaxError('f()')).toEqual({ message: 'f() needs an argument', column: 3 });
    expect(syntaxError('f(1 2)')).toEqual({ message: 'unexpected number 2 (expected "," or ")")', column: 5 });
    expect(syntaxError('(a b)')).toEqual({ message: 'unexpected name "b" (expected ")")', column: 4 });
    expect(syntaxError('a ** b')).toEqual({ message: 'unexpected "**" (write x^y for a power)', column: 3 });
    expect(syntaxError('a * / b')).toEqual({ message: 'unexpected "/"', column: 5 });
    expect(syntaxError('Delta1 \u2212 Delta2')).toEqual({ message: 'unexpected character "\u2212" (U+2212; write the ASCII minus "-")', column: 8 });
    expect(syntaxError('2 \u00d7 x')).toEqual({ message: 'unexpected character "\u00d7" (U+00D7; write "*")', column: 3 });
    expect(syntaxError('x\u00b2')).toEqual({ message: 'unexpected character "\u00b2" (U+00B2)', column: 2 });
  });
});

describe('affineForm', () => {
  const vars = new Set(['Delta1', 'Delta2', 'T1', 'T2', 'x', 'y']);
  const derived: Record<string, Node> = { Delta: parseExpr('Delta1 - Delta2'), Tbar: parseExpr('(T1 + T2)/2') };
  const affine = (src: string) => {
    const f = affineForm(parseExpr(src), (n) => vars.has(n), (n) => derived[n]);
    return f && { constant: f.constant, coefficients: Object.fromEntries(f.coefficients) };
  };

  it('finds constants and coefficients of affine expressions', () => {
    expect(affine('Delta1 - Delta2')).toEqual({ constant: 0, coefficients: { Delta1: 1, Delta2: -1 } });
    expect(affine('(T1 + T2)/2')).toEqual({ constant: 0, coefficients: { T1: 0.5, T2: 0.5 } });
    expect(affine('3*(x + 1) - y/4')).toEqual({ constant: 3, coefficients: { x: 3, y: -0.25 } });
    expect(affine('sqrt(4)*x + 2^3')).toEqual({ constant: 8, coefficients: { x: 2 } });
    expect(affine('x - x + 1')).toEqual({ constant: 1, coefficients: {} });
    expect(affine('x^1')).toEqual({ constant: 0, coefficients: { x: 1 } });
    expect(affine('-(x - 2)')).toEqual({ constant: 2, coefficients: { x: -1 } });
  });

  it('inlines derived names', () => {
    expect(affine('Delta/2 + Tbar')).toEqual({ constant: 0, coefficients: { Delta1: 0.5, Delta2: -0.5, T1: 0.5, T2: 0.5 } });
  });

  it('returns null for anything not affine', () => {
    expect(affine('x*y')).toBeNull();
    expect(affine('-x^2')).toBeNull();
    expect(affine('1/x')).toBeNull();
    expect(affine('sqrt(x)')).toBeNull();
    expect(affine('x/0')).toBeNull();
    expect(affine('2^x')).toBeNull();
    expect(affine('emission(1, 2)')).toBeNull();
  });

  it('folds constants', () => {
    expect(affine('2^3')).toEqual({ constant: 8, coefficients: {} });
    expect(constantValue(parseExpr('2^3'))).toBe(8);
    expect(constantValue(parseExpr('sqrt(4) * pi'))).toBe(2 * Math.PI);
    expect(constantValue(parseExpr('x + 1'))).toBeUndefined();
    expect(constantValue(parseExpr('emission(1, 2)'))).toBeUndefined();
  });

  it('throws for a name that is neither a variable nor resolvable', () => {
    expect(() => affine('x + z')).toThrow('unknown name "z" at column 5');
  });
});

describe('formatExpr', () => {
  const canonical: [string, string][] = [
    ['a-(b-c)', 'a - (b - c)'],
    ['(a-b)-c', 'a - b - c'],
    ['a/(b*c)', 'a / (b * c)'],
    ['(a+b)*c', '(a + b) * c'],
    ['-x^2', '-x^2'],
    ['(-x)^2', '(-x)^2'],
    ['a^b^c', 'a^b^c'],
    ['(a^b)^c', '(a^b)^c'],
    ['2^-1', '2^-1'],
    ['a*-b', 'a * -b'],
    ['--a', '-(-a)'],
    ['-(a*b)', '-(a * b)'],
    ['-a*b', '-a * b'],
    ['f( a+b ,c )', 'f(a + b, c)'],
    ['1e-3*x', '0.001 * x'],
    ['((Delta1))', 'Delta1'],
  ];
  it.each(canonical)('%s -> %s', (src, text) => {
    expect(formatExpr(parseExpr(src))).toBe(text);
  });

  it('round-trips every tree', () => {
    for (const [src] of canonical) expect(strip(parseExpr(formatExpr(parseExpr(src))))).toEqual(strip(parseExpr(src)));
  });
});
