// The GPU kernels of systems of 3 and 4 qubits (stateDim 64, 256): one workgroup per point, an
// invocation per row, the generator and the propagator in a per-point work buffer (64^2 f32 =
// 16 KiB, 256^2 = 256 KiB: more than workgroup storage holds). Two qubits keep their own
// one-thread-per-point kernels (programs.ts leap, spectrum, ...): nothing here touches them.
// The host fills each point's generator from the system's compiled definition (float64,
// src/compiler/targets.ts generatorF64) and its initial Pauli vector; the kernels
// (shaders/kernels/nd_*.wgsl) take the leap with its early stop (or rk4) and the exact
// long-time limit (null vector of G); the host computes every output from those two states
// (ndRun.ts). No n > 2 spectrum program yet: the record's gap slots are NaN.

import { recordLayout, recordStride, rowLayout } from '../../core/layout.js';
import { dimensionOf } from '../../core/dimension.js';
import { auxLayout, generatorF64 } from '../../compiler/targets.js';
import { densityToVector, pureDensity } from '../../algebra/pauli.js';
import type { RunSettings } from '../types.js';

/** Invocations per workgroup of the n > 2 programs (each takes rows i, i + 64, ...). */
export const ND_WORKGROUP_SIZE = 64;

/**
 * A point's work buffer (f32): [0] tau, [1] dt (<= 0: the kernel chooses), [2] 1 at a degenerate
 * crossing of the generator, [3] 0; r0 (stateDim), the long-time r the kernel writes (stateDim,
 * NaN where the limit is not unique: the record has no slot for it, the host reads it here), G
 * (stateDim^2, row-major, written by the host), then two stateDim^2 matrices the kernel works in
 * (the propagator M, a product P).
 */
export function ndWorkLayout(stateDim: number) {
  const r0 = 4;
  const steadyR = r0 + stateDim;
  const G = steadyR + stateDim;
  const M = G + stateDim * stateDim;
  const P = M + stateDim * stateDim;
  return { tau: 0, dt: 1, degenerate: 2, r0, steadyR, G, M, P, stride: P + stateDim * stateDim } as const;
}

/**
 * WGSL: the work-buffer offsets (tau, dt, degenerate in the .x, .y, .z of its first vec4) and the
 * record slots of a state of stateDim components: the registry's record (src/core/outputs.ts
 * recordLayout, r first), as REC_* (the two-qubit OUT_* are in every program's preamble).
 */
export function wgslNdLayout(stateDim: number): string {
  const w = ndWorkLayout(stateDim);
  const name = (k: string) => k.replace(/(?<=[a-z0-9])[A-Z]/g, (c) => `_${c}`).toUpperCase();
  return [
    `const STATE_DIM: i32 = ${stateDim};`,
    // the work buffer is read as vec4 (every block starts on one): its offsets in vec4s
    ...Object.entries(w).filter(([k]) => !['dt', 'degenerate'].includes(k)).map(([k, v]) => `const WORK4_${name(k)}: u32 = ${v / 4}u;`),
    ...Object.entries(recordLayout(stateDim)).map(([k, v]) => `const REC_${name(k)}: u32 = ${v}u;`),
    `const REC_STRIDE: u32 = ${recordStride(stateDim)}u;`,
  ].join('\n');
}

/** Bytes one point needs on the device: its work buffer (the largest binding) and its record. */
export function ndBytesPerPoint(stateDim: number): { work: number; record: number } {
  return { work: ndWorkLayout(stateDim).stride * 4, record: recordStride(stateDim) * 4 };
}

/** Bytes of the states of one point's charging curve on a grid of `times` times (nd_times: r(t_j), stateDim f32 each). */
export function ndTimesBytesPerPoint(stateDim: number, times: number): number {
  return times * stateDim * 4;
}

/** Times one dispatch of nd_times_step steps through (~20 loop iterations a time for n = 3: far inside llvmpipe's budget, as rk4's 400 steps). */
export const ND_TIMES_PER_DISPATCH = 400;

