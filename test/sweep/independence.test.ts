// Every point on its own (issue 17, items 1-3): a point whose generator is not finite gets NaN and
// the non-finite flag alone on every backend, and no other point changes by a bit (random grids
// with a few poisoned points against the same grids without them); a point's flags never depend
// on the outputs asked; an unstable generator is flagged and has no long-time numbers.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/backends/cpu/backend.js';
import { evaluateRows } from '../../src/backends/cpu/worker.js';
import { WebGpuBackend } from '../../src/backends/webgpu/backend.js';
import type { RunSettings } from '../../src/backends/types.js';
import { FLAG_BITS, OUT, OUT_STRIDE, PARAM_STRIDE } from '../../src/core/layout.js';
import { SCALAR_OUTPUTS, flagNames } from '../../src/core/outputs.js';
import { pointRow } from '../../src/model/generators.js';
import { type PointParams, resolvePoint } from '../../src/model/params.js';
import { evaluatePoint, nonFiniteCause } from '../../src/model/point.js';
import { compareResults } from '../../src/sweep/compare.js';
import { DEFAULT_OUTPUTS } from '../../src/sweep/outputs.js';
import { runSweep } from '../../src/sweep/run.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { builtinSystem, resolveSystem } from '../../src/system/registry.js';
import { runCli } from '../helpers/cli.js';
import { gpuTests } from '../helpers/gpu.js';
import { referenceCases } from '../helpers/reference.js';

const gpuIt = gpuTests();

/** xxz with its ZZ coefficient replaced (0.1/Jz: infinite at Jz = 0; sqrt(Jz): NaN below 0). */
function xxzWith(zz: string): Record<string, unknown> {
  const json = structuredClone(builtinSystem('xxz').json) as { hamiltonian: Record<string, string> };
  json.hamiltonian.ZZ = zz;
  return json;
}
const DIVZ = xxzWith('0.1/Jz');
const DIVZ_SYSTEM = resolveSystem(DIVZ, 'test system');

/** The unstable point: common-bath, Bloch-Redfield, a complex pair at +7.78e-4 (float64). */
const UNSTABLE_BASE = { Delta1: 4.82242, Delta2: 9.90251, F: 3.42277, omega_c: 0.684234, alpha: 0.454702, T: 1.06814, g1: -1.8093, g2: -1.14312, lambda: 1.96839, model: 'bloch-redfield', initial_state: { theta: 0.3887, phi: 2.809 } };

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** n random points of the divz system over its valid ranges (Jz kept away from 0), and the same list with Jz = 0 at `poisoned`. */
function poisonedGrid(seed: number, n: number, poisoned: number[], model: string): { clean: PointParams[]; dirty: PointParams[] } {
  const u = random(seed);
  const between = (a: number, b: number) => a + (b - a) * u();
  const clean: PointParams[] = [];
  for (let k = 0; k < n; k++) {
    const Jz = (u() < 0.5 ? -1 : 1) * between(0.2, 2);
    clean.push(resolvePoint({ system: DIVZ_SYSTEM, model, Delta1: between(-3, 3), Delta2: between(-3, 3), J: between(0.3, 2), Jz, F: between(0, 2), alpha1: between(0.02, 0.3), alpha2: between(0.02, 0.3), T1: between(0.1, 3), T2: between(0.1, 3), tau: between(1, 200) }));
  }
  const dirty = clean.map((p, k) => (poisoned.includes(k) ? { ...p, values: p.values.map((v, i) => (DIVZ_SYSTEM.parameters[i].name === 'Jz' ? 0 : v)) } : p));
  return { clean, dirty };
}

function rowsOf(points: PointParams[], Arr: typeof Float32Array | typeof Float64Array): Float32Array & Float64Array {
  const rows = new Arr(points.length * PARAM_STRIDE);
  points.forEach((p, k) => pointRow(p, 0, rows, k));
  return rows as Float32Array & Float64Array;
}

