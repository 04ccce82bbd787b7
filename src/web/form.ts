// The explorer's sweep form: preset, axes, base parameters and outputs, read into a spec that
// goes through the CLI's own validation (resolvePoint, resolveSpec, applyGrid, Grid.validate),
// so every message is the command line's, shown next to the field it names.

import { DEFAULTS, InputError, MODELS, NAMED_STATES, POINT_NAME_DOCS, RESERVOIRS, ZERO_FREQS, nameDoc, resolvePoint, sharedStatistics } from '../model/params.js';
import { DEFAULT_OUTPUTS, OUTPUT_DOCS, OUTPUT_KEYS } from '../sweep/outputs.js';
import { CHARGING_FIGURES } from '../model/charging.js';
import { PRESETS } from '../sweep/presets.js';
import { type AxisSpec, MAX_AXES, type ResolvedSpec, type SweepSpec, applyGrid, parseTimeGrid, resolveSpec, sweepableParams } from '../sweep/spec.js';
import { type SystemDefinition, isTwoQubitDefault, parseSystem } from '../system/definition.js';
import { BUILTIN_NAMES, DEFAULT_SYSTEM, builtinSystem, paperSystem, resolveSystem, systemReference } from '../system/registry.js';

const $ = <T extends HTMLElement>(sel: string, root: ParentNode = document): T => root.querySelector(sel) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** A number as a physicist types it; anything else stays text so that validation names it. */
export function parseField(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return Number.NaN;
  const v = Number(t);
  return Number.isNaN(v) ? t : v;
}

function unitOf(sys: SystemDefinition, param: string): string {
  const u = nameDoc(sys, param)?.unit;
  return u && u !== '1' && u !== 'energy unit' ? u.replace('lambda', 'λ') : '';
}

/** A base field's default as the form shows it. */
function defaultOf(sys: SystemDefinition, key: string): unknown {
  if (key === 'reservoir') return sharedStatistics(sys) ?? '';
  const p = sys.parameters.find((x) => x.name === key);
  if (p) return p.default;
  return (DEFAULTS as Record<string, unknown>)[key];
}

function fmt(v: unknown): string {
  return v === undefined ? '' : typeof v === 'number' ? String(v) : String(v);
}

export interface FormErrors {
  /** field key (base key, 'axes[k]', 'grid', 'outputs', 'spec') -> message */
  [field: string]: string;
}

export class SweepForm {
  readonly preset = $<HTMLSelectElement>('#preset');
  readonly systemSelect = $<HTMLSelectElement>('#system');
  private readonly systemFile = $<HTMLInputElement>('#system-file');
  /** the system the form edits: a built-in, or a definition loaded from a file */
  system: SystemDefinition = paperSystem();
  readonly grid = $<HTMLInputElement>('#grid');
  /** a time grid FROM:TO:N: every point's charging curve, and the charging figures as maps */
  readonly times = $<HTMLInputElement>('#times');
  private readonly axesBox = $<HTMLDivElement>('#axes');
  private readonly baseBox = $<HTMLDivElement>('#base');
  private readonly outputsBox = $<HTMLDivElement>('#outputs');
  private readonly baseInputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  private description: string | undefined;
  private plot: string | undefined;
  private name = 'sweep';
  onChange: () => void = () => undefined;

