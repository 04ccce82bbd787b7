// Kernel programs: each is a small object (WGSL snippets, entry point, workgroup size,
// output layout) assembled from shaders/*.wgsl plus the generated code of codegen.ts.
// Works in Node and in the browser: the WGSL texts are handed in as a name -> source map.

import { wgslConstants } from '../../core/constants.js';
import { OUT_STRIDE, wgslPointParams } from '../../core/layout.js';
import { wgslRecordWriters } from '../../core/outputs.js';
import { wgslGenerator, wgslObservables } from '../../compiler/targets.js';
import type { ModelName } from '../../model/params.js';
import type { SystemDefinition } from '../../system/definition.js';
import { generatedWgsl } from './codegen.js';

export type ProgramName = 'leap' | 'steady' | 'spectrum' | 'spectrum_subset' | 'generator_debug' | 'rk4_init' | 'rk4_step' | 'rk4_finish' | 'times';

export interface Program {
  name: ProgramName;
  /** entry point (default "main") */
  entry?: string;
  /** shader files (relative to shaders/), in order; the kernel file last */
  files: string[];
  /** f32 values written per point into the bound output buffer */
  outStride: number;
  /** writes observables (the generated observables and currents are compiled in) */
  observables?: boolean;
}

// the system's generator (src/compiler) comes between layout.wgsl and these
const PHYSICS = ['layout.wgsl', 'observables.wgsl', 'propagate.wgsl'];

export const PROGRAMS: Record<ProgramName, Program> = {
  leap: { name: 'leap', files: [...PHYSICS, 'records.wgsl', 'kernels/leap.wgsl'], outStride: OUT_STRIDE, observables: true },
  steady: { name: 'steady', files: [...PHYSICS, 'records.wgsl', 'kernels/steady.wgsl'], outStride: OUT_STRIDE, observables: true },
  spectrum: { name: 'spectrum', files: [...PHYSICS, 'spectrum.wgsl', 'kernels/spectrum.wgsl'], outStride: OUT_STRIDE },
  spectrum_subset: { name: 'spectrum_subset', entry: 'subset', files: [...PHYSICS, 'spectrum.wgsl', 'kernels/spectrum.wgsl'], outStride: 4 },
  generator_debug: { name: 'generator_debug', files: [...PHYSICS, 'kernels/generator_debug.wgsl'], outStride: 288 },
  rk4_init: { name: 'rk4_init', entry: 'rk4_init', files: [...PHYSICS, 'records.wgsl', 'kernels/rk4.wgsl'], outStride: OUT_STRIDE, observables: true },
  rk4_step: { name: 'rk4_step', entry: 'rk4_step', files: [...PHYSICS, 'records.wgsl', 'kernels/rk4.wgsl'], outStride: OUT_STRIDE, observables: true },
  // per point 5 x n values (n = Run.times_count): the engine sizes its buffer, not outStride
  times: { name: 'times', files: [...PHYSICS, 'kernels/times.wgsl'], outStride: 0, observables: true },
  rk4_finish: { name: 'rk4_finish', entry: 'rk4_finish', files: [...PHYSICS, 'records.wgsl', 'kernels/rk4.wgsl'], outStride: OUT_STRIDE, observables: true },
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
    if (f === 'layout.wgsl') parts.push(`// ---- generated: the system's generator${program.observables ? ', its currents and the observables' : ''}\n${wgslGenerator(system, model, program.observables === true)}${program.observables ? `\n${wgslObservables()}` : ''}`);
  }
  return parts.join('\n\n');
}

export function entryPoint(program: Program): string {
  return program.entry ?? 'main';
}
