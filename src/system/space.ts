// The parameters of a system as sweeps and flags use them: its declared parameters (the row
// order of the kernels), its derived names, and what setting a derived name means.
//
// Setting an affine derived name d(p) = c + g.p to v moves the parameters by the smallest
// step that does it, p += (v - d(p)) g / |g|^2: Delta = Delta1 - Delta2 keeps Delta1 + Delta2,
// (T1 + T2)/2 keeps T1 - T2. For the paper's parameters this is exactly the paper's reading of
// its axes. A derived name that is not affine in the parameters cannot be an axis.

import { InputError } from '../core/errors.js';
import type { SystemDefinition } from './definition.js';
import { type Node, affineForm, evaluate } from './expr.js';

/** Numbers of one point: every system parameter by name, plus tau and the state angles. */
export type ParamRecord = Record<string, number>;

export interface GenericSpace {
  system: SystemDefinition;
  params: readonly string[];
  /** derived names that an axis or flag may set */
  settable: readonly string[];
  defaults(): ParamRecord;
  get(rec: ParamRecord, name: string): number;
  set(rec: ParamRecord, name: string, value: number): void;
  has(name: string): boolean;
}

const STATE_NAMES = ['tau', 'theta', 'phi'];

const cache = new WeakMap<SystemDefinition, GenericSpace>();

export function genericSpace(sys: SystemDefinition): GenericSpace {
  let s = cache.get(sys);
  if (!s) cache.set(sys, (s = buildSpace(sys)));
  return s;
}

function buildSpace(sys: SystemDefinition): GenericSpace {
  const params = sys.parameters.map((p) => p.name);
  const derived = new Map<string, Node>(sys.derived.map((d) => [d.name, d.expr]));
  const gradients = new Map<string, { constant: number; coefficients: [number, number][] }>();
  for (const [name] of derived) {
    const form = affineForm(derived.get(name)!, (n) => params.includes(n), (n) => derived.get(n));
    if (!form) continue;
    const coefficients = [...form.coefficients].filter(([, c]) => c !== 0).map(([n, c]) => [params.indexOf(n), c] as [number, number]);
    if (coefficients.length) gradients.set(name, { constant: form.constant, coefficients });
  }
  const settable = [...gradients.keys()];
  const valueOf = (rec: ParamRecord, name: string): number => {
    if (name in rec && (params.includes(name) || STATE_NAMES.includes(name))) return rec[name];
    const d = derived.get(name);
    if (!d) throw new InputError(`parameter ${name}: unknown for system ${sys.name} (${describeNames(sys)})`);
    return evaluate(d, (n) => valueOf(rec, n));
  };
  return {
    system: sys,
    params,
    settable,
    defaults() {
      const rec: ParamRecord = {};
      for (const p of sys.parameters) rec[p.name] = p.default;
      return rec;
    },
    has: (name) => params.includes(name) || derived.has(name) || STATE_NAMES.includes(name),
    get: valueOf,
    set(rec, name, value) {
      if (params.includes(name) || STATE_NAMES.includes(name)) {
        rec[name] = value;
        return;
      }
      const g = gradients.get(name);
      if (!g) {
        if (derived.has(name)) throw new InputError(`parameter ${name}: a derived name that is not affine in the parameters of system ${sys.name} cannot be set (set its parameters instead)`);
        throw new InputError(`parameter ${name}: unknown for system ${sys.name} (${describeNames(sys)})`);
      }
      const now = valueOf(rec, name);
      const norm2 = g.coefficients.reduce((s, [, c]) => s + c * c, 0);
      const step = (value - now) / norm2;
      for (const [i, c] of g.coefficients) rec[params[i]] += step * c;
    },
  };
}

export function describeNames(sys: SystemDefinition): string {
  const d = sys.derived.map((x) => x.name);
  return `parameters: ${sys.parameters.map((p) => p.name).join(', ')}${d.length ? `; derived: ${d.join(', ')}` : ''}`;
}
