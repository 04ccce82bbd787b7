// The emitted generator in each target: a float64 JavaScript function (the cpu backend and the
// float64 reference), and the WGSL `point_generator` of the GPU kernels. The gpu.js kernel
// emits it inline (src/backends/webgl/kernel.ts).

import { STATE_OBSERVABLES } from '../core/outputs.js';
import { MAX_RESERVOIRS, ROW, rowLayout, wgslRowSlot } from '../core/layout.js';
import type { ModelName, Reservoir, ZeroFreq } from '../core/layout.js';
import { dimensionOf } from '../core/dimension.js';
import { cmul } from '../algebra/complex.js';
import { pauliTransferF64 } from '../algebra/pauliTransfer.js';
import type { SystemDefinition } from '../system/definition.js';
import { Emitter, ONE, ZERO } from './emitter.js';
import { emitSystemGenerator } from './generator.js';
import { emitAveragePower, emitBattery, emitConcurrence, emitStateObservables, emitThermodynamics } from './observables.js';

/**
 * Writes G (stateDim^2 entries, row-major) for the row at `offset`; returns 1 at a degenerate crossing.
 * With `aux` (auxLayout(stateDim).length), also the reservoirs' current coefficients.
 */
export type GeneratorF64 = (row: ArrayLike<number>, offset: number, G: Float64Array, aux?: Float64Array) => number;

/**
 * aux of GeneratorF64 for a state of stateDim components (R = MAX_RESERVOIRS): heat coefficients
 * [stateDim k + a], particle ones [particles + stateDim k + a], then T, mu, fermion [.. + k].
 */
export function auxLayout(stateDim: number) {
  const particles = MAX_RESERVOIRS * stateDim;
  const T = 2 * particles;
  return { heat: 0, particles, T, mu: T + MAX_RESERVOIRS, fermion: T + 2 * MAX_RESERVOIRS, length: T + 3 * MAX_RESERVOIRS } as const;
}
/** The observables below are the two-qubit battery's (charger and battery, the concurrence): compiled for n = 2. */
const TWO_QUBITS = dimensionOf(2);
/** The two-qubit aux the observables read. */
export const AUX = auxLayout(TWO_QUBITS.stateDim);

export interface Variant {
  model: ModelName;
  /** every reservoir's statistics set to this; undefined: as the system defines them */
  reservoir?: Reservoir;
  zeroFreq: ZeroFreq;
}

const statisticsCode = (r: Reservoir | undefined) => (r === undefined ? 0 : r === 'boson' ? 1 : 2);

const f64Cache = new WeakMap<SystemDefinition, Map<string, GeneratorF64>>();

/** The float64 generator of a system and variant (compiled once, then cached). */
export function generatorF64(sys: SystemDefinition, v: Variant): GeneratorF64 {
  let bySystem = f64Cache.get(sys);
  if (!bySystem) f64Cache.set(sys, (bySystem = new Map()));
  const key = `${v.model}:${v.reservoir ?? ''}:${v.zeroFreq}`;
  let fn = bySystem.get(key);
  if (!fn) {
    fn = compileGeneratorF64(sys, v);
    bySystem.set(key, fn);
  }
  return fn;
}

/**
 * How the float64 code computes: `unrolled`, every entry of every product and of G emitted as code
 * (the GPU kernels' form); `runtime`, the complex products by cmul and G by pauliTransferF64 at run
 * time on scratch arrays. Four qubits take the runtime form: unrolled, their generator is 40-250 MB
 * of code that takes 15-40 s to emit and overflows Node's stack when V8 compiles it.
 */
export type GeneratorForm = 'unrolled' | 'runtime';
const generatorFormOf = (sys: SystemDefinition): GeneratorForm => (sys.qubits >= 4 ? 'runtime' : 'unrolled');

/** The functions of src/algebra the float64 generator's module calls (its runtime form), by the names it calls them. */
const RUNTIME_HELPERS = { cmul, pauliTransferF64 };

