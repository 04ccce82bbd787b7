// Each output defined once (src/core/outputs.ts RECORD_ENTRIES): the record layout follows from
// the registry (and for 16 components is the layout every file of today was written with), and
// every writer writes every slot the registry defines: the float64 writer (cpu), the WGSL
// programs (Node Dawn) and the gpu.js runner (its kernel run as JavaScript, then its float64
// state outputs), each into a record filled with a sentinel first. Every output is a CSV column
// and an HDF5 dataset with the registry's long name and unit, and a row of docs/OUTPUTS.md.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { PARAM_STRIDE, RUN_BYTES, encodeRun } from '../../src/core/layout.js';
import { OUT, OUT_STRIDE, RECORD_ENTRIES, SCALAR_OUTPUTS, type Program, entrySlots, outputSlot, outputValue, programSlots, recordLayout, recordStride, resultValue } from '../../src/core/outputs.js';
import { writeRecord } from '../../src/backends/cpu/record.js';
import { fillRecords, writeStateOutputs } from '../../src/backends/webgl/runner.js';
import type { RunSettings } from '../../src/backends/types.js';
import type { ProgramName } from '../../src/backends/webgpu/programs.js';
import { cfUnits } from '../../src/io/hdf5.js';
import { pointRow } from '../../src/model/generators.js';
import { inverseTemperatureSum } from '../../src/model/observables.js';
import { type PointParams, resolvePoint } from '../../src/model/params.js';
import { type PointResult, evaluatePoint } from '../../src/model/point.js';
import { OUTPUT_DOCS, h5Name, outputColumns, outputsTable } from '../../src/sweep/outputs.js';
import { checkValue } from '../../src/sweep/tolerance.js';
import { REPO, runCli } from '../helpers/cli.js';
import { gpuEngine, releaseGpu } from '../helpers/gpu.js';
import { jsKernel } from '../helpers/webglKernel.js';

/** A value no writer produces (exact in f32). */
const SENTINEL = -12345.5;

/** Every slot of the registry (and r) for a state of 16 components: what each writer must write. */
const ALL_SLOTS = Array.from({ length: OUT_STRIDE }, (_, s) => s);

/**
 * A generic point (a unique limit, fermion currents, not stationary at tau: every output a number),
 * a bistable one, and the generic one from an entangled state (negativity 0.059 at tau, 0.041 in
 * the limit; concurrence 0.15, 0.083) (one system: one compile).
 */
const POINTS: [string, PointParams][] = [
  ['fermion Delta 1 tau 4', resolvePoint({ Delta: 1, reservoir: 'fermion', tau: 4 })],
  ['fermion Delta 0 tau 4 (bistable)', resolvePoint({ Delta: 0, reservoir: 'fermion', tau: 4 })],
  ['fermion Delta 1 tau 4 from (|eg> + |ge>)/sqrt2', resolvePoint({ Delta: 1, reservoir: 'fermion', tau: 4, initial_state: { label: 'plus' } })],
];
const [GENERIC, , ENTANGLED] = POINTS;
/** The points whose every output is checked against float64 (the bistable one's limit is not unique). */
const MATCHED = [GENERIC[1], ENTANGLED[1]];

/** Slots still holding the sentinel, by name. */
function unwritten(rec: ArrayLike<number>, slots: number[] = ALL_SLOTS): string[] {
  const names = new Map<number, string>();
  for (const e of RECORD_ENTRIES) entrySlots(OUT, e).forEach((s, k) => names.set(s, e.size ? `${e.slot}[${k}]` : e.slot));
  return slots.filter((s) => rec[s] === SENTINEL).map((s) => names.get(s) ?? `r[${s}]`);
}

/** Every output of a backend's record against the float64 result, within the cross-check's tolerance (outputs the result has). */
function expectOutputsMatch(rec: ArrayLike<number>, p: PointParams, ref: PointResult, label: string): void {
  const at = { gap: ref.liouvillian_gap, radius: ref.spectral_radius, tau: p.tau, inverseTemperatures: inverseTemperatureSum(p), energy: ref.E_B_over_omega };
  for (const key of SCALAR_OUTPUTS) {
    const want = resultValue(ref, key);
    if (want === undefined) continue;
    const c = checkValue(key, rec[outputSlot(key)!], want, at);
    if (c) expect(c.pass, `${label} ${key}: ${rec[outputSlot(key)!]} vs float64 ${want} (tolerance ${c.tolerance})`).toBe(true);
  }
}

