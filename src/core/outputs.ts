// Every per-point value a backend writes into its record, defined once: the registry RECORD_ENTRIES
// gives each its record slot(s) (from its place in the list), its `qbsweep point --json` key, the
// program that writes it (the state at tau, the long-time limit, the spectrum), the emitted observable it
// comes from, its docs row (long name and unit of its CSV/HDF5 column) and its cross-check
// tolerance. The float64, WGSL and gpu.js writers, the columns, the docs table and the
// tolerances follow from the entries: adding an output is one entry (plus its formula in
// src/compiler/observables.ts if it is new physics).

import { FLAG_BITS, type FlagName } from './constants.js';

/** The most reservoirs a system may have (the record has a current slot for each). */
export const MAX_RESERVOIRS = 4;

/**
 * The emitted observables (src/compiler/observables.ts, compiled to every dialect by
 * src/compiler/targets.ts) a record takes its values from, and the parts each returns, in order:
 * battery(r), concurrence(r), state_observables(r), the average powers between r(0) and r(tau),
 * steady_thermodynamics(currents, r) (the heat currents, then the particle currents, of
 * MAX_RESERVOIRS reservoirs).
 */
export type Formula = 'battery' | 'concurrence' | 'state' | 'power' | 'thermodynamics';

/**
 * Which program writes a slot: the evolution to tau (leap, rk4), the long-time limit (leap,
 * steady: rk4 runs it separately), the spectrum.
 */
export type Program = 'tau' | 'limit' | 'spectrum';

/** Tolerance class against float64 (src/sweep/tolerance.ts): a state's, the concurrence's, the gap's, none. */
export type ToleranceClass = 'state' | 'concurrence' | 'gap' | 'none';

export interface RecordEntry {
  /** named slot of the layout (OUT.efficiency, WGSL OUT_EFFICIENCY) */
  slot: string;
  /** its `point --json` key (`steady.x` for the long-time limit; `#` is the reservoir, from 1, of a block); none for the words and internal values */
  key?: string;
  /** a block of this many slots (one per reservoir) */
  size?: number;
  program: Program;
  /** a flag word (FLAG_BITS) rather than a number */
  flags?: true;
  /** part `at` of an emitted observable; none where the program writes the value itself */
  from?: { formula: Formula; at: number };
  /** docs row: long name (CSV/HDF5 long_name, the docs table) and unit (lambda, omega lambda, nat, ...; '' for none) */
  doc?: { label: string; unit: string };
  tolerance?: ToleranceClass;
  /** a ratio W / E_B: float32 resolves it to (1 + P) 4e-6 / E_B */
  perEnergy?: true;
  /** -sum_k J_k / T_k: the currents' error divided by each temperature */
  perTemperature?: true;
  /** the output lists (`--outputs`, `point --json`) put it after this key rather than at its slot's place */
  listAfter?: string;
  /** a column the checks read, not an output (`_dt`, `_spectral_radius`) */
  internalColumn?: string;
}

const LONG_TIME = 'long-time';
const at = (formula: Formula, k: number) => ({ formula, at: k });

/**
 * The state observables, in the order state_observables(r) returns them (src/compiler/targets.ts
 * emits them in this order; the slot names are those of its StateCode): listed once, written at
 * tau and at the long-time limit.
 */
export const STATE_OBSERVABLES = [
  ['incoherent', 'ergotropy_incoherent_over_omega', 'incoherent ergotropy / omega (battery dephased)', ''],
  ['coherent', 'ergotropy_coherent_over_omega', 'coherent ergotropy / omega', ''],
  ['capacity', 'capacity_over_omega', 'battery capacity / omega = |r_B|', ''],
  ['purity', 'battery_purity', 'battery purity (1 + |r_B|^2)/2', ''],
  ['entropy', 'battery_entropy', 'battery von Neumann entropy', 'nat'],
  ['rhoMin', 'rho_min_eigenvalue', 'smallest eigenvalue of rho (< 0: unphysical)', ''],
  ['negativity', 'negativity', 'negativity of the battery against the rest (||rho^T_B||_1 - 1)/2', ''],
] as const;
type StateSlot = (typeof STATE_OBSERVABLES)[number][0];
/** The state observables added after the record's layout was fixed: their slots come last (the layout appends). */
const APPENDED_STATE_OBSERVABLES = STATE_OBSERVABLES.findIndex(([slot]) => slot === 'negativity');
/** The entries of the state observables [first, end) of STATE_OBSERVABLES, at tau or at the long-time limit. */
function stateEntries(limit: false, first: number, end?: number): (RecordEntry & { slot: StateSlot })[];
function stateEntries(limit: true, first: number, end?: number): (RecordEntry & { slot: `steady${Capitalize<StateSlot>}` })[];
function stateEntries(limit: boolean, first: number, end?: number): RecordEntry[] {
  const keyOf = (k: string) => (limit ? `steady.${k}` : k);
  return STATE_OBSERVABLES.slice(first, end).map(([slot, key, label, unit], j) => ({
    slot: limit ? `steady${slot[0].toUpperCase()}${slot.slice(1)}` : slot,
    key: keyOf(key),
    program: limit ? 'limit' : 'tau',
    from: at('state', first + j),
    doc: { label: limit ? `${LONG_TIME} ${label}` : label, unit },
    tolerance: 'state',
    // an appended one is listed after the state observable before it, not after the currents
    ...(first + j >= APPENDED_STATE_OBSERVABLES ? { listAfter: keyOf(STATE_OBSERVABLES[first + j - 1][1]) } : {}),
  }));
}