/** The source of the float64 generator's module: it returns the GeneratorF64, given RUNTIME_HELPERS as its parameters. */
export function generatorF64Source(sys: SystemDefinition, v: Variant, form: GeneratorForm = generatorFormOf(sys)): string {
  const em = new Emitter('js64', form === 'runtime');
  const row = rowLayout(sys.amplitudes);
  const aux = auxLayout(sys.stateDim);
  const gen = emitSystemGenerator(
    em,
    sys,
    { model: v.model, statistics: { constant: statisticsCode(v.reservoir) }, zeroLimit: { constant: v.zeroFreq === 'limit' ? 1 : 0 }, currents: true, transferInto: form === 'runtime' ? 'G' : undefined },
    { param: (i) => `row[offset + ${row.params + i}]`, lindbladW: `row[offset + ${row.lindbladW}]` },
  );
  gen.G.forEach((g, k) => em.line(`G[${k}] = ${g};`));
  em.open('if (aux) {');
  const c = gen.currents!();
  for (let k = 0; k < MAX_RESERVOIRS; k++) {
    for (let a = 0; a < sys.stateDim; a++) {
      em.line(`aux[${aux.heat + sys.stateDim * k + a}] = ${c.heat[k]?.[a] ?? ZERO};`);
      em.line(`aux[${aux.particles + sys.stateDim * k + a}] = ${c.particles[k]?.[a] ?? ZERO};`);
    }
    em.line(`aux[${aux.T + k}] = ${c.T[k] ?? ONE};`);
    em.line(`aux[${aux.mu + k}] = ${c.mu[k] ?? ZERO};`);
    em.line(`aux[${aux.fermion + k}] = ${c.fermion[k] ?? ZERO};`);
  }
  em.close();
  em.line(`return ${gen.degenerate};`);
  return `'use strict';\n${[...gen.functions, ...em.declarations].join('\n')}\nreturn function generator(row, offset, G, aux) {\n${em.source()}\n};`;
}

/** The float64 generator compiled (not cached: generatorF64 caches); `form` as generatorF64Source. */
export function compileGeneratorF64(sys: SystemDefinition, v: Variant, form: GeneratorForm = generatorFormOf(sys)): GeneratorF64 {
  // generated from the system definition (never from user text: every name is checked and
  // every expression re-emitted from its parsed tree)
  return new Function(...Object.keys(RUNTIME_HELPERS), generatorF64Source(sys, v, form))(...Object.values(RUNTIME_HELPERS)) as GeneratorF64;
}

/**
 * WGSL: the rate functions, `fn point_generator(run, p) -> Generator` and `fn point_currents(run, p)
 * -> Currents` (the reservoirs' current coefficients: a function of its own, so that the
 * generator a kernel keeps through the whole evolution stays small). The kernels are the
 * unrolled two-qubit ones (Mat16, Vec16, the n = 2 ROW).
 */
export function wgslGenerator(sys: SystemDefinition, model: ModelName, withCurrents = true): string {
  if (sys.qubits !== 2) throw new Error(`system ${sys.name}: the WGSL kernels are generated for 2 qubits (got ${sys.qubits})`);
  const options = { model, statistics: { runtime: 'run.statistics' }, zeroLimit: { runtime: 'select(0.0, 1.0, run.zero_freq == 0u)' } } as const;
  const read = { param: (i: number) => wgslRowSlot(ROW.params + i), lindbladW: wgslRowSlot(ROW.lindbladW) };
  const em = new Emitter('wgsl');
  const gen = emitSystemGenerator(em, sys, options, read);
  em.line('var m: Mat16;');
  // G[4I + r][4J + c] lives in b{I}{J}[c][r] (column-major blocks)
  for (let I = 0; I < 4; I++) {
    for (let J = 0; J < 4; J++) {
      const cols = [0, 1, 2, 3].map((c) => [0, 1, 2, 3].map((r) => gen.G[(4 * I + r) * 16 + 4 * J + c]).join(', '));
      em.line(`m.b${I}${J} = mat4x4<f32>(${cols.join(', ')});`);
    }
  }
  em.line(`return Generator(m, ${gen.degenerate} > 0.5);`);

  const ec = new Emitter('wgsl');
  const c = emitSystemGenerator(ec, sys, { ...options, currents: true, generator: false }, read).currents!();
  const vec16 = (q: string[] | undefined) => `Vec16(${[0, 1, 2, 3].map((I) => `vec4<f32>(${[0, 1, 2, 3].map((j) => q?.[4 * I + j] ?? ZERO).join(', ')})`).join(', ')})`;
  const vec4 = (xs: string[], pad: string) => `vec4<f32>(${[0, 1, 2, 3].map((k) => xs[k] ?? pad).join(', ')})`;
  ec.line('var cur: Currents;');
  for (let k = 0; k < MAX_RESERVOIRS; k++) {
    ec.line(`cur.hq${k} = ${vec16(c.heat[k])};`);
    ec.line(`cur.nq${k} = ${vec16(c.particles[k])};`);
  }
  ec.line(`cur.temps = ${vec4(c.T, ONE)};`);
  ec.line(`cur.mus = ${vec4(c.mu, ZERO)};`);
  ec.line(`cur.fermions = ${vec4(c.fermion, ZERO)};`);
  ec.line('return cur;');
  const head = [
    `// system ${sys.name}, model ${model}: generated by src/compiler (do not edit)`,
    // the size the shared shaders (spectrum.wgsl) are written in
    `const STATE_DIM: i32 = ${sys.stateDim};`,
    ...gen.functions,
    'struct Generator { g: Mat16, degenerate: bool }',
    `fn point_generator(run: Run, p: PointParams) -> Generator {\n${em.source()}\n}`,
  ];
  if (!withCurrents) return head.join('\n');
  return [
    ...head,
    // hq/nq: Pauli coefficients of D_k^+(H) and of the jump rates of reservoir k (the long-time currents)
    `struct Currents { ${[0, 1, 2, 3].map((k) => `hq${k}: Vec16, nq${k}: Vec16`).join(', ')}, temps: vec4<f32>, mus: vec4<f32>, fermions: vec4<f32> }`,
    `fn point_currents(run: Run, p: PointParams) -> Currents {\n${ec.source()}\n}`,
  ].join('\n');
}

