// The shapes of a sweep specification, as written (SweepSpec) and as resolved to axis values
// (ResolvedSpec): shared by the spec's validation and the grid it builds, without a circle.

import type { PointInput, PointParams } from '../model/params.js';
import type { TimeGrid } from '../model/charging.js';

export interface AxisSpec {
  param: string;
  from?: number;
  to?: number;
  n?: number;
  values?: number[];
  /** the axis values are multiples of this parameter's value at the point (e.g. dT in units of Tbar) */
  relative_to?: string;
}

export interface SweepSpec {
  name: string;
  /** the system: a built-in name, a path (relative to the spec file) or an inline definition */
  system?: unknown;
  base: PointInput;
  axes: AxisSpec[];
  outputs?: string[];
  /** free text carried into the manifest, e.g. which figure of the paper a preset reproduces */
  description?: string;
  /** which outputs get a picture: one name or a list (default: the first output); NAME.png, then NAME.OUTPUT.png */
  plot?: string | string[];
  /** a time grid: every point's charging curve on it (HDF5 arrays with a last dimension t) and its figures (CSV) */
  times?: TimeGrid;
}

export interface ResolvedAxis {
  param: string;
  values: number[];
  relative_to?: string;
}

export interface ResolvedSpec extends Omit<SweepSpec, 'base'> {
  /** the base as the spec wrote it, its derived names set on its (parsed) system; none for a spec made around a point (specOfPoint) */
  base?: PointInput;
  /** the base point, resolved once (resolvePoint): the grid, the cross-check and the manifest use this object */
  point: PointParams;
  axes: AxisSpec[];
  resolvedAxes: ResolvedAxis[];
  outputs: string[];
  count: number;
  shape: number[];
}
