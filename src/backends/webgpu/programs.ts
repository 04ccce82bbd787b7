// Kernel programs: each is a small object (WGSL snippets, entry point, the buffers it binds,
// its dispatch for a count of points, output layout) assembled from shaders/*.wgsl plus the
// generated code of codegen.ts; the engine runs every one through WebGpuEngine.run.
// Works in Node and in the browser: the WGSL texts are handed in as a name -> source map.

import { wgslConstants } from '../../core/constants.js';
import { OUT_STRIDE, type RunConstants, wgslPointParams } from '../../core/layout.js';
import { wgslRecordWriters } from '../../core/outputs.js';
import { wgslGenerator, wgslObservables } from '../../compiler/targets.js';
import type { ModelName } from '../../model/params.js';
import type { SystemDefinition } from '../../system/definition.js';
import { generatedWgsl } from './codegen.js';
import { ND_WORKGROUP_SIZE, wgslNdLayout } from './nd.js';
import { wgslNdSpectrumLayout } from './ndSpectrum.js';

export type ProgramName = 'leap' | 'steady' | 'spectrum' | 'spectrum_subset' | 'generator_debug' | 'rk4_init' | 'rk4_step' | 'rk4_finish' | 'times' | 'nd_leap' | 'nd_rk4_init' | 'nd_rk4_step' | 'nd_rk4_finish' | 'nd_times_map' | 'nd_times_step' | NdSpectrumProgram;

/** The dispatches of the n > 2 spectrum (ndSpectrum.ts), in the order they run. */
export const ND_SPECTRUM_PROGRAMS = ['nd_spectrum_init', 'nd_spectrum_balance', 'nd_spectrum_reduce', 'nd_spectrum_qr', 'nd_spectrum_finish'] as const;
export type NdSpectrumProgram = (typeof ND_SPECTRUM_PROGRAMS)[number];

/** How a shader reads a buffer (WebGPU's GPUBufferBindingType): var<uniform>, var<storage, read>, var<storage, read_write>. */
export type BindingType = 'uniform' | 'read-only-storage' | 'storage';

/** A buffer the entry point uses: its @binding number, its WGSL variable name (the engine binds buffers by it) and type. */
export interface Binding {
  binding: number;
  name: string;
  type: BindingType;
}

export interface Program {
  name: ProgramName;
  /** entry point (default "main") */
  entry?: string;
  /** shader files (relative to shaders/), in order; the kernel file last */
  files: string[];
  /** the buffers its entry point uses, in binding order (with layout 'auto' a bind group holds exactly these) */
  bindings: Binding[];
  /** invocations per workgroup (default the engine's) */
  workgroupSize?: number;
  /** workgroups for `count` points at its workgroup size (default one invocation per point) */
  workgroups?: (count: number, workgroupSize: number) => number;
  /** pipeline-overridable constants of a run (part of the pipeline's cache key) */
  constants?: (settings: Pick<RunConstants, 'concurrence'>) => Record<string, number>;
  /** f32 values written per point into the bound output buffer */
  outStride: number;
  /** writes observables (the generated observables and currents are compiled in) */
  observables?: boolean;
  /** a program of the n > 2 kernels (nd.ts): its work-buffer and record layout are compiled in, not the two-qubit generator */
  nd?: boolean;
  /** WGSL generated for it alone (its record's layout), after the n > 2 layouts */
  generated?: () => string;
}

const RUN: Binding = { binding: 0, name: 'run', type: 'uniform' };
const PARAMS: Binding = { binding: 1, name: 'params', type: 'read-only-storage' };
const OUT_BUFFER: Binding = { binding: 2, name: 'out', type: 'storage' };
const RUN_PARAMS_OUT = [RUN, PARAMS, OUT_BUFFER];
// rk4: the per-point matrices and states between its dispatches
const RK4_MATS: Binding = { binding: 3, name: 'mats', type: 'storage' };
const RK4_STATES: Binding = { binding: 4, name: 'states', type: 'storage' };

// the system's generator (src/compiler) comes between layout.wgsl and these
const PHYSICS = ['layout.wgsl', 'observables.wgsl', 'propagate.wgsl'];
// n > 2: each point's generator in its work buffer (nd.ts), the layouts after layout.wgsl
const ND_BINDINGS: Binding[] = [RUN, { binding: 1, name: 'work', type: 'storage' }, { binding: 2, name: 'out', type: 'storage' }];
const ND_LAYOUT = { workgroupSize: ND_WORKGROUP_SIZE, workgroups: (count: number) => count, outStride: 0, nd: true } as const;
const ND_RK4 = ['layout.wgsl', 'propagate.wgsl', 'nd.wgsl', 'kernels/nd_rk4.wgsl'];
// the n > 2 spectrum: init, balance and reduce work in the work buffer alone, qr and finish write the record
const ndSpectrum = (name: NdSpectrumProgram): Program => ({
  name,
  entry: name.replace('nd_', ''),
  files: ['layout.wgsl', 'nd.wgsl', 'kernels/nd_spectrum.wgsl'],
  bindings: name === 'nd_spectrum_qr' || name === 'nd_spectrum_finish' ? ND_BINDINGS : ND_BINDINGS.slice(0, 2),
  generated: wgslNdSpectrumLayout,
  ...ND_LAYOUT,
});
const ND_TIMES = ['layout.wgsl', 'propagate.wgsl', 'nd.wgsl', 'kernels/nd_times.wgsl'];