/** Healthy records of the poisoned run equal the clean run's slot by slot (NaN = NaN); poisoned ones are non-finite. */
function expectIndependent(clean: ArrayLike<number>, dirty: ArrayLike<number>, n: number, poisoned: number[], label: string): void {
  for (let k = 0; k < n; k++) {
    const b = k * OUT_STRIDE;
    if (poisoned.includes(k)) {
      const words = dirty[b + OUT.flags] | dirty[b + OUT.steadyFlags] | dirty[b + OUT.spectrumFlags];
      expect(words & FLAG_BITS['non-finite'], `${label}: poisoned point ${k} flagged`).toBe(FLAG_BITS['non-finite']);
      expect(dirty[b + OUT.efficiency], `${label}: poisoned point ${k} efficiency`).toBeNaN();
      continue;
    }
    for (let s = 0; s < OUT_STRIDE; s++) expect(Object.is(dirty[b + s], clean[b + s]) || (Number.isNaN(dirty[b + s]) && Number.isNaN(clean[b + s])), `${label}: point ${k} slot ${s}: ${dirty[b + s]} vs ${clean[b + s]} alone`).toBe(true);
  }
}

describe('float64: one point, one result', () => {
  it('a non-finite generator gives NaN and non-finite alone (no throw), and the cause is named', () => {
    const at0 = evaluatePoint(resolvePoint({ system: DIVZ_SYSTEM, Jz: 0 }));
    expect(at0.flags).toEqual(['non-finite']);
    for (const v of [at0.efficiency, at0.E_B_over_omega, at0.concurrence, at0.liouvillian_gap, at0.rho_min_eigenvalue, at0.steady.efficiency, at0.steady.heat_current_1, ...at0.r]) expect(v).toBeNaN();
    expect(nonFiniteCause(resolvePoint({ system: DIVZ_SYSTEM, Jz: 0 }))).toBe('hamiltonian term "ZZ": 0.1/Jz = Infinity at this point');
    // sqrt of a negative parameter: the old code threw "QR iteration did not converge" for the whole run
    const sqrtSystem = resolveSystem(xxzWith('sqrt(Jz)'), 'test system');
    expect(evaluatePoint(resolvePoint({ system: sqrtSystem, Jz: -1 })).flags).toEqual(['non-finite']);
    expect(nonFiniteCause(resolvePoint({ system: sqrtSystem, Jz: -1 }))).toBe('hamiltonian term "ZZ": sqrt(Jz) = NaN at this point');
    expect(nonFiniteCause(resolvePoint({ system: sqrtSystem, Jz: 1 }))).toBeUndefined();
  });

  it('an unstable generator is flagged unstable and has no long-time numbers; no reference case is unstable', () => {
    const r = evaluatePoint(resolvePoint({ system: 'common-bath', ...UNSTABLE_BASE, tau: 20 }));
    expect(r.flags).toContain('unstable');
    expect(r.liouvillian_gap).toBeCloseTo(7.7836e-4, 7);
    for (const [k, v] of Object.entries(r.steady)) expect(v, `steady.${k}`).toBeNaN();
    expect(r.flags).not.toContain('first-law');
    expect(r.flags).not.toContain('bistable');
    // the state at tau is the real (runaway) dynamics
    expect(Number.isFinite(r.E_B_over_omega)).toBe(true);
    for (const c of referenceCases) expect(evaluatePoint(resolvePoint(c.inputs)).flags, c.name).not.toContain('unstable');
  });
});