describe('the record layout follows from the registry', () => {
  it('for 16 components: r 0-15, then every slot where the files of today have it, the negativity appended (stride 58)', () => {
    expect(OUT).toEqual({
      r: 0, efficiency: 16, energy: 17, ergotropy: 18, concurrence: 19, steadyEfficiency: 20, steadyEnergy: 21, steadyErgotropy: 22, steadyConcurrence: 23,
      kernelDim: 24, gap: 25, flags: 26, dt: 27, spectralRadius: 28, slowest: 29, steadyFlags: 30, spectrumFlags: 31, transientBound: 32,
      incoherent: 33, coherent: 34, capacity: 35, purity: 36, entropy: 37, rhoMin: 38, averagePower: 39, averageErgotropicPower: 40,
      steadyIncoherent: 41, steadyCoherent: 42, steadyCapacity: 43, steadyPurity: 44, steadyEntropy: 45, steadyRhoMin: 46,
      steadyHeat: 47, steadyParticles: 51, steadyEntropyProduction: 55,
      // appended after the layout of the files of today
      negativity: 56, steadyNegativity: 57,
    });
    expect(OUT_STRIDE).toBe(58);
    expect(programSlots(OUT, 'limit', false)).toEqual([20, 21, 22, 23, 24, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 57]);
  });

  it('for any state dimension: the r block first, then the entries in order, each slot once', () => {
    for (const dim of [4, 16, 64, 256]) {
      const layout = recordLayout(dim);
      const slots = RECORD_ENTRIES.flatMap((e) => entrySlots(layout, e));
      expect(slots, `dimension ${dim}`).toEqual(Array.from({ length: recordStride(dim) - dim }, (_, k) => dim + k));
      expect(layout.efficiency - 16, `dimension ${dim}`).toBe(dim - 16);
    }
  });
});