  constructor() {
    // the page's kernels, point panel and tomography are two-qubit ones: it offers those systems (qbsweep sweep runs the others)
    const pageRuns = (name: string) => isTwoQubitDefault(builtinSystem(name));
    for (const [k, p] of Object.entries(PRESETS).filter(([, p]) => pageRuns(typeof p.system === 'string' ? p.system : DEFAULT_SYSTEM))) this.preset.append(el('option', { value: k }, `${k}: ${p.description?.split(':')[0] ?? k}`));
    this.preset.append(el('option', { value: 'custom' }, 'custom'));
    for (const n of BUILTIN_NAMES.filter(pageRuns)) this.systemSelect.append(el('option', { value: n }, `${n}${n === 'wang2023' ? ' (the paper, default)' : ''}`));
    this.systemSelect.append(el('option', { value: 'file' }, 'from a file…'));
    this.systemSelect.addEventListener('change', () => {
      if (this.systemSelect.value === 'file') {
        this.systemFile.click();
        return;
      }
      // a built-in system comes with its own diagram (a preset of that name; the paper's: Fig. 9)
      const own = systemPreset(this.systemSelect.value);
      if (own) {
        this.setSpec(structuredClone(PRESETS[own]), this.grid.value || DEFAULT_GRID);
        this.setPreset(own);
        this.onChange();
        return;
      }
      this.useSystem(builtinSystem(this.systemSelect.value));
      this.changed();
    });
    this.systemFile.addEventListener('change', () => void this.loadSystemFile());
    this.buildBase();
    // the charging figures come with a time grid (the "charging curves" field), not as boxes
    for (const o of OUTPUT_KEYS.filter((k) => !(CHARGING_FIGURES as readonly string[]).includes(k))) {
      const box = el('input', { type: 'checkbox', value: o, 'data-output': o });
      this.outputsBox.append(el('label', { title: OUTPUT_DOCS[o]?.label ?? '32 columns rho_real[i][j], rho_imag[i][j]' }, box, o));
    }
    this.preset.addEventListener('change', () => {
      if (this.preset.value !== 'custom') this.setSpec(structuredClone(PRESETS[this.preset.value]), this.grid.value || DEFAULT_GRID);
      this.setPreset(this.preset.value);
      this.onChange();
    });
    $<HTMLButtonElement>('#add-axis').addEventListener('click', () => {
      if (this.axesBox.children.length < MAX_AXES) this.addAxis({ param: 'F', from: 0, to: 2, n: 11 }, true);
      this.changed();
    });
    // the grid box is a shortcut for the n of the x and y axes: it writes them into the axis
    // fields (one place for the sizes); a preset stays a preset, any other edit makes it custom
    this.grid.addEventListener('input', () => {
      this.gridToAxes();
      this.onChange();
    });
    this.times.addEventListener('input', () => this.onChange());
    for (const e of [this.outputsBox, this.baseBox]) {
      e.addEventListener('input', () => this.changed());
      e.addEventListener('change', () => this.changed());
    }
    // the reservoirs' statistics decide which particle currents exist
    this.baseBox.addEventListener('change', () => this.syncOutputs());
  }

  private changed(): void {
    this.setPreset('custom');
    this.onChange();
  }

  /** The preset menu and the description under it (a custom sweep has none: no "Fig. 9" over another scan). */
  setPreset(name: string): void {
    this.preset.value = name;
    $<HTMLParagraphElement>('#preset-about').textContent = PRESETS[name]?.description ?? '';
  }

  /** Writes a valid grid box NxM into the n of the last two axes (a bad one is left to validate's message). */
  private gridToAxes(): void {
    if (!this.grid.value.trim()) return;
    let axes: AxisSpec[];
    try {
      axes = applyGrid(this.readSpec(), this.grid.value).axes;
    } catch {
      return;
    }
    Array.from(this.axesBox.children).forEach((box, k) => {
      const n = $<HTMLInputElement>('[data-field="n"]', box);
      if (axes[k]?.n !== undefined && n.value !== String(axes[k].n)) n.value = String(axes[k].n);
    });
  }

  /** The grid box as the axes' sizes say (x, or x by y), or empty where they are not plain ranges. */
  private axesToGrid(): void {
    const axes = this.readSpec().axes;
    const sizes = axes.slice(-2).reverse().map((a) => (a.values === undefined && Number.isInteger(a.n) && (a.n as number) >= 1 ? a.n : undefined));
    this.grid.value = sizes.every((n) => n !== undefined) ? sizes.join('x') : '';
  }

  /** Only the outputs the system has: energy currents of its own reservoirs, particle currents of fermion ones. */
  private syncOutputs(): void {
    const reservoir = this.baseInputs.get('reservoir')?.value;
    for (const box of Array.from(this.outputsBox.querySelectorAll<HTMLInputElement>('input'))) {
      const has = hasOutput(this.system, reservoir || undefined, box.value);
      (box.parentElement as HTMLElement).hidden = !has;
      if (!has) box.checked = false;
    }
  }