const ENTRY_LIST = [
  { slot: 'efficiency', key: 'efficiency', program: 'tau', from: at('battery', 0), doc: { label: 'efficiency P = ergotropy / E_B', unit: '' }, tolerance: 'state', perEnergy: true },
  { slot: 'energy', key: 'E_B_over_omega', program: 'tau', from: at('battery', 1), doc: { label: 'battery energy E_B / omega', unit: '' }, tolerance: 'state' },
  { slot: 'ergotropy', key: 'ergotropy_over_omega', program: 'tau', from: at('battery', 2), doc: { label: 'ergotropy / omega', unit: '' }, tolerance: 'state' },
  { slot: 'concurrence', key: 'concurrence', program: 'tau', from: at('concurrence', 0), doc: { label: 'concurrence C', unit: '' }, tolerance: 'concurrence' },
  { slot: 'steadyEfficiency', key: 'steady.efficiency', program: 'limit', from: at('battery', 0), doc: { label: `${LONG_TIME} efficiency P_ss`, unit: '' }, tolerance: 'state', perEnergy: true },
  { slot: 'steadyEnergy', key: 'steady.E_B_over_omega', program: 'limit', from: at('battery', 1), doc: { label: `${LONG_TIME} E_B / omega`, unit: '' }, tolerance: 'state' },
  { slot: 'steadyErgotropy', key: 'steady.ergotropy_over_omega', program: 'limit', from: at('battery', 2), doc: { label: `${LONG_TIME} ergotropy / omega`, unit: '' }, tolerance: 'state' },
  { slot: 'steadyConcurrence', key: 'steady.concurrence', program: 'limit', from: at('concurrence', 0), doc: { label: `${LONG_TIME} concurrence`, unit: '' }, tolerance: 'concurrence' },
  // 1, or 2 where the steady solve found the limit not unique (bistable)
  { slot: 'kernelDim', key: 'steady.kernel_dim', program: 'limit', doc: { label: 'dimension of ker L', unit: '' }, tolerance: 'none' },
  { slot: 'gap', key: 'liouvillian_gap', program: 'spectrum', doc: { label: 'Liouvillian gap', unit: 'lambda' }, tolerance: 'gap', listAfter: 'concurrence' },
  { slot: 'flags', program: 'tau', flags: true },
  { slot: 'dt', program: 'tau', internalColumn: '_dt' },
  { slot: 'spectralRadius', program: 'spectrum', internalColumn: '_spectral_radius' },
  { slot: 'slowest', program: 'spectrum' },
  { slot: 'steadyFlags', program: 'limit', flags: true },
  { slot: 'spectrumFlags', program: 'spectrum', flags: true },
  // ||A^p||_inf^(n/p) from the leap's last square A^p on traceless vectors (p <= n a power of two):
  // a bound on |eig|^n, so < exp(-10) proves the point stationary at tau (the spectrum skips it)
  { slot: 'transientBound', program: 'tau' },
  ...stateEntries(false, 0, APPENDED_STATE_OBSERVABLES),
  { slot: 'averagePower', key: 'average_power', program: 'tau', from: at('power', 0), doc: { label: 'average charging power (E_B(tau) - E_B(0))/tau', unit: 'omega lambda' }, tolerance: 'state' },
  { slot: 'averageErgotropicPower', key: 'average_ergotropic_power', program: 'tau', from: at('power', 1), doc: { label: 'average ergotropic power (W(tau) - W(0))/tau', unit: 'omega lambda' }, tolerance: 'state' },
  ...stateEntries(true, 0, APPENDED_STATE_OBSERVABLES),
  { slot: 'steadyHeat', key: 'steady.heat_current_#', size: MAX_RESERVOIRS, program: 'limit', from: at('thermodynamics', 0), doc: { label: `${LONG_TIME} energy current from reservoir #`, unit: 'lambda^2' }, tolerance: 'state' },
  { slot: 'steadyParticles', key: 'steady.particle_current_#', size: MAX_RESERVOIRS, program: 'limit', from: at('thermodynamics', MAX_RESERVOIRS), doc: { label: `${LONG_TIME} particle current from reservoir # (absorptions - emissions)`, unit: 'lambda' }, tolerance: 'state' },
  { slot: 'steadyEntropyProduction', key: 'steady.entropy_production', program: 'limit', from: at('thermodynamics', 2 * MAX_RESERVOIRS), doc: { label: `${LONG_TIME} entropy production -sum_k (J_k - mu_k N_k)/T_k`, unit: 'lambda' }, tolerance: 'state', perTemperature: true },
  ...stateEntries(false, APPENDED_STATE_OBSERVABLES),
  ...stateEntries(true, APPENDED_STATE_OBSERVABLES),
] as const satisfies readonly RecordEntry[];

