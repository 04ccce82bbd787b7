// A point of the paper's system with its parameters as fields (p.F, p.T1, ...), for the tests that
// check its formulas by hand; a point itself holds them as `values` in its system's order.

import { type PointParams, valuesByName } from '../../src/model/params.js';
import { resolveSystem } from '../../src/system/registry.js';

export type PaperValues = Record<'Delta1' | 'Delta2' | 'F' | 'lambda' | 'alpha1' | 'alpha2' | 'omega_c' | 'T1' | 'T2' | 'mu1' | 'mu2', number>;

/** (a point that came back from a page as JSON names its system by reference: resolved here) */
export function named(p: PointParams): PointParams & PaperValues {
  const system = resolveSystem(p.system, 'test point');
  return { ...p, system, ...(valuesByName({ system, values: p.values }) as PaperValues) };
}