  /** Switches the form to another system: its parameters become the base fields, its names the axes. */
  useSystem(sys: SystemDefinition, keepAxes = false): void {
    const axes = keepAxes ? this.readSpec().axes : [];
    this.system = sys;
    const builtin = BUILTIN_NAMES.find((n) => systemReference(sys) === n);
    if (builtin) this.systemSelect.value = builtin;
    else {
      let opt = this.systemSelect.querySelector<HTMLOptionElement>('option[value="loaded"]');
      if (!opt) this.systemSelect.insertBefore((opt = el('option', { value: 'loaded' })), this.systemSelect.lastChild);
      opt.textContent = `${sys.name} (file)`;
      this.systemSelect.value = 'loaded';
    }
    $<HTMLParagraphElement>('#system-about').textContent = sys.description;
    this.baseBox.replaceChildren();
    this.baseInputs.clear();
    this.buildBase();
    this.axesBox.replaceChildren();
    const names = sweepableParams(sys);
    for (const a of axes.length ? axes : [{ param: names[0], from: 0, to: 1, n: 11 }]) this.addAxis(names.includes(a.param) ? a : { ...a, param: names[0] });
    this.axesToGrid();
    this.syncOutputs();
  }

  /** A system JSON file chosen by the user: parsed with the CLI's own checks, errors shown next to the field. */
  private async loadSystemFile(): Promise<void> {
    const f = this.systemFile.files?.[0];
    if (!f) return;
    try {
      let json: unknown;
      try {
        json = JSON.parse(await f.text());
      } catch (e) {
        throw new InputError(`system file ${f.name}: not valid JSON (${(e as Error).message})`);
      }
      const sys = parseSystem(json, `system file ${f.name}`);
      // the page's point panel and tomography are two-qubit ones: the command line runs the rest
      if (!isTwoQubitDefault(sys)) throw new InputError(`system file ${f.name}: the page runs two-qubit systems with the default battery only (this one: ${sys.qubits} qubits, battery qubits [${sys.battery.qubits.join(', ')}]); qbsweep sweep --system FILE runs it (webgpu, browser or cpu)`);
      this.useSystem(resolveSystem(sys, `system file ${f.name}`));
      this.showErrors({});
      this.changed();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      this.showErrors({ system: e.message });
      this.systemSelect.value = BUILTIN_NAMES.find((n) => systemReference(this.system) === n) ?? 'loaded';
    } finally {
      this.systemFile.value = '';
    }
  }

  private buildBase(): void {
    const box = this.baseBox;
    const sys = this.system;
    const shared = sharedStatistics(sys);
    const add = (key: string, label: string, input: HTMLInputElement | HTMLSelectElement, wide = false, title = '') => {
      input.dataset.key = key;
      this.baseInputs.set(key, input);
      box.append(el('label', { class: wide ? 'wide' : '', title }, label, input));
      box.append(el('div', { class: 'err', 'data-err-for': key }));
    };
    const select = (options: readonly string[], def: string) => {
      const s = el('select');
      for (const o of options) s.append(el('option', { value: o }, o === def ? `${o} (default)` : o));
      s.value = def;
      return s;
    };
    if (shared) add('reservoir', 'reservoir', select(RESERVOIRS, shared));
    else {
      // '' = every reservoir as the system defines it
      const s = select(['', ...RESERVOIRS], '');
      s.options[0].textContent = 'as defined (default)';
      add('reservoir', 'reservoir statistics', s);
    }
    add('model', 'model', select(sys.jumps.length ? MODELS : MODELS.filter((m) => m !== 'lindblad'), DEFAULTS.model), false, 'redfield: paper Eqs. 18-24; bloch-redfield: no eigenbasis RWA; lindblad: the jumps of the system (paper Eq. 4)');
    for (const k of [...sys.parameters.map((p) => p.name), 'tau']) {
      const unit = unitOf(sys, k);
      const input = el('input', { placeholder: `${defaultOf(sys, k)} (default)`, autocomplete: 'off', inputmode: 'decimal' });
      add(k, `${k}${unit ? ` [${unit}]` : ''}`, input, false, nameDoc(sys, k)?.about ?? '');
    }
    add('lindblad_freq', 'lindblad_freq', el('input', { placeholder: 'lambda (default) | M | number', autocomplete: 'off' }), false, 'frequency of the lindblad rates');
    add('zero_freq', 'zero_freq', select(ZERO_FREQS, DEFAULTS.zero_freq), false, 'boson rates at w = 0: limit (alpha T) or zero');
    const state = select([...Object.keys(NAMED_STATES), 'theta/phi'], DEFAULTS.state);
    for (const o of Array.from(state.options)) if (o.value in NAMED_STATES) o.textContent = `${NAMED_STATES[o.value].about}${o.value === DEFAULTS.state ? ' (default)' : ''}`;
    add('initial_state', 'initial state', state, true);
    add('initial_state.theta', 'theta [rad]', el('input', { placeholder: `${+(Math.PI / 4).toFixed(6)} (default)`, autocomplete: 'off' }), false, POINT_NAME_DOCS.theta.about);
    add('initial_state.phi', 'phi [rad]', el('input', { placeholder: '0 (default)', autocomplete: 'off' }), false, POINT_NAME_DOCS.phi.about);
    state.addEventListener('change', () => this.syncState());
    this.syncState();
  }

