// How a job's parameter rows cross to the harness page: shared by the browser backend (Node) and
// the page, so both sides agree on the element type.

import type { SystemDefinition } from '../../system/definition.js';

/** A typed array of either precision, made by length or over bytes received. */
export type WireRowsType = { new (length: number): Float32Array | Float64Array; new (bytes: ArrayBuffer): Float32Array | Float64Array };

/**
 * The rows' element type on the wire: float64 for n > 2 (the page's host generator is float64, so
 * rows rounded to f32 would change it), float32 for two qubits (what their kernels read, as always).
 */
export function wireRowsType(system: Pick<SystemDefinition, 'qubits'>): WireRowsType {
  return system.qubits > 2 ? Float64Array : Float32Array;
}