/** The record after the state's components, in slot order (the order is the layout: append, never insert). */
export const RECORD_ENTRIES: readonly RecordEntry[] = ENTRY_LIST;

type SlotName = (typeof ENTRY_LIST)[number]['slot'];

/** Slot of each named value (the first of a block) in a record of a state of `stateDim` components, r first. */
export type RecordLayout = { readonly r: 0 } & { readonly [K in SlotName]: number };

/** The record layout of a state dimension: r in slots [0, stateDim), then the entries in order. */
export function recordLayout(stateDim: number): RecordLayout {
  const slots: Record<string, number> = { r: 0 };
  let next = stateDim;
  for (const e of RECORD_ENTRIES) {
    slots[e.slot] = next;
    next += e.size ?? 1;
  }
  return slots as RecordLayout;
}

/** f32 (or f64) values per record of a state of `stateDim` components. */
export const recordStride = (stateDim: number): number => RECORD_ENTRIES.reduce((n, e) => n + (e.size ?? 1), stateDim);

/** The two-qubit record (16 components): 58 values, 232 bytes in f32. */
export const OUT = recordLayout(16);
export const OUT_STRIDE = recordStride(16);
export const OUT_BYTES = OUT_STRIDE * 4;

/** One output value of an entry: its key, slot and long name (a block gives one per reservoir). */
export interface OutputValue {
  key: string;
  /** the entry's slot plus the reservoir index */
  offset: number;
  entry: RecordEntry;
  doc: { label: string; unit: string };
}

/** The outputs of an entry: one, or one per reservoir of a block (`#` replaced by 1, 2, ...). */
export function entryOutputs(e: RecordEntry): OutputValue[] {
  if (e.key === undefined) return [];
  return Array.from({ length: e.size ?? 1 }, (_, k) => ({
    key: e.key!.replace('#', String(k + 1)),
    offset: k,
    entry: e,
    doc: { label: e.doc!.label.replace('#', String(k + 1)), unit: e.doc!.unit },
  }));
}

const VALUES: OutputValue[] = RECORD_ENTRIES.flatMap(entryOutputs);
const BY_KEY = new Map(VALUES.map((v) => [v.key, v]));

/** The scalar outputs every backend writes, by `point --json` key, in the order the lists show them. */
export const SCALAR_OUTPUTS: readonly string[] = (() => {
  const list = VALUES.filter((v) => v.entry.listAfter === undefined).map((v) => v.key);
  for (const v of VALUES.filter((x) => x.entry.listAfter !== undefined)) list.splice(list.indexOf(v.entry.listAfter!) + 1, 0, v.key);
  return list;
})();

/** The output of a `point --json` key (undefined: not a scalar output). */
export const outputValue = (key: string): OutputValue | undefined => BY_KEY.get(key);

/** The value of a `point --json` key in a result of that shape (`steady.x` is result.steady.x). */
export function resultValue(result: object, key: string): number | undefined {
  const [obj, name] = key.startsWith('steady.') ? [(result as { steady?: object }).steady, key.slice(7)] : [result, key];
  return (obj as Record<string, number> | undefined)?.[name];
}

/**
 * The float64 writers' loop: value(key) into the slot of every output whose entry `which`
 * selects, in the record at `base` (NaN where value has none: the currents of absent reservoirs).
 */
export function writeOutputs(record: { [i: number]: number }, base: number, which: (e: RecordEntry) => boolean, value: (key: string) => number | undefined, layout: RecordLayout = OUT): void {
  for (const o of VALUES) if (which(o.entry)) record[base + layout[o.entry.slot as SlotName] + o.offset] = value(o.key) ?? Number.NaN;
}

/** The record slot of a scalar output (two-qubit record). */
export const outputSlot = (key: string): number | undefined => {
  const v = BY_KEY.get(key);
  return v === undefined ? undefined : OUT[v.entry.slot as SlotName] + v.offset;
};