  private syncState(): void {
    const angles = this.baseInputs.get('initial_state')!.value === 'theta/phi';
    for (const k of ['initial_state.theta', 'initial_state.phi']) (this.baseInputs.get(k)!.parentElement as HTMLElement).hidden = !angles;
  }

  private addAxis(a: AxisSpec, focus = false): void {
    const box = el('div', { class: 'axis' });
    const param = el('select', { 'data-field': 'param' });
    const sweepable = sweepableParams(this.system);
    for (const p of sweepable) param.append(el('option', { value: p, title: nameDoc(this.system, p)?.about ?? '' }, `${p}${unitOf(this.system, p) ? ` [${unitOf(this.system, p)}]` : ''}`));
    param.value = a.param;
    const mode = el('select', { 'data-field': 'mode' }, el('option', { value: 'range' }, 'from/to/n'), el('option', { value: 'values' }, 'values'));
    mode.value = a.values !== undefined ? 'values' : 'range';
    const rel = el('select', { 'data-field': 'relative_to', title: 'the values are multiples of this parameter (e.g. dT in units of Tbar)' }, el('option', { value: '' }, 'absolute'));
    for (const p of sweepable) rel.append(el('option', { value: p }, `× ${p}`));
    rel.value = a.relative_to ?? '';
    const remove = el('button', { type: 'button', class: 'small', title: 'remove this axis' }, '×');
    remove.addEventListener('click', () => {
      box.remove();
      this.renumberAxes();
      this.axesToGrid();
      this.changed();
    });
    const input = (field: string, label: string, value: unknown) => el('label', { class: field === 'values' ? 'values' : '' }, label, el('input', { 'data-field': field, value: fmt(value), autocomplete: 'off' }));
    const fields = el('div', { class: 'axis-fields' }, input('from', 'from', a.from), input('to', 'to', a.to), input('n', 'n (points)', a.n), input('values', 'values (comma-separated)', a.values?.join(', ')));
    box.append(el('div', { class: 'axis-head' }, param, mode, rel, remove), fields, el('div', { class: 'err' }));
    const sync = () => {
      const values = mode.value === 'values';
      for (const f of ['from', 'to', 'n']) ($<HTMLInputElement>(`[data-field="${f}"]`, box).parentElement as HTMLElement).hidden = values;
      ($<HTMLInputElement>('[data-field="values"]', box).parentElement as HTMLElement).hidden = !values;
    };
    mode.addEventListener('change', () => {
      sync();
      this.axesToGrid();
      this.changed();
    });
    for (const s of [param, rel]) s.addEventListener('change', () => this.changed());
    fields.addEventListener('input', () => {
      this.axesToGrid();
      this.changed();
    });
    sync();
    this.axesBox.append(box);
    this.renumberAxes();
    if (focus) param.focus();
  }

  private renumberAxes(): void {
    Array.from(this.axesBox.children).forEach((b, k) => ($<HTMLDivElement>('.err', b).dataset.errFor = `axes[${k}]`));
    $<HTMLButtonElement>('#add-axis').disabled = this.axesBox.children.length >= MAX_AXES;
  }

