// The JSON manifest beside every result: what was computed, how, where, how fast, how exact.

import type { SystemDefinition } from '../system/definition.js';
import { BUILTIN_NAMES, systemReference } from '../system/registry.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import type { SweepResult } from '../sweep/run.js';
import { flagNames } from '../sweep/outputs.js';
import { pointToInput } from '../model/params.js';
import { packageVersion } from '../paths.js';
import { MANIFEST_MARK } from '../sweep/spec.js';
import { h5Name } from '../sweep/outputs.js';

const require = createRequire(import.meta.url);

function version(pkg: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

export function packageVersions(): Record<string, string | undefined> {
  return { qbsweep: packageVersion(), node: process.versions.node, webgpu: version('webgpu'), commander: version('commander'), vega: version('vega'), 'vega-lite': version('vega-lite') };
}

export function machineInfo(): Record<string, unknown> {
  const c = cpus();
  return { platform: `${platform()} ${release()} ${arch()}`, cpu: c[0]?.model ?? 'unknown', cores: c.length, memory_gib: +(totalmem() / 2 ** 30).toFixed(1) };
}

export function flagCounts(res: SweepResult): Record<string, number> {
  const counts: Record<string, number> = {};
  const perBits = new Map<number, number>();
  for (let k = 0; k < res.done; k++) perBits.set(res.flags[k], (perBits.get(res.flags[k]) ?? 0) + 1);
  for (const [bits, n] of perBits) for (const f of flagNames(bits)) counts[f] = (counts[f] ?? 0) + n;
  return counts;
}

/** The spec as the manifest records it (enough to rebuild the sweep: `resolveSpec` accepts it). */
export function manifestSpec(res: SweepResult): Record<string, unknown> {
  return {
    name: res.spec.name,
    description: res.spec.description,
    base: pointToInput(res.grid.base),
    axes: res.spec.axes,
    outputs: res.spec.outputs,
    ...(res.spec.plot ? { plot: res.spec.plot } : {}),
    ...(res.spec.times ? { times: res.spec.times } : {}),
  };
}

/** The full definition of a sweep's system (manifests and HDF5 attributes record it whole). */
export function systemRecord(sys: SystemDefinition): Record<string, unknown> {
  return { name: sys.name, builtin: BUILTIN_NAMES.includes(sys.name) && systemReference(sys) === sys.name, definition: sys.json };
}

/** Where the manifest's versions and machine come from (the explorer page has its own). */
export interface ManifestEnvironment {
  versions: () => Record<string, unknown>;
  machine: () => Record<string, unknown>;
}

export function buildManifest(res: SweepResult, extra: Record<string, unknown> = {}, env: ManifestEnvironment = { versions: packageVersions, machine: machineInfo }): Record<string, unknown> {
  const ranges: Record<string, { min: number; max: number }> = {};
  for (const c of res.columns) {
    let min = Infinity;
    let max = -Infinity;
    const v = res.values[c];
    for (let k = 0; k < res.done; k++) if (!Number.isNaN(v[k])) {
      if (v[k] < min) min = v[k];
      if (v[k] > max) max = v[k];
    }
    if (min <= max) ranges[c] = { min, max };
  }
  return {
    qbsweep: MANIFEST_MARK,
    created: new Date().toISOString(),
    complete: res.done === res.count && !res.error && !res.stopped,
    // the float64 cross-check's verdict (details under precision.float64_cross_check)
    cross_check: res.check ? (res.check.pass ? 'passed' : 'failed') : 'not run',
    ...(res.error ? { error: res.error.message } : {}),
    spec: manifestSpec(res),
    system: systemRecord(res.grid.base.system),
    grid: { shape: res.spec.shape, points: res.spec.count, order: 'row-major over the axes as listed (last axis fastest)' },
    range: { start: res.offset, end: res.offset + res.count, done: res.done, resumed: res.resumed, block_points: res.blockPoints },
    columns: res.columns,
    ...(res.spec.times
      ? { charging_curves: { times: res.spec.times, arrays: Object.keys(res.trajectories ?? {}).map(h5Name), where: 'NAME.h5, over the axes and t (the CSV has the figures read off them)', computed_by: 'the exponential map at every time (leap on GPUs, expm on cpu), whatever the integrator' } }
      : {}),
    backend: res.backend,
    integrator: res.integrator,
    dt: res.dt ?? 'per point: min(0.2, 1/||L||_inf)',
    timings: { total_s: +res.seconds.total.toFixed(3), ...(res.seconds.compile !== undefined ? { compile_s: +res.seconds.compile.toFixed(3) } : {}), compute_s: +res.seconds.compute.toFixed(3), points_per_s: Math.round(res.pointsPerSecond) },
    precision: {
      arithmetic: (res.backend as { precision?: string }).precision,
      float64_cross_check: res.check,
    },
    flags: flagCounts(res),
    ranges,
    versions: env.versions(),
    machine: env.machine(),
    ...extra,
  };
}
