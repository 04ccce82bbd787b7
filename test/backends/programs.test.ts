// The WebGPU programs' declarations against their WGSL, without a GPU: the engine binds buffers
// by what a program declares (WebGpuEngine.run), so a declaration that drifts from the shader
// (a binding renumbered, retyped, or used by an entry point that does not declare it) fails here.

import { describe, expect, it } from 'vitest';
import { type BindingType, PROGRAMS, assembleShader, entryPoint } from '../../src/backends/webgpu/programs.js';
import { nodeShaderSources } from '../../src/backends/webgpu/nodeDevice.js';
import { paperSystem } from '../../src/system/registry.js';

const WGSL_TYPES: Record<string, BindingType> = { uniform: 'uniform', 'storage, read': 'read-only-storage', 'storage, read_write': 'storage' };

/** The module's @binding declarations, and the bodies of its functions by name (comments stripped). */
function parse(code: string): { bindings: { binding: number; name: string; type: BindingType }[]; bodies: Map<string, string> } {
  const src = code.replace(/\/\/[^\n]*/g, '');
  const bindings = [...src.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*(\w+)/g)].map((m) => ({ binding: Number(m[1]), name: m[3], type: WGSL_TYPES[m[2].replace(/\s+/g, ' ').trim()] }));
  const bodies = new Map<string, string>();
  for (const m of src.matchAll(/\bfn\s+(\w+)\s*\(/g)) {
    let i = src.indexOf('{', m.index);
    for (let depth = 0; ; i++) {
      if (src[i] === '{') depth++;
      else if (src[i] === '}' && --depth === 0) break;
    }
    bodies.set(m[1], src.slice(m.index, i + 1));
  }
  return { bindings, bodies };
}

/** The module-scope buffers an entry point reaches through the functions it calls. */
function usedBindings(entry: string, bodies: Map<string, string>, names: string[]): string[] {
  const seen = new Set<string>([entry]);
  const todo = [entry];
  const used = new Set<string>();
  while (todo.length) {
    const body = bodies.get(todo.pop()!)!;
    for (const n of names) if (new RegExp(`\\b${n}\\b`).test(body)) used.add(n);
    for (const [, callee] of body.matchAll(/\b(\w+)\s*\(/g)) if (bodies.has(callee) && !seen.has(callee)) seen.add(callee), todo.push(callee);
  }
  return names.filter((n) => used.has(n));
}

describe('WebGPU programs: declared bindings match the WGSL', () => {
  const sources = nodeShaderSources();
  for (const program of Object.values(PROGRAMS)) {
    it(program.name, () => {
      const { bindings, bodies } = parse(assembleShader(program, sources, 64, paperSystem(), 'redfield'));
      // each declared binding is the shader's, by number, name and type; in binding order
      for (const b of program.bindings) expect(bindings, `${program.name} binding ${b.binding}`).toContainEqual(b);
      expect(program.bindings.map((b) => b.binding)).toEqual([...program.bindings.map((b) => b.binding)].sort((a, b) => a - b));
      // and the entry point uses exactly the declared ones (layout 'auto' holds only those)
      expect(bodies.has(entryPoint(program)), `entry ${entryPoint(program)}`).toBe(true);
      const used = usedBindings(entryPoint(program), bodies, bindings.map((b) => b.name));
      expect(used, `${program.name}: buffers its entry point uses`).toEqual(program.bindings.map((b) => b.name));
    });
  }
});
