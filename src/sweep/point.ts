// One point through a chosen backend: cpu evaluates it in process (float64); every other
// backend runs it as a one-point sweep, the same code path a sweep uses. (Here, not under
// backends/: a backend runs what it is given; making a sweep of a point is the sweep layer's.)

import { InputError, type PointParams } from '../model/params.js';
import { type CpuIntegrator, type PointFlag, type PointResult, evaluatePoint } from '../model/point.js';
import { SCALAR_OUTPUTS, flagNames } from './outputs.js';
import { type CrossCheck, checkTimeGrids, mergeCrossChecks, runSweep } from './run.js';
import { specOfPoint } from './spec.js';
import { initialVector } from '../model/evolve.js';
import { generator } from '../model/generators.js';
import { TRAJECTORY_QUANTITIES, type TimeGrid, type TrajectoryQuantity, chargingCurve, timeValues } from '../model/charging.js';
import { CPU_INTEGRATORS } from '../backends/cpu/backend.js';
import { SWEEP_BACKENDS, createBackend } from '../backends/select.js';
import { densityMatrices } from '../model/observables.js';

export const BACKEND_CHOICES = SWEEP_BACKENDS;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

export interface PointRunOptions {
  backend: string;
  integrator?: string;
  dt?: number;
  adapter?: string;
}

const ALL_OUTPUTS = [...SCALAR_OUTPUTS, 'rho'];

/**
 * One point on a backend: cpu, the float64 reference itself; any other, its values and their
 * float64 cross-check (a point is one point: always checked, the gate a sweep has).
 */
export async function evaluateOnBackend(p: PointParams, opts: PointRunOptions): Promise<{ result: PointResult; backend: string; why?: string; check?: CrossCheck }> {
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
  const { backend, why } = await createBackend({ backend: opts.backend, adapter: opts.adapter, system: p.system });
  try {
    // rho from the record's state beyond two qubits
    const outputs = ALL_OUTPUTS.filter((o) => !(o === 'rho' && p.system.qubits !== 2));
    const spec = specOfPoint(p, { name: 'point', axes: [{ param: 'tau', values: [p.tau] }], outputs });
    let r: number[] = [];
    const res = await runSweep(spec, { backend, integrator: opts.integrator, dt: opts.dt, check: 1, extraColumns: ['_spectral_radius'], onRecords: (records) => (r = Array.from(records.subarray(0, p.system.stateDim))) });
    if (res.error) throw res.error;
    const v = (c: string) => Number(res.values[c][0]);
    const rows = (part: 'rho_real' | 'rho_imag') => (outputs.includes('rho') ? [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => v(`${part}[${i}][${j}]`))) : densityMatrices(r)[part]);
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
      r,
      slowest_relaxation: Number.NaN,
      step: Number.NaN,
      spectral_radius: v('_spectral_radius'),
    } as PointResult;
    return { result, backend: backend.name, why, check: res.check };
  } finally {
    await backend.close();
  }
}

/** The cross-checks of one point's values and of its charging curve, as one verdict on that point. */
export function pointCheck(...checks: (CrossCheck | undefined)[]): CrossCheck | undefined {
  const given = checks.filter((c): c is CrossCheck => c !== undefined);
  return given.length ? { ...mergeCrossChecks(given), points: 1 } : undefined;
}

/** A charging curve: the battery's observables at each time of a grid. */
export type Trajectory = { t: number[] } & Record<TrajectoryQuantity, number[]>;

/**
 * The point's charging curve on a time grid: cpu, the float64 curve (exact exponential); any
 * other backend, a one-point sweep with that time grid (the curve in one GPU thread).
 */
export async function trajectoryOnBackend(p: PointParams, times: TimeGrid, opts: PointRunOptions): Promise<{ trajectory: Trajectory; check?: CrossCheck }> {
  const t = timeValues(times);
  const out = { t } as Trajectory;
  if (opts.backend === 'cpu') {
    const curve = chargingCurve(p.system, generator(p).G, initialVector(p), times);
    TRAJECTORY_QUANTITIES.forEach((q, i) => (out[q] = Array.from(curve.subarray(i * times.n, (i + 1) * times.n))));
    return { trajectory: out };
  }
  const { backend } = await createBackend({ backend: opts.backend, adapter: opts.adapter, system: p.system });
  try {
    const spec = specOfPoint(p, { name: 'trajectory', axes: [{ param: 'tau', values: [p.tau] }], outputs: ['E_B_over_omega', 'concurrence'], times });
    checkTimeGrids(spec, backend);
    const res = await runSweep(spec, { backend, integrator: opts.integrator, dt: opts.dt, check: 1 });
    if (res.error) throw res.error;
    for (const q of TRAJECTORY_QUANTITIES) out[q] = Array.from(res.trajectories![`trajectory.${q}`].subarray(0, times.n));
    return { trajectory: out, check: res.check };
  } finally {
    await backend.close();
  }
}
