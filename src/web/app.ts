// The explorer page (`qbsweep serve`): edit or pick a sweep, run it on the browser's GPU
// (WebGPU, else gpu.js on WebGL2), look at every output under the mouse, click a point for its
// charging curves and density-matrix tomography, load results the CLI wrote, download CSV,
// JSON and PNG. The physics, validation, figures and file formats are the CLI's own code.

import * as vega from 'vega';
import { compile } from 'vega-lite';
import { rowToPoint } from '../backends/cpu/record.js';
import { type RangeResult, type SweepBackend, type SweepJob, jobRows } from '../backends/types.js';
import { prepareEngine } from '../backends/webgpu/backend.js';
import { FLAG_BITS, OUT, OUT_BYTES, OUT_STRIDE, PARAM_STRIDE } from '../core/layout.js';
import { csvHeader, csvRow } from '../io/csv.js';
import { buildManifest } from '../io/manifest.js';
import { axisLabel, outputLabel, sweepCurves, sweepHeatmap, sweepSpec } from '../io/sweepFigure.js';
import { InputError, NAMED_STATES, type PointParams } from '../model/params.js';
import { evaluatePoint } from '../model/point.js';
import { pointRow } from '../model/generators.js';
import { OUTPUT_DOCS, columnValue, flagNames } from '../sweep/outputs.js';
import { PRESETS } from '../sweep/presets.js';
import { type SweepResult, crossCheckSummary, runSweep, settingsOf } from '../sweep/run.js';
import type { ResolvedSpec } from '../sweep/spec.js';
import { Grid } from '../sweep/grid.js';
import { DEFAULT_GRID, SweepForm } from './form.js';
import { type HeatmapView, cellAt, cellCentre, linePoint, lineX, renderBars, renderHeatmap, renderLines } from './figures.js';
import { loadResult } from './load.js';
import { type Runtime, type RuntimeKind, WebGpuRuntime, createRuntime } from './runtime.js';

const $ = <T extends HTMLElement>(sel: string): T => document.querySelector(sel) as T;

const CHECK_POINTS = 6;

interface State {
  runtime?: Runtime;
  runtimeWhy: string;
  runtimeError?: string;
  result?: SweepResult;
  /** where the result came from: 'run' or the loaded file's name */
  source?: string;
  heatmap?: HeatmapView;
  lineView?: vega.View;
  running?: AbortController;
  detailToken: number;
}

const state: State = { runtimeWhy: '', detailToken: 0 };
const form = new SweepForm();

// ---------------------------------------------------------------------------------------------
// the compute runtime

async function startRuntime(): Promise<void> {
  const prefer = (new URLSearchParams(location.search).get('engine') ?? 'auto') as 'auto' | RuntimeKind;
  const label = $<HTMLSpanElement>('#engine');
  try {
    const { runtime, why } = await createRuntime(prefer);
    state.runtime = runtime;
    state.runtimeWhy = why;
    state.runtimeError = undefined;
    label.textContent = runtime.kind === 'webgpu' ? `engine: ${why}` : `engine: ${why.replace(/ \(no WebGPU: .*\)$/, '')} (WebGL fallback)`;
    label.title = why;
    label.className = `engine${runtime.kind === 'webgl' ? ' fallback' : ''}`;
  } catch (e) {
    state.runtime = undefined;
    state.runtimeError = (e as Error).message;
    label.textContent = `no GPU engine: ${state.runtimeError}`;
    label.className = 'engine none';
  }
}

