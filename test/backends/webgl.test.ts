// The gpu.js kernel of the webgl backend, checked without a GPU: its generated source is plain
// JavaScript, so it runs here in float64 against the float64 reference (every model and
// reservoir, the public reference cases), within 1e-7 (its Taylor-8 leap against the exact
// exponential). The f32 run on WebGL2 is test/browser/fallback.test.ts.

import { paperSystem, resolveSystem } from '../../src/system/registry.js';
import { FunctionBuilder } from 'gpu.js';
import { describe, expect, it } from 'vitest';
import { PARAM_STRIDE } from '../../src/core/layout.js';
import { type KernelSpec, OUTPUT_MAPS, leapKernelSource } from '../../src/backends/webgl/kernel.js';
import { jsKernel } from '../helpers/webglKernel.js';
import { createWebGlRunner } from '../../src/backends/webgl/runner.js';
import { type PointInput, type PointParams, resolvePoint, setParam } from '../../src/model/params.js';
import { evaluatePoint } from '../../src/model/point.js';
import { referenceCases } from '../helpers/reference.js';
import { Grid } from '../../src/sweep/grid.js';
import { resolveSpec } from '../../src/sweep/spec.js';
import { named } from '../helpers/named.js';

const specOf = (p: PointParams): KernelSpec => ({ system: p.system, model: p.model, reservoir: p.reservoir, zeroFreq: p.zero_freq, concurrence: true, steadyConcurrence: true });

/** The kernel at point p (its row: p's own, or the one a sweep's grid wrote) against the float64 point. */
function check(p: PointParams, label: string, gridRow?: ArrayLike<number>): void {
  const o = jsKernel(specOf(p))(p, gridRow);
  const ref = evaluatePoint(p);
  const [eff, energy, erg, conc] = o[4];
  if (ref.flags.includes('degenerate')) {
    expect(o[6][1] & 1, `${label}: degenerate flag`).toBe(1);
    return;
  }
  expect(Math.abs(eff - ref.efficiency), `${label} efficiency`).toBeLessThan(1e-7);
  expect(Math.abs(energy - ref.E_B_over_omega), `${label} E_B`).toBeLessThan(1e-7);
  expect(Math.abs(erg - ref.ergotropy_over_omega), `${label} ergotropy`).toBeLessThan(1e-7);
  expect(Math.abs(conc - ref.concurrence), `${label} concurrence`).toBeLessThan(1e-6);
  const r = [...o[0], ...o[1], ...o[2], ...o[3]];
  r.forEach((x, i) => expect(Math.abs(x - ref.r[i]), `${label} r[${i}]`).toBeLessThan(1e-7));
  expect(o[6][0], `${label} kernel dimension`).toBe(ref.steady.kernel_dim);
  if (ref.steady.kernel_dim === 1) {
    expect(Math.abs(o[5][0] - ref.steady.efficiency), `${label} steady efficiency`).toBeLessThan(1e-7);
    expect(Math.abs(o[5][3] - ref.steady.concurrence), `${label} steady concurrence`).toBeLessThan(1e-6);
    // the transient bound proves stationarity exactly where float64 says so
    if (o[7][0] < Math.exp(-10)) expect(ref.flags, label).not.toContain('not-stationary-at-tau');
  }
}