describe('poisoned points never reach their neighbours', () => {
  const n = 40;
  const poisoned = [3, 17, 38];

  it('cpu (float64): every other point exactly as without them', () => {
    for (const model of ['redfield', 'bloch-redfield'] as const) {
      const { clean, dirty } = poisonedGrid(17 + model.length, n, poisoned, model);
      const settings: RunSettings = { system: DIVZ_SYSTEM, model, zeroFreq: 'limit' };
      const a = evaluateRows({ rows: rowsOf(clean, Float64Array), settings, integrator: 'expm', outputs: [] }).out;
      const b = evaluateRows({ rows: rowsOf(dirty, Float64Array), settings, integrator: 'expm', outputs: [] }).out;
      expectIndependent(a, b, n, poisoned, `cpu ${model}`);
    }
  });

  gpuIt('webgpu (leap + spectrum, every point and the undecided ones): every other point bit for bit as without them', async (eng) => {
    // one model (each system and model compiles its own kernels: minutes on llvmpipe), both spectrum paths
    for (const [seed, mode] of [[5, 'all'], [6, 'undecided']] as const) {
      const model = 'redfield';
      const { clean, dirty } = poisonedGrid(seed, n, poisoned, model);
      const settings: RunSettings = { system: DIVZ_SYSTEM, model, zeroFreq: 'limit', spectrumMode: mode };
      const a = await eng.evaluate(rowsOf(clean, Float32Array), n, settings, ['leap', 'spectrum']);
      const b = await eng.evaluate(rowsOf(dirty, Float32Array), n, settings, ['leap', 'spectrum']);
      expect(a.error ?? b.error).toBeUndefined();
      // the old kernels: every healthy point of the batch got gap 0 and not-stationary-at-tau
      expectIndependent(a.out, b.out, n, poisoned, `webgpu ${model} ${mode}`);
    }
  }, 300_000);

  gpuIt('a sweep with a non-finite row passes the float64 cross-check there (both flag it) and fails a comparison where one run does not', async (eng) => {
    const spec = resolveSpec({ name: 'nan', system: DIVZ, axes: [{ param: 'Jz', values: [-1, 0.5, 0] }, { param: 'Delta', from: -1, to: 1, n: 3 }], outputs: ['efficiency', 'liouvillian_gap'] });
    const gpu = await runSweep(spec, { backend: WebGpuBackend.fromEngine(eng), check: 9 });
    expect(gpu.error).toBeUndefined();
    expect(gpu.check?.pass).toBe(true);
    const cpu = new CpuBackend(1);
    const ref = await runSweep(spec, { backend: cpu, check: 0 }).finally(() => cpu.close());
    expect(Array.from(ref.flags.slice(6), (f) => flagNames(f))).toEqual([['non-finite'], ['non-finite'], ['non-finite']]);
    expect(Array.from(gpu.flags.slice(6))).toEqual(Array.from(ref.flags.slice(6)));
    // float64 gaps -0.0429 (Jz = -1) and -0.0408 (Jz = 0.5) off resonance
    expect(gpu.values.liouvillian_gap[0]).toBeCloseTo(-0.04288, 4);
    expect(gpu.values.liouvillian_gap[3]).toBeCloseTo(-0.04081, 4);
    expect(compareResults(gpu, ref).pass).toBe(true);
    const oneSided = { ...gpu, flags: gpu.flags.map((f, k) => (k === 7 ? 0 : f)) };
    expect(compareResults(oneSided, ref).pass).toBe(false);
  }, 300_000);
});