const R16 = Array.from({ length: TWO_QUBITS.stateDim }, (_, i) => `r${i}`);

type ThermodynamicsF64 = (aux: ArrayLike<number>, r: ArrayLike<number>) => number[];
const thermoCache = new Map<string, ThermodynamicsF64>();
/**
 * [J_1..4, N_1..4, entropy production, first-law violated, second-law violated] of a state of
 * stateDim components from GeneratorF64's aux, in float64 (compiled once per size): the laws
 * checked with the tolerances of the state's precision (f32: a GPU's state, webgpu n > 2).
 */
export function thermodynamicsF64(stateDim: number, precision: 'f64' | 'f32' = 'f64'): ThermodynamicsF64 {
  const key = `${stateDim}:${precision}`;
  let fn = thermoCache.get(key);
  if (!fn) {
    const aux = auxLayout(stateDim);
    const comps = Array.from({ length: stateDim }, (_, a) => a);
    // gpujs: JavaScript of f32 tolerances (run here in float64)
    const th = new Emitter(precision === 'f64' ? 'js64' : 'gpujs');
    const at = (k: number) => `aux[${k}]`;
    const reservoirs = Array.from({ length: MAX_RESERVOIRS }, (_, k) => k);
    const t = emitThermodynamics(th, {
      heat: reservoirs.map((k) => comps.map((a) => at(aux.heat + stateDim * k + a))),
      particles: reservoirs.map((k) => comps.map((a) => at(aux.particles + stateDim * k + a))),
      T: reservoirs.map((k) => at(aux.T + k)),
      mu: reservoirs.map((k) => at(aux.mu + k)),
      fermion: reservoirs.map((k) => at(aux.fermion + k)),
    }, comps.map((a) => `r[${a}]`));
    th.line(`return [${[...t.heat, ...t.particles, t.entropyProduction, t.firstLaw, t.secondLaw].join(', ')}];`);
    thermoCache.set(key, (fn = new Function('aux', 'r', `'use strict';\n${th.source()}`) as ThermodynamicsF64));
  }
  return fn;
}