describe('the generated gpu.js kernel, run as JavaScript in float64', () => {
  it('every other built-in system and user systems of the QuTiP reference data (complex ones included)', () => {
    const systems = ['xxz', 'common-bath', 'test/data/systems/heisenberg-fermion-drude.json', 'test/data/systems/dephasing-three-baths.json', 'test/data/systems/subohmic-mixed-local.json', 'test/data/systems/complex-dm-y-bath.json', 'test/data/systems/complex-common-y.json'];
    for (const system of systems) {
      for (const model of ['redfield', 'bloch-redfield'] as const) {
        const zero_freq = system.includes('subohmic') ? 'zero' : 'limit';
        // move the first parameter (a detuning or splitting in each of them) off its default
        const first = resolveSystem(system, 'test').parameters[0];
        check(resolvePoint({ system, model, zero_freq, [first.name]: first.default + 0.7, tau: 40 }), `${system} ${model} tau 40`);
        check(resolvePoint({ system, model, zero_freq, [first.name]: first.default - 1.1 }), `${system} ${model} tau 20000`);
      }
    }
    // a complex (sigma_y) jump
    const complexJumps = 'test/data/systems/complex-dm-y-bath.json';
    check(resolvePoint({ system: complexJumps, model: 'lindblad', lindblad_freq: 1, tau: 40 }), `${complexJumps} lindblad tau 40`);
    check(resolvePoint({ system: complexJumps, model: 'lindblad', lindblad_freq: 1, D: 1.1 }), `${complexJumps} lindblad tau 20000`);
  });

  it('all 22 public reference cases', () => {
    for (const c of referenceCases) check(resolvePoint(c.inputs), c.name);
  });

  it('every model and reservoir over the paper\'s ranges, and the edge cases', () => {
    for (const model of ['redfield', 'bloch-redfield', 'lindblad'] as const) {
      for (const reservoir of ['boson', 'fermion'] as const) {
        for (let k = 0; k < 6; k++) {
          const u = (k * 0.6180339887) % 1;
          const v = (k * 0.7548776662) % 1;
          let input: PointInput = { model, reservoir, F: 2 * v, tau: k % 2 ? 20000 : 37 };
          input = setParam(input, 'Delta', -4 + 8 * u);
          input = reservoir === 'fermion' ? setParam(setParam(input, 'mubar', -6 + 12 * v), 'dmu', 3 * (u - 0.5)) : setParam(input, 'dT', 1.6 * (v - 0.5));
          check(resolvePoint(input), `${model} ${reservoir} ${k}`);
        }
        check(resolvePoint({ model, reservoir, T1: 0, T2: 0.4, F: 0.7, Delta1: 0.5 }), `${model} ${reservoir} T1 = 0`);
        check(resolvePoint({ model, reservoir, F: 0, Delta1: 1, Delta2: 1 }), `${model} ${reservoir} crossing`);
        check(resolvePoint({ model, reservoir, F: 1.3, Delta1: 0.4, Delta2: -0.2, lindblad_freq: 'M', zero_freq: 'zero', tau: 0 }), `${model} ${reservoir} tau = 0`);
        check(resolvePoint({ model, reservoir, F: 0.7, Delta1: 0.2, lindblad_freq: 2.5, initial_state: { theta: 0.3, phi: 0.4 } }), `${model} ${reservoir} theta/phi`);
      }
    }
  });

  it('rows from a sweep grid: every model and lindblad_freq form (lambda, M, a number)', () => {
    // a sweep's rows come from Grid.fillRows, not from the point (issue 18: M was NaN there)
    for (const model of ['redfield', 'bloch-redfield', 'lindblad'] as const) {
      for (const lindblad_freq of ['lambda', 'M', 2.5]) {
        const grid = new Grid(resolveSpec({ name: 'lf', base: { model, lindblad_freq, Delta1: 0.4, Delta2: -0.2, tau: 37 }, axes: [{ param: 'F', values: [0.6, 1.3] }] }));
        const rows = new Float64Array(grid.count * PARAM_STRIDE);
        grid.fillRows(0, grid.count, rows);
        for (let k = 0; k < grid.count; k++) check(grid.point(k), `${model} ${lindblad_freq} F ${named(grid.point(k)).F}`, rows.subarray(k * PARAM_STRIDE, (k + 1) * PARAM_STRIDE));
      }
    }
  });

  it('has eight vec4 outputs and no arrays (gpu.js kernels cannot hold them)', () => {
    const src = leapKernelSource({ system: paperSystem(), model: 'redfield', reservoir: 'boson', zeroFreq: 'limit', concurrence: true, steadyConcurrence: false });
    expect(OUTPUT_MAPS.length + 1).toBe(8);
    expect(src.kernel).not.toMatch(/new \w*Array|\w\[\s*[a-z]\w*\s*\]\s*=/);
    // compile time on a software rasteriser grows with the source: keep it in check
    expect(src.kernel.length).toBeLessThan(320_000);
  });

  it("declares every helper after the helpers it calls, in gpu.js's own order, for every system and model", () => {
    // GLSL needs a callee declared before its caller; gpu.js orders the declarations with
    // traceFunctionCalls, which moves a function called a second time to the end without its
    // callees ("'expm1_f32' : no matching overloaded function found" in Bloch-Redfield kernels)
    const trace = (FunctionBuilder.prototype as unknown as { traceFunctionCalls(name: string, list: string[]): string[] }).traceFunctionCalls;
    const systems = ['wang2023', 'xxz', 'common-bath', 'test/data/systems/heisenberg-fermion-drude.json', 'test/data/systems/complex-dm-y-bath.json', 'test/data/systems/complex-common-y.json'];
    for (const system of systems) {
      for (const model of ['redfield', 'bloch-redfield', 'lindblad'] as const) {
        const sys = resolveSystem(system, 'test');
        if (model === 'lindblad' && sys.jumps.length === 0) continue;
        const p = resolvePoint({ system, model });
        const src = leapKernelSource(specOf(p));
        const bodies = new Map<string, string>([...src.functions.map((f) => [/^function (\w+)/.exec(f)![1], f.replace(/^function \w+/, '')] as [string, string]), ...OUTPUT_MAPS.map((o, i) => [o, src.outputs[i]] as [string, string]), ['kernel', src.kernel]]);
        // the functions each one calls, in the order of its source (gpu.js's calledFunctions)
        const calls = new Map([...bodies].map(([name, body]) => [name, [...new Set([...body.matchAll(/\b(\w+)\s*\(/g)].map((m) => m[1]).filter((c) => c !== name && bodies.has(c)))]]));
        const functionMap = Object.fromEntries([...calls].map(([name, calledFunctions]) => [name, { calledFunctions, toString: () => '' }]));
        const declared = trace.call({ functionMap, nativeFunctionNames: [], traceFunctionCalls: trace }, 'kernel', []).reverse();
        expect(declared.at(-1), `${system} ${model}`).toBe('kernel');
        declared.forEach((name, i) => {
          for (const callee of calls.get(name)!) expect(declared.indexOf(callee), `${system} ${model}: ${name} calls ${callee}, which must be declared before it`).toBeLessThan(i);
        });
      }
    }
  });
});

describe('the webgl backend in Node', () => {
  it('refuses without headless-gl instead of letting gpu.js run on the CPU', async () => {
    let gl = true;
    try {
      await import('gl' as string);
    } catch {
      gl = false;
    }
    if (gl) return;
    await expect(createWebGlRunner()).rejects.toThrow(/gpu\.js has no WebGL here: in Node it needs headless-gl/);
  });
});
