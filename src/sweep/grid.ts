// The points of a sweep: axis values -> one parameter row per point, generated on demand.
// Flattening is row-major over the axes as listed (the last axis varies fastest).

import { type NumericRecord, NUMERIC_KEYS, type PointParams, applyParam, resolvePoint, thetaPhiAmplitudes, InputError, pointToInput } from '../model/params.js';
import { PARAM_STRIDE } from '../backends/webgpu/layout.js';
import type { ResolvedAxis, ResolvedSpec } from './spec.js';

/** Current value of a (possibly derived) parameter, for axes given relative to it. */
export function getParam(rec: NumericRecord, name: string): number {
  switch (name) {
    case 'Delta': return rec.Delta1 - rec.Delta2;
    case 'Delta_bar': return (rec.Delta1 + rec.Delta2) / 2;
    case 'Tbar': case 'T': return (rec.T1 + rec.T2) / 2;
    case 'dT': return rec.T1 - rec.T2;
    case 'mubar': case 'mu': return (rec.mu1 + rec.mu2) / 2;
    case 'dmu': return rec.mu1 - rec.mu2;
    case 'alpha': return (rec.alpha1 + rec.alpha2) / 2;
    case 'theta': return rec.theta ?? Math.PI / 4;
    case 'phi': return rec.phi ?? 0;
    default: return rec[name as keyof NumericRecord] as number;
  }
}

/** Copies the fields of a NumericRecord (NUMERIC_KEYS, then theta and phi) without allocating. */
function copyRecord(from: NumericRecord, to: NumericRecord): void {
  to.Delta1 = from.Delta1;
  to.Delta2 = from.Delta2;
  to.F = from.F;
  to.lambda = from.lambda;
  to.alpha1 = from.alpha1;
  to.alpha2 = from.alpha2;
  to.omega_c = from.omega_c;
  to.T1 = from.T1;
  to.T2 = from.T2;
  to.mu1 = from.mu1;
  to.mu2 = from.mu2;
  to.tau = from.tau;
  to.theta = from.theta;
  to.phi = from.phi;
}

/** An axis's coordinate name: its param, or PARAM_over_REF for one relative to REF (e.g. dT_over_Tbar). */
export function axisName(a: { param: string; relative_to?: string }): string {
  return a.relative_to ? `${a.param}_over_${a.relative_to}` : a.param;
}

/** The absolute values of a relative axis, over the axes they depend on: [the axis of REF,] the axis itself. */
export interface AbsoluteCoordinate {
  name: string;
  /** indices into grid.axes, in axis order */
  dims: number[];
  shape: number[];
  values: Float64Array;
}

export class Grid {
  readonly count: number;
  readonly shape: number[];
  readonly axes: ResolvedAxis[];
  readonly base: PointParams;
  private readonly strides: number[];
  private readonly baseRec: NumericRecord;
  private readonly angles: boolean;

  constructor(spec: ResolvedSpec) {
    this.axes = spec.resolvedAxes;
    this.shape = spec.shape;
    this.count = spec.count;
    this.base = resolvePoint(spec.base);
    this.strides = this.shape.map((_, k) => this.shape.slice(k + 1).reduce((a, b) => a * b, 1));
    this.baseRec = {} as NumericRecord;
    for (const key of NUMERIC_KEYS) this.baseRec[key] = this.base[key];
    const st = spec.base.initial_state;
    if (st && st.psi_real === undefined && st.psi_imag === undefined) {
      if (st.theta !== undefined) this.baseRec.theta = st.theta;
      if (st.phi !== undefined) this.baseRec.phi = st.phi;
    }
    this.angles = this.axes.some((a) => a.param === 'theta' || a.param === 'phi');
  }

  /** Coordinate names, one per axis (axisName). */
  axisNames(): string[] {
    return this.axes.map(axisName);
  }

  /** The value each axis's coordinate takes at point k (relative axes: the multiple itself). */
  coordinateValues(k: number): number[] {
    return this.axes.map((a, i) => a.values[Math.floor(k / this.strides[i]) % this.shape[i]]);
  }

  /** For each relative axis, its absolute values (named after its param), as one truth for CSV and HDF5. */
  absoluteCoordinates(): AbsoluteCoordinate[] {
    const out: AbsoluteCoordinate[] = [];
    this.axes.forEach((a, i) => {
      if (!a.relative_to) return;
      const ref = this.axes.findIndex((b) => b.param === a.relative_to);
      const dims = ref >= 0 ? [Math.min(ref, i), Math.max(ref, i)] : [i];
      const shape = dims.map((d) => this.shape[d]);
      const values = new Float64Array(shape.reduce((p, n) => p * n, 1));
      for (let m = 0; m < values.length; m++) {
        let k = 0;
        let rest = m;
        for (let d = dims.length - 1; d >= 0; d--) {
          k += (rest % shape[d]) * this.strides[dims[d]];
          rest = Math.floor(rest / shape[d]);
        }
        values[m] = this.axisValues(k)[i];
      }
      out.push({ name: a.param, dims, shape, values });
    });
    return out;
  }