  /** Fills the form from a spec (a preset, or the spec of a loaded result). */
  setSpec(spec: SweepSpec | ResolvedSpec, grid?: string): void {
    const sys = resolveSystem(spec.system ?? (spec.base as { system?: unknown } | undefined)?.system, 'spec system');
    if (sys !== this.system) this.useSystem(sys);
    this.name = spec.name ?? 'sweep';
    this.description = spec.description;
    this.plot = Array.isArray(spec.plot) ? spec.plot[0] : spec.plot;
    this.axesBox.replaceChildren();
    let axes = spec.axes;
    if (grid) {
      try {
        axes = applyGrid(spec, grid).axes;
      } catch {
        // a grid that does not fit these axes (e.g. a list of values as y): the spec's own sizes
      }
    }
    for (const a of axes) this.addAxis(a);
    this.axesToGrid();
    this.times.value = spec.times ? `${spec.times.from}:${spec.times.to}:${spec.times.n}` : '';
    const base = (spec.base ?? {}) as Record<string, unknown>;
    for (const [k, input] of this.baseInputs) {
      if (k.startsWith('initial_state')) continue;
      const v = base[k];
      const def = defaultOf(this.system, k);
      if (input instanceof HTMLSelectElement) input.value = v === undefined ? String(def) : String(v);
      else input.value = v === undefined || v === def ? '' : String(v);
    }
    const st = (base.initial_state ?? { label: DEFAULTS.state }) as Record<string, unknown>;
    const stateSel = this.baseInputs.get('initial_state') as HTMLSelectElement;
    const label = typeof st.label === 'string' && st.label in NAMED_STATES ? st.label : undefined;
    if (st.theta !== undefined || st.phi !== undefined) {
      stateSel.value = 'theta/phi';
      this.baseInputs.get('initial_state.theta')!.value = fmt(st.theta);
      this.baseInputs.get('initial_state.phi')!.value = fmt(st.phi);
    } else stateSel.value = label ?? DEFAULTS.state;
    this.syncState();
    const outputs = spec.outputs ?? DEFAULT_OUTPUTS;
    for (const box of Array.from(this.outputsBox.querySelectorAll<HTMLInputElement>("input"))) box.checked = outputs.includes(box.value);
    this.syncOutputs();
  }

  /** The spec as typed: numbers parsed, nothing validated. */
  readSpec(): SweepSpec {
    const base: Record<string, unknown> = {};
    for (const [k, input] of this.baseInputs) {
      if (k.startsWith('initial_state')) continue;
      if (input instanceof HTMLSelectElement) {
        if (input.value !== String(defaultOf(this.system, k))) base[k] = input.value;
        continue;
      }
      const v = k === 'lindblad_freq' && /^(lambda|M)$/.test(input.value.trim()) ? input.value.trim() : parseField(input.value);
      if (v !== undefined) base[k] = v;
    }
    const stateSel = this.baseInputs.get('initial_state') as HTMLSelectElement;
    if (stateSel.value === 'theta/phi') {
      const st: Record<string, unknown> = {};
      const theta = parseField(this.baseInputs.get('initial_state.theta')!.value);
      const phi = parseField(this.baseInputs.get('initial_state.phi')!.value);
      st.theta = theta ?? Math.PI / 4;
      if (phi !== undefined) st.phi = phi;
      base.initial_state = st;
    } else base.initial_state = { label: stateSel.value };
    const axes: AxisSpec[] = Array.from(this.axesBox.children).map((box) => {
      const get = (f: string) => $<HTMLInputElement | HTMLSelectElement>(`[data-field="${f}"]`, box).value;
      const a: Record<string, unknown> = { param: get('param') };
      if (get('mode') === 'values') a.values = get('values').split(/[,\s]+/).filter(Boolean).map((t) => parseField(t));
      else {
        for (const f of ['from', 'to', 'n']) {
          const v = parseField(get(f));
          if (v !== undefined) a[f] = v;
        }
      }
      if (get('relative_to')) a.relative_to = get('relative_to');
      return a as unknown as AxisSpec;
    });
    const outputs = Array.from(this.outputsBox.querySelectorAll<HTMLInputElement>('input:checked')).map((b) => b.value);
    const custom = this.preset.value === 'custom';
    const spec: SweepSpec = { name: custom && this.name in PRESETS ? 'sweep' : this.name, base, axes, outputs };
    if (systemReference(this.system) !== DEFAULT_SYSTEM) spec.system = systemReference(this.system);
    if (this.description && !custom) spec.description = this.description;
    if (this.plot && outputs.includes(this.plot)) spec.plot = this.plot;
    return spec;
  }

