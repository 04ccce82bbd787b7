// One point through a chosen backend: cpu evaluates it in process (float64); every other
// backend runs it as a one-point sweep, the same code path a sweep uses.

import { InputError, type PointParams, pointToInput } from '../model/params.js';
import { type CpuIntegrator, type PointFlag, type PointResult, evaluatePoint } from '../model/point.js';
import { flagNames } from '../sweep/outputs.js';
import { runSweep } from '../sweep/run.js';
import { resolveSpec } from '../sweep/spec.js';
import { CPU_INTEGRATORS } from './cpu/backend.js';
import { SWEEP_BACKENDS, createBackend } from './select.js';

export const BACKEND_CHOICES = SWEEP_BACKENDS;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface PointRunOptions {
  backend: string;
  integrator?: string;
  dt?: number;
  adapter?: string;
}

const ALL_OUTPUTS = [
  'efficiency', 'E_B_over_omega', 'ergotropy_over_omega', 'concurrence', 'liouvillian_gap',
  'steady.efficiency', 'steady.E_B_over_omega', 'steady.ergotropy_over_omega', 'steady.concurrence', 'steady.kernel_dim', 'rho',
];

export async function evaluateOnBackend(p: PointParams, opts: PointRunOptions): Promise<{ result: PointResult; backend: string; why?: string }> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(opts.backend)) {
    throw new InputError(`option --backend: unknown backend ${JSON.stringify(opts.backend)} (expected ${BACKEND_CHOICES.join(', ')})`);
  }
  if (opts.backend === 'cpu') {
    const integrator = (opts.integrator ?? 'expm') as CpuIntegrator;
    if (!CPU_INTEGRATORS.includes(integrator)) {
      throw new InputError(`option --integrator: unknown integrator ${JSON.stringify(opts.integrator)} for the cpu backend (expected ${CPU_INTEGRATORS.join(', ')})`);
    }
    return { result: evaluatePoint(p, { integrator, dt: opts.dt }), backend: 'cpu' };
  }
  const { backend, why } = await createBackend({ backend: opts.backend, adapter: opts.adapter });
  try {
    const spec = resolveSpec({ name: 'point', base: pointToInput(p), axes: [{ param: 'tau', values: [p.tau] }], outputs: ALL_OUTPUTS });
    const res = await runSweep(spec, { backend, integrator: opts.integrator, dt: opts.dt, check: 0 });
    if (res.error) throw res.error;
    const v = (c: string) => Number(res.values[c][0]);
    const rows = (part: string) => [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => v(`${part}[${i}][${j}]`)));
    const result: PointResult = {
      efficiency: v('efficiency'),
      E_B_over_omega: v('E_B_over_omega'),
      ergotropy_over_omega: v('ergotropy_over_omega'),
      concurrence: v('concurrence'),
      liouvillian_gap: v('liouvillian_gap'),
      rho_real: rows('rho_real'),
      rho_imag: rows('rho_imag'),
      steady: {
        efficiency: v('steady.efficiency'),
        E_B_over_omega: v('steady.E_B_over_omega'),
        ergotropy_over_omega: v('steady.ergotropy_over_omega'),
        concurrence: v('steady.concurrence'),
        kernel_dim: v('steady.kernel_dim'),
      },
      flags: flagNames(res.flags[0]) as PointFlag[],
      r: [],
      slowest_relaxation: Number.NaN,
      step: Number.NaN,
      spectral_radius: Number.NaN,
    };
    return { result, backend: backend.name, why };
  } finally {
    await backend.close();
  }
}