describe('every writer writes every slot of the registry', () => {
  it('float64 (cpu): every slot, every output from its point --json key', () => {
    for (const [label, p] of POINTS) {
      const res = evaluatePoint(p);
      const rec = new Float64Array(OUT_STRIDE).fill(SENTINEL);
      writeRecord(res, 0.01, rec, 0);
      expect(unwritten(rec), label).toEqual([]);
      // the float64 result has every output (a block: the reservoirs the system has)
      expect(SCALAR_OUTPUTS.filter((key) => resultValue(res, key) === undefined && !outputValue(key)!.entry.size), label).toEqual([]);
      for (const key of SCALAR_OUTPUTS) expect(Object.is(rec[outputSlot(key)!], resultValue(res, key) ?? Number.NaN), `${label} ${key}`).toBe(true);
    }
    // the float32 writers' negativity is checked where there is some
    const entangled = evaluatePoint(ENTANGLED[1]);
    expect(Math.min(entangled.negativity, entangled.steady.negativity)).toBeGreaterThan(0.04);
  });

  it('gpu.js (webgl): the kernel map and the float64 state outputs together write every slot, within tolerance of float64', () => {
    for (const [label, p] of POINTS) {
      const spec = { system: p.system, model: p.model, reservoir: p.reservoir, zeroFreq: p.zero_freq, concurrence: true, steadyConcurrence: true };
      const vec4s = jsKernel(spec)(p);
      const kernelMap = Object.fromEntries(['result', 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7'].map((o, i) => [o, [Float32Array.from(vec4s[i])]]));
      const rows = new Float32Array(PARAM_STRIDE);
      pointRow(p, 0, rows, 0);
      const rec = new Float32Array(OUT_STRIDE).fill(SENTINEL);
      fillRecords(kernelMap, 1, rec, 0, spec);
      writeStateOutputs(rows, rec, 0, 1, { system: p.system, model: p.model, reservoir: p.reservoir, zeroFreq: p.zero_freq });
      expect(unwritten(rec), label).toEqual([]);
      // the gap comes from the spectrum pass (NaN until then)
      if (MATCHED.includes(p)) expectOutputsMatch(rec.map((v, s) => (s === OUT.gap ? evaluatePoint(p).liouvillian_gap : v)), p, evaluatePoint(p), label);
    }
  });

  describe('WGSL (Node Dawn)', () => {
    afterAll(releaseGpu);

    /** Runs the programs one after the other on every point into a record buffer filled with the sentinel. */
    async function dispatch(ps: PointParams[], programs: ProgramName[]): Promise<Float32Array> {
      const engine = (await gpuEngine())!;
      const dev = engine.device;
      const p0 = ps[0];
      const settings: RunSettings = { system: p0.system, model: p0.model, reservoir: p0.reservoir, zeroFreq: p0.zero_freq, spectrumMode: 'all', concurrence: true, steadyConcurrence: true };
      const n = ps.length;
      const rows = new Float32Array(n * PARAM_STRIDE);
      ps.forEach((p, k) => pointRow(p, 0, rows, k));
      const bytes = n * OUT_STRIDE * 4;
      const [STORAGE, UNIFORM, COPY_SRC, COPY_DST, MAP_READ] = [0x80, 0x40, 0x04, 0x08, 0x01];
      const run = dev.createBuffer({ size: RUN_BYTES, usage: UNIFORM | COPY_DST });
      const params = dev.createBuffer({ size: rows.byteLength, usage: STORAGE | COPY_DST });
      const out = dev.createBuffer({ size: bytes, usage: STORAGE | COPY_SRC | COPY_DST });
      const staging = dev.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
      dev.queue.writeBuffer(run, 0, encodeRun({ ...settings, count: n }));
      dev.queue.writeBuffer(params, 0, rows);
      dev.queue.writeBuffer(out, 0, new Float32Array(n * OUT_STRIDE).fill(SENTINEL));
      const enc = dev.createCommandEncoder();
      for (const name of programs) {
        const { pipeline } = await engine.pipeline(name, settings);
        const pass = enc.beginComputePass();
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, dev.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [run, params, out].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
        pass.dispatchWorkgroups(Math.ceil(n / engine.workgroupSize));
        pass.end();
      }
      enc.copyBufferToBuffer(out, 0, staging, 0, bytes);
      dev.queue.submit([enc.finish()]);
      await staging.mapAsync(MAP_READ);
      const rec = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      for (const b of [run, params, out, staging]) b.destroy();
      return rec;
    }

    it('leap then spectrum write every slot, within tolerance of float64', async (ctx) => {
      if (!(await gpuEngine())) ctx.skip('no WebGPU adapter');
      const recs = await dispatch(POINTS.map(([, p]) => p), ['leap', 'spectrum']);
      POINTS.forEach(([label, p], k) => {
        const rec = recs.subarray(k * OUT_STRIDE, (k + 1) * OUT_STRIDE);
        expect(unwritten(rec), label).toEqual([]);
        if (MATCHED.includes(p)) expectOutputsMatch(rec, p, evaluatePoint(p), label);
      });
    });

    it('steady writes the long-time slots and spectrum its own, nothing else (what rk4 copies after its evolution)', async (ctx) => {
      if (!(await gpuEngine())) ctx.skip('no WebGPU adapter');
      for (const [program, of] of [['steady', 'limit'], ['spectrum', 'spectrum']] as [ProgramName, Program][]) {
        const rec = await dispatch([GENERIC[1]], [program]);
        const own = programSlots(OUT, of, true);
        expect(unwritten(rec, own), program).toEqual([]);
        expect(ALL_SLOTS.filter((s) => !own.includes(s) && rec[s] !== SENTINEL), `${program} writes only its slots`).toEqual([]);
      }
    });
  });
});

describe('every output is a column with its long name and unit, and a row of the docs', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('CSV and HDF5 of a sweep with every output (cpu)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qbsweep-outputs-'));
    dirs.push(dir);
    const r = runCli(['sweep', '--axis', 'F=0.2:0.4:2', '--reservoir', 'fermion', '--tau', '4', '--backend', 'cpu', '--outputs', SCALAR_OUTPUTS.join(','), '--out', dir, '--name', 'all']);
    expect(r.code, r.stderr).toBe(0);
    const header = readFileSync(join(dir, 'all.csv'), 'utf8').split('\n').find((l) => !l.startsWith('#'))!.split(',');
    expect(header.filter((c) => SCALAR_OUTPUTS.includes(c))).toEqual(outputColumns([...SCALAR_OUTPUTS]));
    await h5wasm.ready;
    const f = new h5wasm.File(join(dir, 'all.h5'), 'r');
    try {
      for (const key of SCALAR_OUTPUTS) {
        const d = f.get(h5Name(key)) as { attrs: Record<string, { value: unknown }> } | null;
        expect(d, `${key}: dataset ${h5Name(key)}`).toBeTruthy();
        expect(d!.attrs.long_name.value, key).toBe(OUTPUT_DOCS[key].label);
        expect(d!.attrs.units.value, key).toBe(cfUnits(OUTPUT_DOCS[key].unit).units);
      }
    } finally {
      f.close();
    }
  });

  it('docs/OUTPUTS.md has the table the registry generates', () => {
    const doc = readFileSync(join(REPO, 'docs', 'OUTPUTS.md'), 'utf8');
    const table = /<!-- outputs table: generated -->\n([\s\S]*?)\n<!-- end of the generated table -->/.exec(doc)?.[1];
    expect(table, `docs/OUTPUTS.md: paste this table between its markers:\n${outputsTable()}`).toBe(outputsTable());
  });
});
