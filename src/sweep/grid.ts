// The points of a sweep: axis values -> one parameter row per point, generated on demand.
// Flattening is row-major over the axes as listed (the last axis varies fastest).

import { type PointParams, angleState, checkPointValues, InputError } from '../model/params.js';
import { pointRow } from '../model/generators.js';
import { type GenericSpace, genericSpace } from '../system/space.js';
import type { ResolvedAxis, ResolvedSpec } from './specTypes.js';

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
  /** the spec's base point, as resolveSpec built it (the same object: every point of the grid is it with the axes applied) */
  readonly base: PointParams;
  readonly space: GenericSpace;
  private readonly strides: number[];
  private readonly angles: boolean;
  /** the axes in the order they are applied: an axis given relative to another comes after it */
  private readonly order: number[];

  constructor(spec: ResolvedSpec) {
    this.axes = spec.resolvedAxes;
    this.shape = spec.shape;
    this.count = spec.count;
    this.base = spec.point;
    this.space = genericSpace(this.base.system);
    this.strides = this.shape.map((_, k) => this.shape.slice(k + 1).reduce((a, b) => a * b, 1));
    this.angles = this.axes.some((a) => a.param === 'theta' || a.param === 'phi');
    this.order = applicationOrder(this.axes);
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
  axisValues(k: number, p = this.numbers(k)): number[] {
    return this.axes.map((a) => this.valueAt(p, a.param));
  }

  /** A copy of the base point for the axes to move (its values its own). */
  private copyOfBase(): PointParams {
    return { ...this.base, values: [...this.base.values] };
  }

  /** A point's numbers into `to`: its parameters, tau and the state's angles. */
  private copyNumbers(from: PointParams, to: PointParams): void {
    for (let i = 0; i < from.values.length; i++) to.values[i] = from.values[i];
    to.tau = from.tau;
    to.angles = from.angles;
  }

  /** Point k's numbers (parameters, tau, angles) with the axes applied, into `p` (its state not yet from the angles: point(k)). */
  private numbers(k: number, p = this.copyOfBase()): PointParams {
    this.copyNumbers(this.base, p);
    for (const ax of this.order) this.applyAxis(p, ax, k);
    return p;
  }

  /** A name's value at a point: tau, a state angle (theta = pi/4, phi = 0 where the state gives none), or a name of the system. */
  valueAt(p: PointParams, name: string): number {
    if (name === 'tau') return p.tau;
    if (name === 'theta') return p.angles?.theta ?? Math.PI / 4;
    if (name === 'phi') return p.angles?.phi ?? 0;
    return this.space.get(p.values, name);
  }

  private setAt(p: PointParams, name: string, v: number): void {
    if (name === 'tau') p.tau = v;
    else if (name === 'theta') p.angles = { theta: v, phi: p.angles?.phi };
    else if (name === 'phi') p.angles = { theta: p.angles?.theta, phi: v };
    else this.space.set(p.values, name, v);
  }

  private applyAxis(p: PointParams, ax: number, k: number): void {
    const a = this.axes[ax];
    let v = a.values[Math.floor(k / this.strides[ax]) % this.shape[ax]];
    if (a.relative_to) v *= this.valueAt(p, a.relative_to);
    this.setAt(p, a.param, v);
  }

  /** Where an axis sweeps an angle, the point's state from its angles. */
  private finishState(p: PointParams): PointParams {
    if (this.angles) Object.assign(p, angleState(this.valueAt(p, 'theta'), this.valueAt(p, 'phi')));
    return p;
  }

  /** Writes PARAM_STRIDE values per point for points start .. start+n-1: each point's row (model/generators.ts pointRow). */
  fillRows(start: number, n: number, dst: Float32Array | Float64Array, dt = 0): void {
    // one point object reused for every row (no allocation per point)
    const p = this.copyOfBase();
    // every point of a row (the last axis) shares the other axes: apply those once per row
    const prefix = this.copyOfBase();
    const last = this.axes.length - 1;
    const rowLength = this.shape[last];
    // (unless another axis is relative to the last one: then it is applied before them, point by point)
    const lastApplied = this.order[last] === last;
    let row = -1;
    for (let j = 0; j < n; j++) {
      const k = start + j;
      if (!lastApplied) {
        this.numbers(k, p);
      } else {
        if (Math.floor(k / rowLength) !== row) {
          row = Math.floor(k / rowLength);
          this.copyNumbers(this.base, prefix);
          for (let ax = 0; ax < last; ax++) this.applyAxis(prefix, this.order[ax], k);
        }
        this.copyNumbers(prefix, p);
        this.applyAxis(p, last, k);
      }
      pointRow(this.finishState(p), dt, dst, j);
    }
  }

  /** Point k: the base point with the axes' values applied (the point whose row fillRows writes). */
  point(k: number): PointParams {
    return this.finishState(this.numbers(k));
  }

  /**
   * A relative axis must mean what its coordinate says at every point: PARAM = v x REF with REF's
   * value at that very point. Refused in one line where setting the axes moves REF afterwards
   * (e.g. dT relative to T1: setting dT moves T1). Checked at the grid's corners (the values are
   * multilinear in the axis values) and its first point.
   */
  checkRelativeAxes(): void {
    const relative = this.axes.flatMap((a, i) => (a.relative_to ? [i] : []));
    if (!relative.length) return;
    const p = this.copyOfBase();
    for (const k of [0, ...this.corners()]) {
      this.numbers(k, p);
      const coords = this.coordinateValues(k);
      for (const i of relative) {
        const a = this.axes[i];
        const ref = this.valueAt(p, a.relative_to!);
        const want = coords[i] * ref;
        const got = this.valueAt(p, a.param);
        if (Math.abs(got - want) > 1e-9 * (Math.abs(want) + Math.abs(ref) + 1)) {
          const movers = this.axes.filter((b) => b.param !== a.relative_to && this.movesParam(b.param, a.relative_to!)).map((b) => b.param);
          throw new InputError(
            `spec axes[${i}] (${a.param}): relative_to ${a.relative_to} is moved by setting ${movers.join(' and ') || a.param} (at ${a.relative_to} = ${+ref.toPrecision(6)}, ${axisName(a)} = ${coords[i]} would give ${a.param} = ${+want.toPrecision(6)}, the point has ${+got.toPrecision(6)}); make it relative to a parameter the axes keep fixed`,
          );
        }
      }
    }
  }

  /** The value of a (possibly derived) parameter in the base, before any axis. */
  baseValue(name: string): number {
    return this.valueAt(this.base, name);
  }

  /**
   * The axes that leave the (possibly derived) parameter `name` at another value than the base's
   * somewhere on the grid (T1 under a Tbar x dT sweep): none when every point has the base's value.
   */
  axesMoving(name: string): string[] {
    const before = this.baseValue(name);
    const p = this.copyOfBase();
    const moved = this.corners().some((k) => Math.abs(this.valueAt(this.numbers(k, p), name) - before) > 1e-12 * (Math.abs(before) + 1));
    if (!moved) return [];
    const movers = this.axes.filter((a) => this.movesParam(a.param, name)).map((a) => a.param);
    return movers.length ? movers : this.axes.map((a) => a.param);
  }

  /** Whether setting `name` (to its base value + 1) moves `other`. */
  private movesParam(name: string, other: string): boolean {
    const p = this.copyOfBase();
    const before = this.valueAt(p, other);
    this.setAt(p, name, this.valueAt(p, name) + 1);
    return Math.abs(this.valueAt(p, other) - before) > 1e-12 * (Math.abs(before) + 1);
  }

  /** The flat indices of the grid's corners (each axis at its smallest or largest value). */
  corners(): number[] {
    const out: number[] = [];
    for (let c = 0; c < 1 << this.axes.length; c++) {
      let k = 0;
      this.axes.forEach((a, ax) => {
        const vals = a.values;
        let pick = 0;
        for (let i = 1; i < vals.length; i++) if ((c >> ax) & 1 ? vals[i] > vals[pick] : vals[i] < vals[pick]) pick = i;
        k += pick * this.strides[ax];
      });
      out.push(k);
    }
    return out;
  }

  /**
   * Every parameter is a multilinear function of the axis values, so each per-parameter bound
   * (T >= 0 for bosons, alpha >= 0, ...) holds on the whole grid when it holds at the corners.
   */
  validate(): void {
    for (const k of this.corners()) {
      try {
        checkPointValues(this.point(k));
      } catch (e) {
        if (e instanceof InputError) {
          const at = this.axes.map((a) => `${a.param}=${+this.valueAt(this.numbers(k), a.param).toPrecision(6)}`).join(', ');
          throw new InputError(`${e.message} at grid point ${at}`);
        }
        throw e;
      }
    }
  }
}

/**
 * The order the axes are applied in: as listed, except that an axis relative to another axis
 * comes after it (dT relative to Tbar reads the point's Tbar, whichever axis is listed first).
 * A chain of references that comes back to an axis is refused in one line.
 */
export function applicationOrder(axes: readonly ResolvedAxis[]): number[] {
  const order: number[] = [];
  const state = axes.map(() => 0); // 0 unvisited, 1 on the path, 2 placed
  const visit = (i: number, path: string[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) throw new InputError(`spec axes: relative_to goes round in a circle (${[...path, axes[i].param].join(' -> ')}); one of them must be absolute`);
    state[i] = 1;
    const ref = axes[i].relative_to === undefined ? -1 : axes.findIndex((b) => b.param === axes[i].relative_to);
    if (ref >= 0) visit(ref, [...path, axes[i].param]);
    state[i] = 2;
    order.push(i);
  };
  axes.forEach((_, i) => visit(i, []));
  return order;
}
