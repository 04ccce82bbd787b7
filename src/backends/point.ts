// One point through a chosen backend: cpu evaluates it in process (float64); every other
// backend runs it as a one-point sweep, the same code path a sweep uses.

import { InputError, type PointParams, pointToInput } from '../model/params.js';
import { type CpuIntegrator, type PointFlag, type PointResult, evaluatePoint } from '../model/point.js';
import { SCALAR_OUTPUTS, flagNames } from '../sweep/outputs.js';
import { runSweep } from '../sweep/run.js';
import { resolveSpec } from '../sweep/spec.js';
import { evolveExact, initialVector } from '../model/evolve.js';
import { generator } from '../model/generators.js';
import { averagePowers, batteryObservables, concurrenceOf } from '../model/observables.js';
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

const ALL_OUTPUTS = [...SCALAR_OUTPUTS, 'rho'];

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
    // every scalar output by its point --json name ('steady.x' -> steady.x)
    const steady: Record<string, number> = {};
    const top: Record<string, number> = {};
    for (const key of SCALAR_OUTPUTS) {
      if (!(key in res.values)) continue;
      if (key.startsWith('steady.')) steady[key.slice(7)] = v(key);
      else top[key] = v(key);
    }
    for (const k of Object.keys(steady)) if (/^(heat|particle)_current_(\d)$/.test(k) && !(Number(k.slice(-1)) <= p.system.reservoirs.length)) delete steady[k];
    for (const [k, res_] of p.system.reservoirs.entries()) if ((p.reservoir ?? res_.statistics) !== 'fermion') delete steady[`particle_current_${k + 1}`];
    const result = {
      ...(top as unknown as PointResult),
      rho_real: rows('rho_real'),
      rho_imag: rows('rho_imag'),
      steady: steady as unknown as PointResult['steady'],
      flags: flagNames(res.flags[0]) as PointFlag[],
      r: [],
      slowest_relaxation: Number.NaN,
      step: Number.NaN,
      spectral_radius: Number.NaN,
    } as PointResult;
    return { result, backend: backend.name, why };
  } finally {
    await backend.close();
  }
}

/** A charging curve: the battery's observables at each time of a grid. */
export interface Trajectory {
  t: number[];
  E_B_over_omega: number[];
  ergotropy_over_omega: number[];
  efficiency: number[];
  concurrence: number[];
  average_power: number[];
}

const TRAJECTORY_KEYS = ['E_B_over_omega', 'ergotropy_over_omega', 'efficiency', 'concurrence', 'average_power'] as const;

/**
 * The point's charging curve on the given times: cpu, the exact exponential at each time
 * (float64); any other backend, one sweep over tau = the times (one dispatch for all of them).
 */
export async function trajectoryOnBackend(p: PointParams, times: number[], opts: PointRunOptions): Promise<Trajectory> {
  const out: Trajectory = { t: times, E_B_over_omega: [], ergotropy_over_omega: [], efficiency: [], concurrence: [], average_power: [] };
  if (opts.backend === 'cpu') {
    const { G } = generator(p);
    const r0 = initialVector(p);
    for (const t of times) {
      const r = evolveExact(G, r0, t);
      const b = batteryObservables(r);
      out.E_B_over_omega.push(b.E_B_over_omega);
      out.ergotropy_over_omega.push(b.ergotropy_over_omega);
      out.efficiency.push(b.efficiency);
      out.concurrence.push(concurrenceOf(r));
      out.average_power.push(averagePowers(r, r0, t).average_power);
    }
    return out;
  }
  const { backend } = await createBackend({ backend: opts.backend, adapter: opts.adapter });
  try {
    const spec = resolveSpec({ name: 'trajectory', base: pointToInput(p), axes: [{ param: 'tau', values: times }], outputs: [...TRAJECTORY_KEYS] });
    const res = await runSweep(spec, { backend, integrator: opts.integrator, dt: opts.dt, check: 0 });
    if (res.error) throw res.error;
    for (const key of TRAJECTORY_KEYS) out[key] = Array.from(res.values[key].subarray(0, times.length));
    return out;
  } finally {
    await backend.close();
  }
}