/** Float64 observables of a Pauli vector: [efficiency, E_B/omega, ergotropy/omega, zero-energy (0/1)] and the concurrence. */
export const observablesF64 = (() => {
  let compiled:
    | {
        battery: (r: ArrayLike<number>) => number[];
        concurrence: (r: ArrayLike<number>) => number;
        /** the state observables in the order of STATE_OBSERVABLES (src/core/outputs.ts) */
        state: (r: ArrayLike<number>) => number[];
        /** [J_1..4, N_1..4, entropy production, first-law violated, second-law violated] from GeneratorF64's aux */
        thermodynamics: (aux: ArrayLike<number>, r: ArrayLike<number>) => number[];
        /** (x - x0) / t, 0 at t = 0 */
        averagePower: (x: number, x0: number, t: number) => number;
      }
    | undefined;
  return () => {
    if (!compiled) {
      const b = new Emitter('js64');
      const bat = emitBattery(b, 'b', R16.map((_, i) => `r[${i}]`));
      b.line(`return [${bat.efficiency}, ${bat.energy}, ${bat.ergotropy}, ${bat.zeroEnergy}];`);
      const c = new Emitter('js64');
      c.line(`return ${emitConcurrence(c, R16.map((_, i) => `r[${i}]`))};`);
      const st = new Emitter('js64');
      const rs = R16.map((_, i) => `r[${i}]`);
      const sb = emitBattery(st, 'b', rs);
      const so = emitStateObservables(st, 's', rs, sb.ergotropy);
      st.line(`return [${STATE_OBSERVABLES.map(([part]) => so[part]).join(', ')}];`);
      const ap = new Emitter('js64');
      ap.line(`return ${emitAveragePower(ap, 'p', 'x', 'x0', 't')};`);
      compiled = {
        averagePower: new Function('x', 'x0', 't', `'use strict';\n${ap.source()}`) as (x: number, x0: number, t: number) => number,
        battery: new Function('r', `'use strict';\n${b.source()}`) as (r: ArrayLike<number>) => number[],
        concurrence: new Function('r', `'use strict';\n${c.source()}`) as (r: ArrayLike<number>) => number,
        state: new Function('r', `'use strict';\n${st.source()}`) as (r: ArrayLike<number>) => number[],
        thermodynamics: thermodynamicsF64(TWO_QUBITS.stateDim),
      };
    }
    return compiled;
  };
})();

/** WGSL: fn battery(r: Vec16) -> Battery and fn concurrence(r: Vec16) -> f32. */
export function wgslObservables(): string {
  const comp = R16.map((_, i) => `r.v${i >> 2}[${i & 3}]`);
  const b = new Emitter('wgsl');
  const bat = emitBattery(b, 'b', comp);
  b.line(`return Battery(${bat.efficiency}, ${bat.energy}, ${bat.ergotropy}, ${bat.zeroEnergy} > 0.5);`);
  const c = new Emitter('wgsl');
  c.line(`return ${emitConcurrence(c, comp)};`);
  const st = new Emitter('wgsl');
  const sb = emitBattery(st, 'b', comp);
  const so = emitStateObservables(st, 's', comp, sb.ergotropy);
  st.line(`return array<f32, ${STATE_OBSERVABLES.length}>(${STATE_OBSERVABLES.map(([part]) => so[part]).join(', ')});`);
  const th = new Emitter('wgsl');
  const v16 = (name: string) => R16.map((_, a) => `g.${name}.v${a >> 2}[${a & 3}]`);
  const t = emitThermodynamics(th, {
    heat: [0, 1, 2, 3].map((k) => v16(`hq${k}`)),
    particles: [0, 1, 2, 3].map((k) => v16(`nq${k}`)),
    T: [0, 1, 2, 3].map((k) => `g.temps[${k}]`),
    mu: [0, 1, 2, 3].map((k) => `g.mus[${k}]`),
    fermion: [0, 1, 2, 3].map((k) => `g.fermions[${k}]`),
  }, comp);
  th.line(`return array<f32, 11>(${[...t.heat, ...t.particles, t.entropyProduction, t.firstLaw, t.secondLaw].join(', ')});`);
  const ap = new Emitter('wgsl');
  ap.line(`return ${emitAveragePower(ap, 'p', 'x', 'x0', 't')};`);
  return [
    '// battery observables and concurrence: generated by src/compiler/observables.ts (do not edit)',
    'struct Battery { efficiency: f32, energy: f32, ergotropy: f32, zero_energy: bool }',
    `fn battery(r: Vec16) -> Battery {\n${b.source()}\n}`,
    `fn concurrence(r: Vec16) -> f32 {\n${c.source()}\n}`,
    '// the state observables of a state, in the order of src/core/outputs.ts STATE_OBSERVABLES',
    `fn state_observables(r: Vec16) -> array<f32, ${STATE_OBSERVABLES.length}> {\n${st.source()}\n}`,
    '// [J_1..4, N_1..4, entropy production, first law violated, second law violated] of a long-time state',
    `fn steady_thermodynamics(g: Currents, r: Vec16) -> array<f32, 11> {\n${th.source()}\n}`,
    '// (x - x0) / t, 0 at t = 0: an average charging power',
    `fn average_power(x: f32, x0: f32, t: f32) -> f32 {\n${ap.source()}\n}`,
  ].join('\n');
}