export const PROGRAMS: Record<ProgramName, Program> = {
  leap: { name: 'leap', files: [...PHYSICS, 'records.wgsl', 'kernels/leap.wgsl'], bindings: RUN_PARAMS_OUT, outStride: OUT_STRIDE, observables: true },
  steady: { name: 'steady', files: [...PHYSICS, 'records.wgsl', 'kernels/steady.wgsl'], bindings: RUN_PARAMS_OUT, outStride: OUT_STRIDE, observables: true },
  spectrum: { name: 'spectrum', files: [...PHYSICS, 'spectrum.wgsl', 'kernels/spectrum.wgsl'], bindings: RUN_PARAMS_OUT, outStride: OUT_STRIDE },
  spectrum_subset: {
    name: 'spectrum_subset',
    entry: 'subset',
    files: [...PHYSICS, 'spectrum.wgsl', 'kernels/spectrum.wgsl'],
    bindings: [RUN, PARAMS, { binding: 3, name: 'indices', type: 'read-only-storage' }, { binding: 4, name: 'compact', type: 'storage' }],
    outStride: 4,
  },
  generator_debug: { name: 'generator_debug', files: [...PHYSICS, 'kernels/generator_debug.wgsl'], bindings: RUN_PARAMS_OUT, outStride: 288 },
  rk4_init: { name: 'rk4_init', entry: 'rk4_init', files: [...PHYSICS, 'records.wgsl', 'kernels/rk4.wgsl'], bindings: [RUN, PARAMS, RK4_MATS, RK4_STATES], outStride: OUT_STRIDE, observables: true },
  rk4_step: { name: 'rk4_step', entry: 'rk4_step', files: [...PHYSICS, 'records.wgsl', 'kernels/rk4.wgsl'], bindings: [RUN, RK4_MATS, RK4_STATES], outStride: OUT_STRIDE, observables: true },
  rk4_finish: { name: 'rk4_finish', entry: 'rk4_finish', files: [...PHYSICS, 'records.wgsl', 'kernels/rk4.wgsl'], bindings: [RUN, PARAMS, OUT_BUFFER, RK4_STATES], outStride: OUT_STRIDE, observables: true },
  // per point 5 x n values (n = Run.times_count): the engine sizes its buffer, not outStride.
  // The concurrence compiled in only where asked for (an override, not a run-time branch:
  // llvmpipe ran a branch around it 3.6x slower, and select() computes both sides)
  times: {
    name: 'times',
    files: [...PHYSICS, 'kernels/times.wgsl'],
    bindings: RUN_PARAMS_OUT,
    constants: (s) => ({ WITH_CONCURRENCE: s.concurrence === false ? 0 : 1 }),
    outStride: 0,
    observables: true,
  },
  // n > 2 (the registry's record of the system's state size, nd.ts wgslNdLayout): a workgroup per point
  nd_leap: { name: 'nd_leap', files: ['layout.wgsl', 'nd.wgsl', 'kernels/nd_leap.wgsl'], bindings: ND_BINDINGS, ...ND_LAYOUT },
  nd_rk4_init: { name: 'nd_rk4_init', entry: 'rk4_init', files: ND_RK4, bindings: ND_BINDINGS.slice(0, 2), ...ND_LAYOUT },
  nd_rk4_step: { name: 'nd_rk4_step', entry: 'rk4_step', files: ND_RK4, bindings: ND_BINDINGS.slice(0, 2), ...ND_LAYOUT },
  nd_rk4_finish: { name: 'nd_rk4_finish', entry: 'rk4_finish', files: ND_RK4, bindings: ND_BINDINGS, ...ND_LAYOUT },
  ...(Object.fromEntries(ND_SPECTRUM_PROGRAMS.map((p) => [p, ndSpectrum(p)])) as Record<NdSpectrumProgram, Program>),
  // n > 2 charging curves (after nd_leap to the grid's first time): r(t_j) per point and time (stateDim f32 each) into `out`, the engine sizes it
  nd_times_map: { name: 'nd_times_map', entry: 'times_map', files: ND_TIMES, bindings: ND_BINDINGS.slice(0, 2), ...ND_LAYOUT },
  nd_times_step: { name: 'nd_times_step', entry: 'times_step', files: ND_TIMES, bindings: ND_BINDINGS, ...ND_LAYOUT },
};

/** Every shader file any program needs (what a browser must fetch). */
export const SHADER_FILES: string[] = [...new Set(Object.values(PROGRAMS).flatMap((p) => p.files))];

export type ShaderSources = Record<string, string>;

let generatedCache: string | undefined;

/** The full WGSL module of a program at a workgroup size, for a system and model. */
export function assembleShader(program: Program, sources: ShaderSources, workgroupSize: number, system: SystemDefinition, model: ModelName): string {
  generatedCache ??= generatedWgsl();
  const parts = [`const WORKGROUP_SIZE: u32 = ${workgroupSize}u;`, wgslConstants(), wgslPointParams(), generatedCache];
  for (const f of program.files) {
    const src = sources[f];
    if (src === undefined) throw new Error(`shader source ${f} is missing`);
    parts.push(`// ---- ${f}\n${src}`);
    if (f === 'records.wgsl') parts.push(wgslRecordWriters(16));
    if (f === 'layout.wgsl' && program.nd) parts.push(`// ---- generated: the n > 2 layouts\n${wgslNdLayout(system.stateDim)}${program.generated ? `\n${program.generated()}` : ''}`);
    else if (f === 'layout.wgsl') parts.push(`// ---- generated: the system's generator${program.observables ? ', its currents and the observables' : ''}\n${wgslGenerator(system, model, program.observables === true)}${program.observables ? `\n${wgslObservables()}` : ''}`);
  }
  return parts.join('\n\n');
}

export function entryPoint(program: Program): string {
  return program.entry ?? 'main';
}

/** Workgroups of a program for `count` points. */
export function workgroupsFor(program: Program, count: number, workgroupSize: number): number {
  return program.workgroups ? program.workgroups(count, workgroupSize) : Math.ceil(count / workgroupSize);
}