/** The slots of a layout an entry covers. */
export const entrySlots = (layout: RecordLayout, e: RecordEntry): number[] => Array.from({ length: e.size ?? 1 }, (_, k) => layout[e.slot as SlotName] + k);

/** The slots of a program's entries, `words` with or without its flag word. */
export function programSlots(layout: RecordLayout, program: Program, words: boolean): number[] {
  return RECORD_ENTRIES.filter((e) => e.program === program && (words || !e.flags)).flatMap((e) => entrySlots(layout, e));
}

/** The long-time limit's values (not its flag word): what an unstable point blanks. */
export const STEADY_SLOTS: readonly number[] = programSlots(OUT, 'limit', false);

/** Columns that are not outputs but that checks need (the scale of the gap tolerance, the step): name -> slot. */
export const INTERNAL_COLUMNS: Readonly<Record<string, number>> = Object.fromEntries(RECORD_ENTRIES.filter((e) => e.internalColumn).map((e) => [e.internalColumn!, OUT[e.slot as SlotName]]));

/** The WGSL name of a slot: OUT_EFFICIENCY, OUT_STEADY_FLAGS, ... */
export const wgslSlotName = (slot: string): string => `OUT_${slot.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

/** WGSL: OUT_STRIDE and every record slot by name (OUT_R, OUT_EFFICIENCY, ...) of a layout. */
export function wgslRecordSlots(stateDim: number): string {
  const layout = recordLayout(stateDim);
  return [`const OUT_STRIDE: u32 = ${recordStride(stateDim)}u;`, ...Object.entries(layout).map(([k, v]) => `const ${wgslSlotName(k)}: u32 = ${v}u;`)].join('\n');
}

/** How the WGSL record writers read each formula's parts (the arguments of the generated functions). */
const WGSL_PARTS: Record<Formula, (k: number) => string> = {
  battery: (k) => `b.${['efficiency', 'energy', 'ergotropy'][k]}`,
  concurrence: () => 'c',
  state: (k) => `st[${k}]`,
  power: (k) => `average_power(b.${['energy', 'ergotropy'][k]}, b0.${['energy', 'ergotropy'][k]}, tau)`,
  thermodynamics: (k) => `th[${k}]`,
};

/**
 * WGSL record writers generated from the entries (shaders/records.wgsl calls them): every value
 * of the state at tau, and of the long-time limit, that comes from an emitted observable; and
 * NaN into every long-time value (a limit that is not unique).
 */
export function wgslRecordWriters(stateDim: number): string {
  const layout = recordLayout(stateDim);
  const writes = (program: Program) =>
    RECORD_ENTRIES.filter((e) => e.program === program && e.from)
      .flatMap((e) => entrySlots(layout, e).map((s, k) => `  out[base + ${s}u] = ${WGSL_PARTS[e.from!.formula](e.from!.at + k)};`))
      .join('\n');
  return [
    '// record writers: generated from src/core/outputs.ts RECORD_ENTRIES (do not edit)',
    `fn write_outputs_at_tau(base: u32, b: Battery, c: f32, st: array<f32, ${STATE_OBSERVABLES.length}>, b0: Battery, tau: f32) {\n${writes('tau')}\n}`,
    `fn write_outputs_long_time(base: u32, b: Battery, c: f32, st: array<f32, ${STATE_OBSERVABLES.length}>, th: array<f32, ${2 * MAX_RESERVOIRS + 3}>) {\n${writes('limit')}\n}`,
    '// the non-positive flag of a state from its observables (rho\'s smallest eigenvalue)',
    `fn non_positive(st: array<f32, ${STATE_OBSERVABLES.length}>) -> u32 {\n  return select(0u, FLAG_NON_POSITIVE, st[${STATE_OBSERVABLES.findIndex(([slot]) => slot === 'rhoMin')}] < -NON_POSITIVE_F32);\n}`,
    `fn write_long_time_nan(base: u32, nan: f32) {\n${programSlots(layout, 'limit', false).map((s) => `  out[base + ${s}u] = nan;`).join('\n')}\n}`,
  ].join('\n');
}

/**
 * A sweep's flag words, one per point: 16 bits (FLAG_BITS outgrew a byte; a record keeps its
 * words in f32 slots, exact up to 2^24). The HDF5 `flags` dataset has this type.
 */
export const FlagWords = Uint16Array;
export type FlagWords = Uint16Array;

export function flagNames(bits: number): FlagName[] {
  return (Object.entries(FLAG_BITS) as [FlagName, number][]).filter(([, b]) => bits & b).map(([n]) => n);
}

export function flagBits(flags: string[]): number {
  let bits = 0;
  for (const f of flags) bits |= (FLAG_BITS as Record<string, number>)[f] ?? 0;
  return bits;
}