/** A SweepBackend over the page's runtime: runSweep (the CLI's loop) drives it. */
function pageBackend(runtime: Runtime, signal: AbortSignal): SweepBackend {
  return {
    name: 'browser',
    precision: 'float32',
    describe: () => ({ backend: 'browser', precision: 'float32', browser: navigator.userAgent, ...runtime.info }),
    async evaluate(job: SweepJob, start: number, count: number, onProgress?: (done: number) => void): Promise<RangeResult> {
      return runtime.evaluate({ ...job, rows: jobRows(job, start, count, Float32Array) }, onProgress, signal);
    },
    // charging curves need WebGPU (gpu.js has no times program)
    timeGrids: runtime.kind === 'webgpu',
    // WebGPU: the kernels compile before the first point (long on a first run), shown apart
    ...(runtime instanceof WebGpuRuntime ? { prepare: (job: SweepJob) => prepareEngine(runtime.engine, job) } : {}),
    close: async () => undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// running

// Browsers keep compiled WebGPU pipelines only for the page's lifetime (there is no API to store
// them, and Chromium's own shader cache does not cover this path on every backend: measured, the
// same profile compiles for ~36 s on every visit with Mesa's llvmpipe). Within a visit the engine
// keeps them; the page says what a new visit costs, from the time the last one took.
const COMPILE_KEY = 'qbsweep.compileSeconds';
let compiledThisVisit = false;

function compilingNote(): string {
  if (compiledThisVisit) return 'compiling GPU kernels (those this visit has not compiled yet) ...';
  let last: number | undefined;
  try {
    last = Number(localStorage.getItem(COMPILE_KEY) ?? Number.NaN);
  } catch {
    // storage disabled
  }
  const took = last !== undefined && Number.isFinite(last) ? `~${Math.max(1, Math.round(last))} s last time` : 'up to a minute on a software GPU';
  return `compiling GPU kernels (${took}; on every visit: browsers do not keep compiled WebGPU pipelines between page loads) ...`;
}

/** The first compile of a visit is what the next visit will cost (later ones find the pipelines kept). */
function rememberCompile(seconds: number): void {
  if (compiledThisVisit) return;
  compiledThisVisit = true;
  try {
    localStorage.setItem(COMPILE_KEY, String(seconds));
  } catch {
    // storage disabled: the next visit says "up to a minute"
  }
}

function setRunning(on: boolean): void {
  $<HTMLButtonElement>('#run').disabled = on;
  $<HTMLButtonElement>('#cancel').disabled = !on;
  $<HTMLInputElement>('#load').disabled = on;
  $<HTMLInputElement>('#load-dir').disabled = on;
}

function progress(done: number, total: number, t0: number): void {
  const bar = $<HTMLProgressElement>('#progress');
  bar.max = Math.max(total, 1);
  bar.value = done;
  const s = (performance.now() - t0) / 1000;
  const rate = done / Math.max(s, 1e-3);
  $<HTMLSpanElement>('#progress-text').textContent = `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} points${done && done < total ? `, ${Math.round(rate)} points/s` : ''}`;
}

function fmtBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`;
}

async function run(): Promise<void> {
  const { spec, errors } = form.validate();
  form.showErrors(errors);
  if (!spec) return;
  const general = (msg: string) => form.showErrors({ spec: msg });
  try {
    new Grid(spec).validate();
  } catch (e) {
    if (e instanceof InputError) return general(e.message);
    throw e;
  }
  if (!state.runtime) await startRuntime();
  const runtime = state.runtime;
  if (!runtime) return general(`no GPU engine in this browser: ${state.runtimeError}`);
  // a point's charging curves take 5 x n float32 besides its record
  const perPoint = OUT_BYTES + (spec.times ? 5 * 4 * spec.times.n : 0);
  const maxPoints = Math.floor((runtime.maxPoints * OUT_BYTES) / perPoint);
  if (spec.count > maxPoints) {
    return general(
      `grid too large for this adapter: ${spec.shape.join(' x ')} = ${spec.count.toLocaleString('en-US')} points need ${fmtBytes(spec.count * perPoint)} of results${spec.times ? ` (with charging curves at ${spec.times.n} times)` : ''}, but ${runtime.limitReason}: at most ${maxPoints.toLocaleString('en-US')} points; use a coarser grid${spec.times ? ' or fewer times' : ''} (or qbsweep sweep --shard i/N on the command line)`,
    );
  }
  const controller = new AbortController();
  state.running = controller;
  setRunning(true);
  let t0 = performance.now();
  progress(0, spec.count, t0);
  $<HTMLDivElement>('#status').textContent = `running ${spec.name} (${spec.count.toLocaleString('en-US')} points) on ${state.runtimeWhy}`;
  let res: SweepResult;
  try {
    res = await runSweep(spec, {
      backend: pageBackend(runtime, controller.signal),
      memoryLimit: Infinity,
      check: CHECK_POINTS,
      onProgress: (d, total) => progress(d, total, t0),
      onCompile: (phase, seconds) => {
        if (phase === 'start') $<HTMLSpanElement>('#progress-text').textContent = compilingNote();
        else {
          rememberCompile(seconds ?? 0);
          $<HTMLDivElement>('#status').textContent += ` (GPU kernels compiled in ${(seconds ?? 0).toFixed(1)} s)`;
          t0 = performance.now(); // the rate counts computing only
          progress(0, spec.count, t0);
        }
      },
    });
  } catch (e) {
    setRunning(false);
    state.running = undefined;
    if (e instanceof InputError) return general(e.message);
    return general(`the sweep failed: ${(e as Error).message}`);
  }
  setRunning(false);
  state.running = undefined;
  progress(res.done, res.count, t0);
  const rate = res.done / Math.max(res.seconds.compute, 1e-3);
  const lines = [`${spec.name}: ${res.done.toLocaleString('en-US')} of ${res.count.toLocaleString('en-US')} points in ${res.seconds.total.toFixed(1)} s (${Math.round(rate)} points/s) on ${state.runtimeWhy}${res.seconds.compile !== undefined ? `; GPU kernels compiled in ${res.seconds.compile.toFixed(1)} s` : ''}`];
  if (res.check) lines.push(crossCheckSummary(res.check));
  $<HTMLDivElement>('#status').textContent = lines.join('\n');
  if (res.error) {
    const cancelled = res.error.message === 'cancelled';
    general(cancelled ? `cancelled after ${res.done.toLocaleString('en-US')} points (kept)` : `${res.error.message.replace(/\.$/, '')}; the ${res.done.toLocaleString('en-US')} finished points are kept`);
    // a lost device is gone for good: the next run asks for a new one
    if (!cancelled && runtime instanceof WebGpuRuntime && /device lost/i.test(res.error.message)) state.runtime = undefined;
  }
  await showResult(res, 'run');
}

// ---------------------------------------------------------------------------------------------
// showing a result

function scalarColumns(res: SweepResult): string[] {
  return res.columns.filter((c) => c in OUTPUT_DOCS);
}

async function showResult(res: SweepResult, source: string): Promise<void> {
  state.result = res;
  state.source = source;
  // the point panel belongs to the previous result
  state.detailToken++;
  $<HTMLDivElement>('#detail').hidden = true;
  const show = $<HTMLSelectElement>('#show');
  const cols = scalarColumns(res);
  const previous = show.value;
  show.replaceChildren(...cols.map((c) => Object.assign(document.createElement('option'), { value: c, textContent: outputLabel(c) })));
  show.value = cols.includes(previous) ? previous : firstPlotted(res.spec.plot, cols) ?? cols[0];
  for (const id of ['#dl-csv', '#dl-json', '#dl-png']) $<HTMLButtonElement>(id).disabled = res.done === 0;
  $<HTMLSpanElement>('#result-info').textContent = `${res.spec.name} (${source === 'run' ? 'this run' : source}): ${res.spec.shape.join(' x ')} points, ${res.done < res.count ? `${res.done} finished, ` : ''}backend ${String(res.backend.backend)}${res.backend.engine ? ` (${String(res.backend.engine)})` : ''}${res.backend.precision ? `, ${String(res.backend.precision)}` : ''}`;
  await drawResult();
}

async function drawResult(): Promise<void> {
  const res = state.result;
  if (!res) return;
  const column = $<HTMLSelectElement>('#show').value;
  const box = $<HTMLDivElement>('#heatmap');
  state.heatmap?.view.finalize();
  state.lineView?.finalize();
  state.heatmap = undefined;
  state.lineView = undefined;
  box.replaceChildren();
  $<HTMLDivElement>('#hover').hidden = true;
  $<HTMLDivElement>('#marker').hidden = true;
  $<HTMLDivElement>('#fig-title').textContent = '';
  $<HTMLParagraphElement>('#fig-note').textContent = '';
  if (!column) return;
  if (res.grid.axes.length === 1) {
    const fig = sweepCurves(res, [column]);
    fig.panels[0].series[0].y = fig.panels[0].series[0].y.map((v, k) => (res.flags[k] & (FLAG_BITS.degenerate | FLAG_BITS['non-finite']) ? Number.NaN : v));
    state.lineView = await renderLines(box, { ...fig, panelWidth: 560, panelHeight: 320 });
    attachPointer(state.lineView);
    return;
  }
  // title and note as page text (they wrap); the PNG download draws them into the figure
  const fig = sweepHeatmap(res, column);
  $<HTMLDivElement>('#fig-title').textContent = fig.title;
  $<HTMLParagraphElement>('#fig-note').textContent = fig.note ?? '';
  if (fig.panels.length === 1) {
    fig.panelWidth = 460;
    fig.panelHeight = 400;
  }
  state.heatmap = await renderHeatmap(box, { ...fig, title: '', note: undefined });
  attachPointer(state.heatmap.view);
}

/** Puts the marker on point k of the figure shown (the point whose curves are below); hidden where it has no place. */
function markPoint(k: number): void {
  const res = state.result;
  const marker = $<HTMLDivElement>('#marker');
  marker.hidden = true;
  if (!res) return;
  const view = state.heatmap?.view ?? state.lineView;
  const canvas = view?.container()?.querySelector('canvas');
  if (!view || !canvas) return;
  let at: [number, number] | undefined;
  if (state.heatmap) {
    const axes = res.grid.axes;
    const nx = axes[axes.length - 1].values.length;
    const ny = axes.length >= 2 ? axes[axes.length - 2].values.length : 1;
    at = cellCentre(state.heatmap, Math.floor(k / (nx * ny)), k % nx, Math.floor(k / nx) % ny);
  } else {
    const v = res.values[$<HTMLSelectElement>('#show').value]?.[k];
    if (v !== undefined && Number.isFinite(v)) at = linePoint(view, res.grid.axes[0].values[k], v);
  }
  if (!at) return;
  const wrap = $<HTMLDivElement>('#heatmap-wrap').getBoundingClientRect();
  const c = canvas.getBoundingClientRect();
  marker.style.left = `${c.left - wrap.left + at[0]}px`;
  marker.style.top = `${c.top - wrap.top + at[1]}px`;
  marker.dataset.index = String(k);
  marker.hidden = false;
}

/** Flat grid index of a heatmap cell. */
function flatIndex(res: SweepResult, panel: number, ix: number, iy: number): number {
  const axes = res.grid.axes;
  const nx = axes[axes.length - 1].values.length;
  const ny = axes.length >= 2 ? axes[axes.length - 2].values.length : 1;
  return panel * nx * ny + iy * nx + ix;
}

function pointerIndex(view: vega.View, event: MouseEvent): number | undefined {
  const res = state.result;
  if (!res) return undefined;
  const canvas = view.container()?.querySelector('canvas');
  if (!canvas) return undefined;
  const rect = canvas.getBoundingClientRect();
  const x = event.clientX - rect.left;
  const y = event.clientY - rect.top;
  if (state.heatmap && view === state.heatmap.view) {
    const cell = cellAt(state.heatmap, x, y);
    return cell ? flatIndex(res, cell.panel, cell.ix, cell.iy) : undefined;
  }
  // one axis: the nearest point along x
  const xv = lineX(view, x);
  if (xv === undefined) return undefined;
  const xs = res.grid.axes[0].values;
  let best = 0;
  xs.forEach((v, k) => (Math.abs(v - xv) < Math.abs(xs[best] - xv) ? (best = k) : 0));
  return best;
}

function attachPointer(view: vega.View): void {
  const hover = $<HTMLDivElement>('#hover');
  view.addEventListener('mousemove', (event) => {
    const e = event as MouseEvent;
    const k = pointerIndex(view, e);
    if (k === undefined) {
      hover.hidden = true;
      return;
    }
    hover.replaceChildren(readout(k));
    hover.hidden = false;
    // beside the pointer, on the side with room (the box must not hide the point it describes)
    const wrap = $<HTMLDivElement>('#heatmap-wrap').getBoundingClientRect();
    const x = e.clientX - wrap.left;
    const y = e.clientY - wrap.top;
    const left = x + 18 + hover.offsetWidth <= wrap.width ? x + 18 : x - 18 - hover.offsetWidth;
    hover.style.left = `${Math.max(0, left)}px`;
    hover.style.top = `${Math.max(0, Math.min(y + 12, wrap.height - hover.offsetHeight))}px`;
    hover.dataset.index = String(k);
  });
  view.addEventListener('mouseout', () => (hover.hidden = true));
  view.addEventListener('click', (event) => {
    const k = pointerIndex(view, event as MouseEvent);
    if (k !== undefined) void showDetail(k);
  });
}

function fmtValue(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(4) : v.toFixed(6);
}

/** The hover box: the point's axis values, every output, its flags. */
function readout(k: number): HTMLElement {
  const res = state.result!;
  const table = document.createElement('table');
  const row = (name: string, value: string, cls = '', key = '') => {
    const tr = table.insertRow();
    tr.className = cls;
    if (key) tr.dataset.key = key;
    tr.insertCell().textContent = name;
    const td = tr.insertCell();
    td.className = 'v';
    td.textContent = value;
  };
  const axisValues = res.grid.axisValues(k);
  res.grid.axes.forEach((a, i) => row(axisLabel(a.param), String(+axisValues[i].toPrecision(6)), 'axis-row', a.param));
  const shown = $<HTMLSelectElement>('#show').value;
  const done = k < res.done;
  for (const c of res.columns) {
    if (c.startsWith('_') || c.startsWith('rho_')) continue;
    row(c, done ? fmtValue(res.values[c][k]) : 'not computed', c === shown ? 'shown' : '', c);
  }
  const box = document.createElement('div');
  box.append(table);
  const flags = flagNames(res.flags[k]);
  if (flags.length) {
    const f = document.createElement('div');
    f.className = 'flags';
    f.textContent = `flags: ${flags.join(', ')}`;
    box.append(f);
  }
  return box;
}

// ---------------------------------------------------------------------------------------------
// one point: charging curves and tomography

async function showDetail(k: number): Promise<void> {
  const res = state.result;
  if (!res) return;
  const token = ++state.detailToken;
  const panel = $<HTMLDivElement>('#detail');
  const status = $<HTMLDivElement>('#detail-status');
  panel.hidden = false;
  const axisValues = res.grid.axisValues(k);
  $<HTMLHeadingElement>('#detail-title').textContent = `Point ${res.grid.axes.map((a, i) => `${a.param} = ${+axisValues[i].toPrecision(6)}`).join(', ')}`;
  $<HTMLDivElement>('#curves').replaceChildren();
  $<HTMLDivElement>('#tomography').replaceChildren();
  panel.dataset.index = String(k);
  panel.dataset.state = 'computing';
  markPoint(k);
  panel.scrollIntoView({ block: 'nearest' });
  if (!state.runtime) await startRuntime();
  const runtime = state.runtime;
  if (!runtime) {
    status.textContent = `no GPU engine: ${state.runtimeError}`;
    panel.dataset.state = 'error';
    return;
  }
  status.textContent = 'computing the charging curves on the GPU…';
  try {
    // the point once; its row written from it (the row fillRows writes for point k)
    const p: PointParams = res.grid.point(k);
    const row = pointRow(p, res.dt ?? 0, new Float32Array(PARAM_STRIDE));
    const settings = settingsOf(res.grid);
    // float64 reference of this point: its slowest rate sets the time window of the curves
    const ref = evaluatePoint(p);
    const slow = Math.abs(ref.slowest_relaxation);
    const tmax = Math.min(p.tau, Math.max(20, Math.min(4000, Number.isFinite(slow) && slow > 0 ? 8 / slow : 4000)));
    const [traj, one] = await Promise.all([
      runtime.trajectory(row, settings, tmax, 240),
      runtime.evaluate({ rows: row, settings, integrator: 'leap', outputs: ['efficiency', 'concurrence'] }),
    ]);
    if (token !== state.detailToken) return;
    if (one.error) throw one.error;
    await renderLines($<HTMLDivElement>('#curves'), {
      title: `Charging from ${p.state_label in NAMED_STATES ? `|${p.state_label}>` : p.state_label}`,
      panels: [
        {
          title: '',
          x: { label: 't [1/λ]', min: 0, max: tmax },
          y: { label: 'E_B/ω, ergotropy/ω, P', min: 0, max: 1 },
          series: [
            { name: 'E_B / ω', x: traj.t, y: traj.energy },
            { name: 'ergotropy / ω', x: traj.t, y: traj.ergotropy },
            { name: 'efficiency P', x: traj.t, y: traj.efficiency, dash: true },
          ],
        },
      ],
      panelWidth: 330,
      panelHeight: 240,
    });
    const labels = ['ee', 'eg', 'ge', 'gg'];
    const rho = labels.map((_, i) => labels.map((__, j) => Math.hypot(columnValue(one.records, 0, `rho_real[${i}][${j}]`), columnValue(one.records, 0, `rho_imag[${i}][${j}]`))));
    await renderBars($<HTMLDivElement>('#tomography'), {
      title: `Tomography |ρ_ij| at τ = ${p.tau}`,
      panels: [{ title: '', labels, values: rho }],
      panelWidth: 240,
      panelHeight: 240,
    });
    if (token !== state.detailToken) return;
    const gpu = one.records;
    status.textContent =
      `${runtime.kind === 'webgpu' ? 'WebGPU charging curve (times program)' : 'gpu.js leap to each sample time'}, ${traj.t.length} samples to t = ${+tmax.toPrecision(4)}; ` +
      `at τ: P = ${fmtValue(gpu[OUT.efficiency])} (float64: ${fmtValue(ref.efficiency)}), C = ${fmtValue(gpu[OUT.concurrence])} (float64: ${fmtValue(ref.concurrence)})` +
      (ref.flags.length ? `; flags: ${ref.flags.join(', ')}` : '');
    panel.dataset.state = 'done';
    // the curves are drawn now: bring them into view
    panel.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    if (token !== state.detailToken) return;
    status.textContent = `the point failed: ${(e as Error).message}`;
    panel.dataset.state = 'error';
  }
}

// ---------------------------------------------------------------------------------------------
// files

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function csvText(res: SweepResult): string {
  const precision = res.backend.precision === 'float64' ? 'float64' : 'float32';
  const lines = [csvHeader(res).join(',')];
  for (let k = 0; k < res.done; k++) lines.push(csvRow(res, k, precision));
  return lines.join('\n') + '\n';
}

function manifestText(res: SweepResult): string {
  const m = buildManifest(
    res,
    { files: [`${res.spec.name}.csv`, `${res.spec.name}.png`], command: 'qbsweep serve (explorer page)' },
    {
      versions: () => ({ qbsweep: 'explorer page', browser: navigator.userAgent }),
      machine: () => ({ platform: navigator.platform, cores: navigator.hardwareConcurrency }),
    },
  );
  return JSON.stringify(m, null, 2) + '\n';
}

/** The figure the CLI writes as NAME.png (title and note included), rendered off screen. */
async function pngBlob(): Promise<Blob> {
  const res = state.result!;
  const column = $<HTMLSelectElement>('#show').value;
  const spec = sweepSpec(res, column);
  const view = new vega.View(vega.parse(compile(spec as unknown as Parameters<typeof compile>[0]).spec), { renderer: 'none' });
  const url = await view.toImageURL('png', 2);
  view.finalize();
  return (await fetch(url)).blob();
}

// ---------------------------------------------------------------------------------------------
// wiring

function wire(): void {
  form.onChange = () => {
    const { errors } = form.validate();
    form.showErrors(errors);
  };
  // every press of Run ends in a result, an error shown, or a refusal: counted for the tests
  $<HTMLButtonElement>('#run').addEventListener('click', () => {
    void run().finally(() => {
      const w = window as unknown as { qbsweepRuns?: number };
      w.qbsweepRuns = (w.qbsweepRuns ?? 0) + 1;
    });
  });
  $<HTMLButtonElement>('#cancel').addEventListener('click', () => state.running?.abort());
  $<HTMLSelectElement>('#show').addEventListener('change', () => void drawResult());
  $<HTMLButtonElement>('#dl-csv').addEventListener('click', () => state.result && download(`${state.result.spec.name}.csv`, new Blob([csvText(state.result)], { type: 'text/csv' })));
  $<HTMLButtonElement>('#dl-json').addEventListener('click', () => state.result && download(`${state.result.spec.name}.json`, new Blob([manifestText(state.result)], { type: 'application/json' })));
  $<HTMLButtonElement>('#dl-png').addEventListener('click', async () => state.result && download(`${state.result.spec.name}.png`, await pngBlob()));
  const load = async (e: Event) => {
    const files = Array.from((e.target as HTMLInputElement).files ?? []);
    if (!files.length) return;
    form.showErrors({});
    try {
      const { result, name } = await loadResult(files);
      form.setSpec({ ...result.spec, axes: result.spec.axes });
      form.setPreset(result.spec.name in PRESETS ? result.spec.name : 'custom');
      $<HTMLDivElement>('#status').textContent = `loaded ${name}.json + ${name}.csv: ${result.done.toLocaleString('en-US')} points`;
      $<HTMLProgressElement>('#progress').value = 0;
      $<HTMLSpanElement>('#progress-text').textContent = '';
      await showResult(result, `${name}.csv`);
    } catch (err) {
      form.showErrors({ load: err instanceof InputError ? err.message : `load: ${(err as Error).message}` });
    }
  };
  $<HTMLInputElement>('#load').addEventListener('change', load);
  $<HTMLInputElement>('#load-dir').addEventListener('change', load);
}

/** Hooks for the browser tests (and for people poking at the page from the console). */
const hooks = {
  ready: undefined as unknown as Promise<void>,
  runtime: () => (state.runtime ? { kind: state.runtime.kind, why: state.runtimeWhy, info: state.runtime.kind === 'webgl' ? { ...state.runtime.info, ...(state.runtime as unknown as { runner: { describe(): Record<string, unknown> } }).runner.describe() } : state.runtime.info } : { error: state.runtimeError }),
  result: () => (state.result ? { done: state.result.done, count: state.result.count, error: state.result.error?.message, columns: state.result.columns, shape: state.result.spec.shape, name: state.result.spec.name } : undefined),
  /** page coordinates of the centre of heatmap cell (panel, ix, iy) */
  cellCentre: (panel: number, ix: number, iy: number) => {
    const h = state.heatmap!;
    const canvas = h.view.container()!.querySelector('canvas')!.getBoundingClientRect();
    const [x, y] = cellCentre(h, panel, ix, iy);
    return { x: canvas.left + x, y: canvas.top + y, index: flatIndex(state.result!, panel, ix, iy) };
  },
  /** the float64 point behind grid index k, as the CLI's point command would take it */
  point: (k: number) => state.result!.grid.point(k),
  row: (k: number) => {
    const r = new Float32Array(PARAM_STRIDE);
    state.result!.grid.fillRows(k, 1, r, 0);
    return rowToPoint(r, 0, settingsOf(state.result!.grid));
  },
  /** destroys the WebGPU device (as a driver reset would): the page must not hang */
  loseDevice: () => {
    if (state.runtime instanceof WebGpuRuntime) state.runtime.engine.device.destroy();
  },
  specOf: (): ResolvedSpec | undefined => state.result?.spec,
  recordStride: OUT_STRIDE,
};

function boot(): void {
  wire();
  form.setSpec(structuredClone(PRESETS.fig9), DEFAULT_GRID);
  form.setPreset('fig9');
  hooks.ready = startRuntime();
  (window as unknown as { qbsweepExplorer: typeof hooks }).qbsweepExplorer = hooks;
}

boot();

/** The first output a spec's "plot" names (a name or a list) that the result has. */
function firstPlotted(plot: string | string[] | undefined, cols: string[]): string | undefined {
  return (Array.isArray(plot) ? plot : plot ? [plot] : []).find((c) => cols.includes(c));
}