  /** Index along each axis of flat point k. */
  indices(k: number): number[] {
    return this.strides.map((s, a) => Math.floor(k / s) % this.shape[a]);
  }

  /** The value each axis takes at point k (absolute, after relative_to). */
  axisValues(k: number, rec = this.record(k)): number[] {
    return this.axes.map((a) => getParam(rec, a.param));
  }

  /** The numeric parameters of point k (into `rec` when given: no allocation per point). */
  record(k: number, rec: NumericRecord = {} as NumericRecord): NumericRecord {
    copyRecord(this.baseRec, rec);
    for (let ax = 0; ax < this.axes.length; ax++) this.applyAxis(rec, ax, k);
    return rec;
  }

  private applyAxis(rec: NumericRecord, ax: number, k: number): void {
    const a = this.axes[ax];
    let v = a.values[Math.floor(k / this.strides[ax]) % this.shape[ax]];
    if (a.relative_to) v *= getParam(rec, a.relative_to);
    applyParam(rec, a.param, v);
  }

  /** Writes PARAM_STRIDE values per point for points start .. start+n-1 (the kernel's input rows). */
  fillRows(start: number, n: number, dst: Float32Array | Float64Array, dt = 0): void {
    const b = this.base;
    const rec = {} as NumericRecord;
    // every point of a row (the last axis) shares the other axes: apply those once per row
    const prefix = {} as NumericRecord;
    const last = this.axes.length - 1;
    const rowLength = this.shape[last];
    let row = -1;
    for (let j = 0; j < n; j++) {
      const k = start + j;
      if (Math.floor(k / rowLength) !== row) {
        row = Math.floor(k / rowLength);
        copyRecord(this.baseRec, prefix);
        for (let ax = 0; ax < last; ax++) this.applyAxis(prefix, ax, k);
      }
      copyRecord(prefix, rec);
      this.applyAxis(rec, last, k);
      const o = j * PARAM_STRIDE;
      dst[o] = rec.Delta1; dst[o + 1] = rec.Delta2; dst[o + 2] = rec.F; dst[o + 3] = rec.lambda;
      dst[o + 4] = rec.alpha1; dst[o + 5] = rec.alpha2; dst[o + 6] = rec.omega_c; dst[o + 7] = rec.T1;
      dst[o + 8] = rec.T2; dst[o + 9] = rec.mu1; dst[o + 10] = rec.mu2; dst[o + 11] = rec.tau;
      dst[o + 12] = dt; dst[o + 13] = 0; dst[o + 14] = 0; dst[o + 15] = 0;
      const psi = this.angles ? thetaPhiAmplitudes(rec.theta, rec.phi) : { re: b.psi_real, im: b.psi_imag };
      for (let q = 0; q < 4; q++) {
        dst[o + 16 + q] = psi.re[q];
        dst[o + 20 + q] = psi.im[q];
      }
    }
  }

  /** Point k as full parameters (validated), e.g. for the float64 cross-check. */
  point(k: number): PointParams {
    const rec = this.record(k);
    const input = { ...pointToInput(this.base) } as Record<string, unknown>;
    for (const key of NUMERIC_KEYS) input[key] = rec[key];
    if (this.angles) input.initial_state = { theta: rec.theta ?? Math.PI / 4, phi: rec.phi ?? 0 };
    return resolvePoint(input);
  }

  /**
   * Every parameter is a multilinear function of the axis values, so each per-parameter bound
   * (T >= 0 for bosons, alpha >= 0, ...) holds on the whole grid when it holds at the corners.
   */
  validate(): void {
    const corners = 1 << this.axes.length;
    for (let c = 0; c < corners; c++) {
      let k = 0;
      this.axes.forEach((a, ax) => {
        const vals = a.values;
        let pick = 0;
        for (let i = 1; i < vals.length; i++) if ((c >> ax) & 1 ? vals[i] > vals[pick] : vals[i] < vals[pick]) pick = i;
        k += pick * this.strides[ax];
      });
      try {
        this.point(k);
      } catch (e) {
        if (e instanceof InputError) {
          const at = this.axes.map((a) => `${a.param}=${+getParam(this.record(k), a.param).toPrecision(6)}`).join(', ');
          throw new InputError(`${e.message} at grid point ${at}`);
        }
        throw e;
      }
    }
  }
}
