// One point through a chosen backend (the same code path a sweep uses).

import { InputError, type PointParams } from '../model/params.js';
import { type CpuIntegrator, type PointResult, evaluatePoint } from '../model/point.js';

export const BACKEND_CHOICES = ['cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface PointRunOptions {
  backend: BackendChoice;
  integrator?: string;
  dt?: number;
}

const CPU_INTEGRATORS: CpuIntegrator[] = ['expm', 'leap', 'rk4'];

export async function evaluateOnBackend(p: PointParams, opts: PointRunOptions): Promise<{ result: PointResult; backend: string }> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(opts.backend)) {
    throw new InputError(`option --backend: unknown backend ${JSON.stringify(opts.backend)} (expected ${BACKEND_CHOICES.join(', ')})`);
  }
  const integrator = (opts.integrator ?? 'expm') as CpuIntegrator;
  if (!CPU_INTEGRATORS.includes(integrator)) {
    throw new InputError(`option --integrator: unknown integrator ${JSON.stringify(opts.integrator)} for the cpu backend (expected ${CPU_INTEGRATORS.join(', ')})`);
  }
  return { result: evaluatePoint(p, { integrator, dt: opts.dt }), backend: 'cpu' };
}
