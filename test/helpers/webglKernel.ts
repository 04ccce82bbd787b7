// The gpu.js kernel of the webgl backend as plain JavaScript (its generated source runs in float64
// without a GPU): what the webgl tests check against the float64 reference.

import { PARAM_STRIDE } from '../../src/core/layout.js';
import { type KernelSpec, leapKernelSource } from '../../src/backends/webgl/kernel.js';
import { pointRow } from '../../src/model/generators.js';
import type { PointParams } from '../../src/model/params.js';

export type Vec4 = [number, number, number, number];

/** The kernel as a JavaScript function of one parameter row: its eight vec4 outputs. */
export function jsKernel(spec: KernelSpec): (p: PointParams, gridRow?: ArrayLike<number>) => Vec4[] {
  const src = leapKernelSource(spec);
  const outs: Vec4[] = [];
  const maps = src.outputs.map((o, i) => o.replace('return [a, b, c, d];', `__outs[${i}] = [a, b, c, d]; return 0;`));
  const kernel = new Function('__outs', `${src.functions.join('\n')}\n${maps.join('\n')}\nreturn ${src.kernel};`)(outs) as (this: unknown, params: number[][]) => Vec4;
  return (p, gridRow) => {
    const row = new Float64Array(PARAM_STRIDE);
    if (gridRow) row.set(gridRow);
    else pointRow(p, 0, row, 0);
    const result = kernel.call({ thread: { x: 0 } }, [Array.from(row)]);
    return [result, ...outs.map((o) => [...o] as Vec4)];
  };
}