describe('flags never depend on the outputs asked', () => {
  // the point (non-positive: rho's smallest eigenvalue -0.0159; unstable) and random neighbours
  const u = random(11);
  const axes = [
    { param: 'Delta1', values: [4.82242, ...[0, 1, 2].map(() => +(8 * u() - 4).toFixed(4))] },
    { param: 'F', values: [3.42277, +(3 * u()).toFixed(4)] },
    { param: 'tau', values: [20, 50] },
  ];
  const spec = (outputs: string[]) => resolveSpec({ name: 'flags', system: 'common-bath', base: UNSTABLE_BASE, axes, outputs });
  const OUTPUT_SETS = [DEFAULT_OUTPUTS, ['efficiency', 'rho_min_eigenvalue'], ['efficiency', 'steady.entropy_production'], [...SCALAR_OUTPUTS]];

  async function flagsFor(backend: CpuBackend | WebGpuBackend): Promise<number[][]> {
    const out: number[][] = [];
    for (const o of OUTPUT_SETS) {
      const res = await runSweep(spec(o), { backend, check: 0 });
      expect(res.error).toBeUndefined();
      out.push(Array.from(res.flags));
    }
    return out;
  }

  it('cpu: the same flags for every set of outputs; the issue point is non-positive and unstable', async () => {
    const cpu = new CpuBackend(1);
    const sets = await flagsFor(cpu).finally(() => cpu.close());
    for (const f of sets.slice(1)) expect(f).toEqual(sets[0]);
    for (const k of [0, 1]) expect(flagNames(sets[0][k])).toEqual(expect.arrayContaining(['non-positive', 'unstable']));
  });

  gpuIt('webgpu: the same flags for every set of outputs; the issue point is non-positive and unstable, as in float64', async (eng) => {
    const sets = await flagsFor(WebGpuBackend.fromEngine(eng));
    // the old kernels dropped non-positive with ['efficiency', 'rho_min_eigenvalue'] and without rho_min_eigenvalue
    for (const f of sets.slice(1)) expect(f).toEqual(sets[0]);
    for (const k of [0, 1]) expect(flagNames(sets[0][k])).toEqual(expect.arrayContaining(['non-positive', 'unstable']));
  }, 300_000);
});

describe('the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qbsweep-independence-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('point names the term that is not finite in one line; a cpu sweep finishes with the other points; flags are uint16 in HDF5', () => {
    writeFileSync(join(dir, 'divz.json'), JSON.stringify(DIVZ));
    const p = runCli(['point', '--system', join(dir, 'divz.json'), '--set', 'Jz=0', '--json']);
    expect(p.code).toBe(0);
    expect(p.stderr.trim().split('\n')).toEqual(['qbsweep point: not finite: hamiltonian term "ZZ": 0.1/Jz = Infinity at this point']);
    expect(JSON.parse(p.stdout).flags).toEqual(['non-finite']);
    writeFileSync(join(dir, 'nan.json'), JSON.stringify({ name: 'nan', system: 'divz.json', axes: [{ param: 'Jz', values: [-1, 0] }], outputs: ['efficiency'] }));
    const s = runCli(['sweep', '--backend', 'cpu', '--spec', join(dir, 'nan.json'), '--out', join(dir, 'o1')]);
    expect(s.code, s.stderr).toBe(0);
    expect(readFileSync(join(dir, 'o1', 'nan.csv'), 'utf8').trim().split('\n').map((l) => l.split(',').pop())).toEqual(['flags', 'bistable', 'non-finite']);
    // the unstable point: its flag (bit 256) survives in HDF5's uint16 flags
    writeFileSync(join(dir, 'np.json'), JSON.stringify({ name: 'np', system: 'common-bath', base: UNSTABLE_BASE, axes: [{ param: 'tau', values: [5, 20] }], outputs: ['efficiency', 'steady.efficiency'] }));
    const u = runCli(['sweep', '--backend', 'cpu', '--spec', join(dir, 'np.json'), '--out', join(dir, 'o2')]);
    expect(u.code, u.stderr).toBe(0);
    const h5 = execFileSync('/usr/bin/python3', ['-c', `import h5py; f = h5py.File(${JSON.stringify(join(dir, 'o2', 'np.h5'))}); print(f['flags'].dtype, list(f['flags'][:]), list(f['steady_efficiency'][:]))`], { encoding: 'utf8' }).trim();
    expect(h5).toMatch(/^uint16 \[\d+, \d+\] \[nan, nan\]$/);
    expect(h5.match(/\[(\d+), (\d+)\]/)!.slice(1).every((w) => (Number(w) & FLAG_BITS.unstable) !== 0)).toBe(true);
  });
});
