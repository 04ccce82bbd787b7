// The public reference cases (test/data/public-cases.json, see PROVENANCE.md) and their tolerances.

import { readFileSync } from 'node:fs';

export interface ReferenceCase {
  name: string;
  note?: string;
  inputs: Record<string, unknown>;
  outputs: {
    efficiency: number;
    E_B_over_omega: number;
    ergotropy_over_omega: number;
    concurrence: number;
    liouvillian_gap: number;
    rho_real: number[][];
    rho_imag: number[][];
    extra: { kernel_dim: number; efficiency_kernel_projection: number; spectrum_top4: number[][] };
  };
}

export const referenceCases: ReferenceCase[] = JSON.parse(
  readFileSync(new URL('../data/public-cases.json', import.meta.url), 'utf8'),
).cases;

/** Foundation issue: float64 against the reference. */
export const F64_TOL = { scalar: 1e-8, rho: 1e-8, concurrence: 1e-6 };

export function maxAbsDiff(a: number[][], b: number[][]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
  return m;
}