  /**
   * Validates the typed spec with the CLI's functions. Returns the resolved spec, or the errors
   * keyed by the field they name (each message exactly as the CLI prints it).
   */
  validate(): { spec?: ReturnType<typeof resolveSpec>; errors: FormErrors } {
    const errors: FormErrors = {};
    let spec = this.readSpec();
    // each base field on its own (with the reservoir, which decides the temperature bound)
    const base = spec.base as Record<string, unknown>;
    for (const k of Object.keys(base)) {
      if (k === 'reservoir') continue;
      try {
        resolvePoint({ system: this.system, reservoir: base.reservoir, [k]: base[k] });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors[fieldOf(e.message) ?? k] = e.message;
      }
    }
    if (this.grid.value.trim()) {
      try {
        spec = applyGrid(spec, this.grid.value);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors.grid = e.message;
      }
    }
    if (this.times.value.trim()) {
      try {
        spec = { ...spec, times: parseTimeGrid(this.times.value, 'charging curves') };
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        errors.times = e.message;
      }
    }
    let resolved: ReturnType<typeof resolveSpec> | undefined;
    try {
      resolved = resolveSpec(spec);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const f = fieldOf(e.message) ?? 'spec';
      errors[f] ??= e.message;
    }
    return Object.keys(errors).length ? { errors } : { spec: resolved, errors };
  }

  /** Shows each message next to its field (and clears the others). */
  showErrors(errors: FormErrors): void {
    for (const box of Array.from(document.querySelectorAll<HTMLElement>("[data-err-for]"))) {
      const msg = errors[box.dataset.errFor!] ?? '';
      box.textContent = msg;
      const input = box.dataset.errFor!.startsWith('axes[') ? box.parentElement : this.baseInputs.get(box.dataset.errFor!) ?? (box.dataset.errFor === 'grid' ? this.grid : box.dataset.errFor === 'times' ? this.times : undefined);
      input?.classList.toggle('bad', msg !== '');
    }
  }
}

/** The explorer's grid when none is typed. */
export const DEFAULT_GRID = '32x32';

/** A built-in system's own preset: the one named after it, or Fig. 9 for the paper's. */
export function systemPreset(system: string): string | undefined {
  if (system in PRESETS && PRESETS[system].system === system) return system;
  return system === DEFAULT_SYSTEM ? 'fig9' : undefined;
}

/** Whether a system has an output: a current of reservoir k only if it has k reservoirs (particle currents: fermion ones). */
export function hasOutput(sys: SystemDefinition, reservoir: string | undefined, output: string): boolean {
  const m = /^steady\.(heat|particle)_current_(\d+)$/.exec(output);
  if (!m) return true;
  const k = Number(m[2]);
  if (k > sys.reservoirs.length) return false;
  return m[1] === 'heat' || (reservoir ?? sys.reservoirs[k - 1].statistics) === 'fermion';
}

/** The form field a CLI message names: "parameter F: ...", "spec axes[1] (F): ...", "option --grid: ...". */
export function fieldOf(message: string): string | undefined {
  let m = /^parameter (initial_state\.(theta|phi))\b/.exec(message);
  if (m) return m[1];
  m = /^parameter (initial_state)/.exec(message);
  if (m) return 'initial_state';
  m = /^parameter (\w+)/.exec(message);
  if (m) return m[1];
  m = /^spec (axes\[\d+\])/.exec(message);
  if (m) return m[1];
  if (/^spec outputs/.test(message)) return 'outputs';
  if (/^option --grid/.test(message)) return 'grid';
  if (/^(charging curves|spec times)/.test(message)) return 'times';
  return undefined;
}