/** Workgroup storage of the n > 2 programs (shaders/nd.wgsl): three state vectors, a reduction slot per invocation and one scalar. */
export function ndWorkgroupBytes(stateDim: number): number {
  return 4 * (3 * stateDim + ND_WORKGROUP_SIZE + 1);
}

const KIB = (b: number) => `${(b / 1024).toFixed(b % 1024 ? 1 : 0)} KiB`;

/**
 * Checked against the adapter's limits before anything is allocated: the one line that says
 * which limit a point of this size exceeds, or undefined when one point fits.
 */
export function ndLimitsRefusal(limits: Pick<GPUSupportedLimits, 'maxStorageBufferBindingSize' | 'maxBufferSize' | 'maxComputeWorkgroupStorageSize' | 'maxComputeInvocationsPerWorkgroup'>, qubits: number): string | undefined {
  const { stateDim } = dimensionOf(qubits);
  const { work } = ndBytesPerPoint(stateDim);
  const hint = 'run it with --backend cpu, or split the sweep (qbsweep sweep --shard i/N) over machines whose GPUs allow more';
  const needs: [keyof typeof limits, number, string][] = [
    ['maxStorageBufferBindingSize', work, `${KIB(work)} of storage buffer per point`],
    ['maxBufferSize', work, `a buffer of ${KIB(work)} per point`],
    ['maxComputeWorkgroupStorageSize', ndWorkgroupBytes(stateDim), `${KIB(ndWorkgroupBytes(stateDim))} of workgroup storage`],
    ['maxComputeInvocationsPerWorkgroup', ND_WORKGROUP_SIZE, `${ND_WORKGROUP_SIZE} invocations per workgroup`],
  ];
  for (const [limit, need, what] of needs) {
    if (limits[limit] < need) return `webgpu: a system of ${qubits} qubits needs ${what}, this adapter's ${limit} is ${limits[limit]}: ${hint}`;
  }
  return undefined;
}

/**
 * Fills the work buffers of `count` points from their parameter rows (rowLayout of the
 * system's amplitudes, float64): tau, the row's dt, the degenerate flag, the generator and the
 * initial Pauli vector, computed in float64 and rounded once to f32. (The generator is the
 * float64 one of the cpu backend: a WGSL generator for n > 2 is what remains, see the report.)
 * With `aux` (auxLayout(stateDim).length per point), each point's current coefficients too.
 */
export function fillNdWork(rows: ArrayLike<number>, count: number, settings: Pick<RunSettings, 'system' | 'model' | 'reservoir' | 'zeroFreq'>, aux?: Float64Array): Float32Array<ArrayBuffer> {
  const sys = settings.system;
  const D = sys.stateDim;
  const row = rowLayout(sys.amplitudes);
  const w = ndWorkLayout(D);
  const auxLength = auxLayout(D).length;
  const gen = generatorF64(sys, { model: settings.model, reservoir: settings.reservoir, zeroFreq: settings.zeroFreq });
  const G = new Float64Array(D * D);
  const work = new Float32Array(count * w.stride);
  for (let k = 0; k < count; k++) {
    const o = k * row.stride;
    const b = k * w.stride;
    const degenerate = gen(rows, o, G, aux?.subarray(k * auxLength, (k + 1) * auxLength));
    const psiRe = Array.from({ length: sys.amplitudes }, (_, a) => rows[o + row.psiRe + a]);
    const psiIm = Array.from({ length: sys.amplitudes }, (_, a) => rows[o + row.psiIm + a]);
    work[b + w.tau] = rows[o + row.tau];
    work[b + w.dt] = rows[o + row.dt];
    work[b + w.degenerate] = degenerate;
    work.set(densityToVector(pureDensity(psiRe, psiIm)), b + w.r0);
    work.set(G, b + w.G);
  }
  return work;
}
