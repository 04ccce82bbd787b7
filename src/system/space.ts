// The parameters of a system as sweeps and flags use them: its declared parameters (the row
// order of the kernels), its derived names, and what setting a derived name means.
//
// Setting an affine derived name d(p) = c + g.p to v moves the parameters by the smallest
// step that does it, p += (v - d(p)) g / |g|^2: Delta = Delta1 - Delta2 keeps Delta1 + Delta2,
// (T1 + T2)/2 keeps T1 - T2. For the paper's parameters this is exactly the paper's reading of
// its axes. A derived name that is not affine in the parameters cannot be an axis.

import { InputError } from '../core/errors.js';
import type { SystemDefinition } from './definition.js';
import { type AffineForm, type Node, affineForm, evaluate, freeNames } from './expr.js';

/**
 * A system's parameters and derived names over a point's `values` (its parameters in the order
 * the definition declares them): reading a derived name, setting one.
 */
export interface GenericSpace {
  system: SystemDefinition;
  params: readonly string[];
  /** derived names that an axis or flag may set */
  settable: readonly string[];
  /** the parameters' defaults, in order */
  defaults(): number[];
  /** a parameter's or derived name's value at `values` */
  get(values: ArrayLike<number>, name: string): number;
  /** sets a parameter or a settable derived name, moving the parameters in `values` */
  set(values: number[], name: string, value: number): void;
  /** a parameter or derived name of the system */
  has(name: string): boolean;
  /** the parameters setting a settable name moves (those of "sets", or those its affine form uses) */
  moves(name: string): readonly string[];
}

const cache = new WeakMap<SystemDefinition, GenericSpace>();

export function genericSpace(sys: SystemDefinition): GenericSpace {
  let s = cache.get(sys);
  if (!s) cache.set(sys, (s = buildSpace(sys)));
  return s;
}

function buildSpace(sys: SystemDefinition): GenericSpace {
  const params = sys.parameters.map((p) => p.name);
  const index = new Map(params.map((n, i) => [n, i]));
  const derived = new Map<string, Node>(sys.derived.map((d) => [d.name, d.expr]));
  // Each derived name uses parameters and earlier names only: taken in order, an earlier name's
  // affine form (or value) is looked up, never expanded again (d2 = d1 + d1, d3 = d2 + d2, ...
  // expanded is exponential in the chain's length)
  const forms = new Map<string, AffineForm | null>();
  for (const [name, expr] of derived) {
    const uses = [...freeNames(expr).keys()].filter((n) => derived.has(n));
    const inner = uses.some((n) => forms.get(n) === null) ? null : affineForm(expr, (n) => params.includes(n) || forms.has(n), () => undefined);
    forms.set(name, inner && substitute(inner, forms));
  }
  const gradients = new Map<string, { constant: number; coefficients: [number, number][] }>();
  for (const [name, form] of forms) {
    if (!form) continue;
    const coefficients = [...form.coefficients].filter(([, c]) => c !== 0).map(([n, c]) => [params.indexOf(n), c] as [number, number]);
    if (coefficients.length) gradients.set(name, { constant: form.constant, coefficients });
  }
  // a name with "sets" (T: T1 = T2 = T) sets those parameters to its value; the others by the affine reading
  const setsOf = new Map<string, number[]>(sys.derived.filter((d) => d.sets).map((d) => [d.name, d.sets!.map((n) => params.indexOf(n))]));
  const settable = sys.derived.map((d) => d.name).filter((n) => setsOf.has(n) || gradients.has(n));
  // the derived names each one needs, in definition order (itself last)
  const needs = new Map<string, string[]>();
  for (const [name, expr] of derived) {
    const mine = new Set<string>();
    for (const n of freeNames(expr).keys()) for (const m of needs.get(n) ?? []) mine.add(m);
    needs.set(name, [...sys.derived.map((d) => d.name).filter((n) => mine.has(n)), name]);
  }
  const valueOf = (values: ArrayLike<number>, name: string): number => {
    const i = index.get(name);
    if (i !== undefined) return values[i];
    const chain = needs.get(name);
    if (!chain) throw new InputError(`parameter ${name}: unknown for system ${sys.name} (${describeNames(sys)})`);
    const computed = new Map<string, number>();
    const env = (n: string): number => computed.get(n) ?? values[index.get(n)!];
    for (const n of chain) computed.set(n, evaluate(derived.get(n)!, env));
    return computed.get(name)!;
  };
  return {
    system: sys,
    params,
    settable,
    defaults: () => sys.parameters.map((p) => p.default),
    moves: (name) => (setsOf.get(name) ?? gradients.get(name)?.coefficients.map(([i]) => i) ?? []).map((i) => params[i]),
    has: (name) => index.has(name) || derived.has(name),
    get: valueOf,
    set(values, name, value) {
      const at = index.get(name);
      if (at !== undefined) {
        values[at] = value;
        return;
      }
      const together = setsOf.get(name);
      if (together) {
        for (const i of together) values[i] = value;
        return;
      }
      const g = gradients.get(name);
      if (!g) {
        if (derived.has(name)) throw new InputError(`parameter ${name}: a derived name that is not affine in the parameters of system ${sys.name} cannot be set (set its parameters instead)`);
        throw new InputError(`parameter ${name}: unknown for system ${sys.name} (${describeNames(sys)})`);
      }
      const norm2 = g.coefficients.reduce((s, [, c]) => s + c * c, 0);
      if (g.coefficients.length === 2) {
        // two parameters (a mean or a difference): p = (h.p / |h|^2) h + ((v - c) / |g|^2) g with h
        // orthogonal to g, the partner kept; written so, it is the paper's reading to the last bit
        // (Delta1 = Delta_bar + Delta/2, T1 = Tbar + dT/2), which p += step g is not
        const [[i, a], [j, b]] = g.coefficients;
        const partner = (-b * values[i] + a * values[j]) / (a * a + b * b);
        const along = (value - g.constant) / norm2;
        values[i] = partner * -b + along * a;
        values[j] = partner * a + along * b;
        return;
      }
      const step = (value - valueOf(values, name)) / norm2;
      for (const [i, c] of g.coefficients) values[i] += step * c;
    },
  };
}

export function describeNames(sys: SystemDefinition): string {
  const d = sys.derived.map((x) => x.name);
  return `parameters: ${sys.parameters.map((p) => p.name).join(', ')}${d.length ? `; derived: ${d.join(', ')}` : ''}`;
}

/** An affine form over parameters and earlier derived names, with each derived name replaced by its own form (over parameters). */
function substitute(form: AffineForm, forms: Map<string, AffineForm | null>): AffineForm {
  const out: AffineForm = { constant: form.constant, coefficients: new Map() };
  const add = (n: string, c: number) => out.coefficients.set(n, (out.coefficients.get(n) ?? 0) + c);
  for (const [n, c] of form.coefficients) {
    const inner = forms.get(n);
    if (!inner) {
      add(n, c);
      continue;
    }
    out.constant += c * inner.constant;
    for (const [m, d] of inner.coefficients) add(m, c * d);
  }
  for (const [n, c] of out.coefficients) if (c === 0) out.coefficients.delete(n);
  return out;
}
