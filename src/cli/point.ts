// `qbsweep point`: one parameter point, from a JSON file, stdin, or ordinary flags.

import { dirname, resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { firstRepeat } from '../core/lists.js';
import { basisLabels } from '../algebra/pauli.js';
import { DEFAULTS, InputError, NAMED_STATES, isPointName, sharedStatistics, type PointInput, type PointParams, pointToInput, resolvePoint, setParam } from '../model/params.js';
import { type PointResult, nonFiniteCause } from '../model/point.js';
import { type Trajectory, evaluateOnBackend, pointCheck, trajectoryOnBackend, BACKEND_CHOICES } from '../sweep/point.js';
import type { CrossCheck } from '../sweep/run.js';
import { reportCrossCheck } from './report.js';
import { PRECISION_OBSERVABLES } from '../core/constants.js';
import { KERNEL_TOL } from '../model/spectrum.js';
import { GAP_RESOLUTION_F32 } from '../sweep/tolerance.js';
import { inverseTemperatureSum } from '../model/observables.js';
import { writeFileAtomic } from '../io/atomic.js';
import { BUILTIN_NAMES, DEFAULT_SYSTEM, paperSystem, resolveSystem, systemReference } from '../system/registry.js';
import { describeNames, genericSpace } from '../system/space.js';
import { action, fmtNum, parseNumber, readJsonInput } from './common.js';
import { parseTimeGrid } from '../sweep/spec.js';
import type { TimeGrid } from '../model/charging.js';
import { summary } from './common.js';

/** Flags for people, each mapped onto one (possibly derived) parameter; `family` groups flags that must not be mixed. */
interface ParamFlag {
  flag: string;
  key: string;
  param: string;
  help: string;
  family?: { name: string; kind: 'direct' | 'derived' };
}

const D = DEFAULTS;
/** The default system's value of a name, for the flags' help ("(default 0.5)"). */
const DS = (name: string): number => {
  const space = genericSpace(paperSystem());
  return space.get(space.defaults(), name);
};
const PARAM_FLAGS: ParamFlag[] = [
  { flag: '--delta <x>', key: 'delta', param: 'Delta', help: `detuning Delta = Delta1 - Delta2 [lambda] (default ${DS('Delta')})`, family: { name: 'detunings', kind: 'derived' } },
  { flag: '--delta-bar <x>', key: 'deltaBar', param: 'Delta_bar', help: 'mean detuning (Delta1 + Delta2)/2 [lambda] (default 0)', family: { name: 'detunings', kind: 'derived' } },
  { flag: '--delta1 <x>', key: 'delta1', param: 'Delta1', help: `charger detuning omega1 - omega_d [lambda] (default ${DS('Delta1')})`, family: { name: 'detunings', kind: 'direct' } },
  { flag: '--delta2 <x>', key: 'delta2', param: 'Delta2', help: `battery detuning omega2 - omega_d [lambda] (default ${DS('Delta2')})`, family: { name: 'detunings', kind: 'direct' } },
  { flag: '--F <x>', key: 'F', param: 'F', help: `driving strength [lambda] (default ${DS('F')})` },
  { flag: '--lambda <x>', key: 'lambda', param: 'lambda', help: `charger-battery coupling, the energy unit (default ${DS('lambda')})` },
  { flag: '--alpha <x>', key: 'alpha', param: 'alpha', help: `Ohmic coupling of both reservoirs (default ${DS('alpha1')})`, family: { name: 'couplings', kind: 'derived' } },
  { flag: '--alpha1 <x>', key: 'alpha1', param: 'alpha1', help: 'Ohmic coupling, charger reservoir', family: { name: 'couplings', kind: 'direct' } },
  { flag: '--alpha2 <x>', key: 'alpha2', param: 'alpha2', help: 'Ohmic coupling, battery reservoir', family: { name: 'couplings', kind: 'direct' } },
  { flag: '--omega-c <x>', key: 'omegaC', param: 'omega_c', help: `Ohmic cutoff frequency [lambda] (default ${DS('omega_c')})` },
  { flag: '--T <x>', key: 'T', param: 'T', help: `temperature of both reservoirs [lambda] (default ${DS('T1')})`, family: { name: 'temperatures', kind: 'derived' } },
  { flag: '--T-bar <x>', key: 'TBar', param: 'Tbar', help: 'mean temperature (T1 + T2)/2 [lambda]', family: { name: 'temperatures', kind: 'derived' } },
  { flag: '--dT <x>', key: 'dT', param: 'dT', help: 'temperature difference T1 - T2 [lambda] (default 0)', family: { name: 'temperatures', kind: 'derived' } },
  { flag: '--T1 <x>', key: 'T1', param: 'T1', help: 'charger reservoir temperature [lambda]', family: { name: 'temperatures', kind: 'direct' } },
  { flag: '--T2 <x>', key: 'T2', param: 'T2', help: 'battery reservoir temperature [lambda]', family: { name: 'temperatures', kind: 'direct' } },
  { flag: '--mu <x>', key: 'mu', param: 'mu', help: `chemical potential of both reservoirs, fermions [lambda] (default ${DS('mu1')})`, family: { name: 'chemical potentials', kind: 'derived' } },
  { flag: '--mu-bar <x>', key: 'muBar', param: 'mubar', help: 'mean chemical potential (mu1 + mu2)/2 [lambda]', family: { name: 'chemical potentials', kind: 'derived' } },
  { flag: '--dmu <x>', key: 'dmu', param: 'dmu', help: 'chemical potential difference mu1 - mu2 [lambda] (default 0)', family: { name: 'chemical potentials', kind: 'derived' } },
  { flag: '--mu1 <x>', key: 'mu1', param: 'mu1', help: 'charger reservoir chemical potential [lambda]', family: { name: 'chemical potentials', kind: 'direct' } },
  { flag: '--mu2 <x>', key: 'mu2', param: 'mu2', help: 'battery reservoir chemical potential [lambda]', family: { name: 'chemical potentials', kind: 'direct' } },
  { flag: '--tau <t>', key: 'tau', param: 'tau', help: `charging time [1/lambda] (default ${D.tau})` },
  { flag: '--theta <rad>', key: 'theta', param: 'theta', help: 'initial state cos(theta)|eg> + sin(theta) e^{i phi}|ge> [rad]', family: { name: 'initial state', kind: 'derived' } },
  { flag: '--phi <rad>', key: 'phi', param: 'phi', help: 'phase of that initial state [rad] (default 0)', family: { name: 'initial state', kind: 'derived' } },
];

export function addPointParamOptions(cmd: Command): Command {
  cmd
    .option('--system <name|file>', `the two-qubit system: a built-in (${BUILTIN_NAMES.join(', ')}; see \`qbsweep systems\`) or a system JSON file (default ${DEFAULT_SYSTEM})`)
    .option('--set <name=value...>', "set any parameter or derived name of the system (e.g. --set J=1.5, --set Tbar=2), or a run setting (model, reservoir, zero_freq, lindblad_freq, initial_state as JSON); repeatable")
    .option('--reservoir <kind>', `boson | fermion: every reservoir's statistics (default: as the system defines; ${sharedStatistics(paperSystem())} for ${DEFAULT_SYSTEM})`)
    .option('--model <name>', `redfield (paper Eqs. 18-24) | bloch-redfield (no eigenbasis RWA) | lindblad (Eq. 4) (default ${D.model})`)
    .option('--lindblad-freq <w>', 'frequency of the lindblad rates: lambda | M (= sqrt(F^2 + lambda^2)) | a number [lambda] (default lambda)')
    .option('--zero-freq <rule>', 'boson rates at w = 0 (exact degeneracies only): limit (alpha T) | zero (default limit)')
    .option('--state <label>', `initial state: ${Object.entries(NAMED_STATES).map(([k, v]) => `${k} = ${v.about}`).join('; ')} (default ${D.state})`);
  for (const f of PARAM_FLAGS) cmd.option(f.flag, f.help);
  return cmd;
}

/** The parameters the given flags set (e.g. ['tau', 'Tbar'] for --tau and --T-bar), and 'initial_state' for --state. */
export function pointFlagParams(opts: Record<string, unknown>): string[] {
  const out = PARAM_FLAGS.filter((f) => opts[f.key] !== undefined).map((f) => f.param);
  for (const [key, param] of [['reservoir', 'reservoir'], ['model', 'model'], ['zeroFreq', 'zero_freq'], ['lindbladFreq', 'lindblad_freq'], ['state', 'initial_state']]) if (opts[key] !== undefined) out.push(param);
  return out;
}

/** The numeric parameters the flags and --set give, each with the option that gave it (e.g. ['T1', '--T1'], ['J', '--set J']). */
export function overriddenParams(opts: Record<string, unknown>): [string, string][] {
  return [
    ...PARAM_FLAGS.filter((f) => opts[f.key] !== undefined).map((f): [string, string] => [f.param, f.flag.split(' ')[0]]),
    ...parseSets(opts.set).filter(([n]) => !SETTING_KEYS.includes(n)).map(([n]): [string, string] => [n, `--set ${n}`]),
  ];
}

/** Applies `point`-style flags on top of a point input (from --params, or a sweep's base). */
export function applyPointFlags(base: PointInput, opts: Record<string, unknown>, baseDir?: string): PointInput {
  let input: PointInput = { ...base };
  if (opts.system !== undefined) {
    if (base.system !== undefined) throw new InputError('option --system: the parameters already name a system; give it once');
    input.system = String(opts.system);
  }
  const system = resolveSystem(input.system, 'option --system', baseDir);
  input.system = system;
  const given = PARAM_FLAGS.filter((f) => opts[f.key] !== undefined);
  for (const fam of new Set(given.map((f) => f.family?.name).filter(Boolean))) {
    const kinds = new Set(given.filter((f) => f.family?.name === fam).map((f) => f.family!.kind));
    if (kinds.size > 1) {
      const names = given.filter((f) => f.family?.name === fam).map((f) => f.flag.split(' ')[0]);
      throw new InputError(`options ${names.join(', ')}: both set the ${fam}; use either the individual or the mean/difference flags`);
    }
  }
  if (opts.reservoir !== undefined) input.reservoir = opts.reservoir as PointInput['reservoir'];
  if (opts.model !== undefined) input.model = opts.model as PointInput['model'];
  if (opts.zeroFreq !== undefined) input.zero_freq = opts.zeroFreq as PointInput['zero_freq'];
  if (opts.lindbladFreq !== undefined) {
    const lf = String(opts.lindbladFreq);
    input.lindblad_freq = lf === 'lambda' || lf === 'M' ? lf : parseNumber('--lindblad-freq', lf);
  }
  if (opts.state !== undefined) {
    if (given.some((f) => f.family?.name === 'initial state')) throw new InputError('options --state and --theta/--phi: both set the initial state; use one');
    input.initial_state = { label: String(opts.state) };
  }
  // direct keys first, then the mean/difference ones (each keeps its partner fixed)
  const ordered = [...given.filter((f) => f.family?.kind !== 'derived'), ...given.filter((f) => f.family?.kind === 'derived')];
  const sets = parseSets(opts.set);
  // one value per name: a flag and --set of the same name would leave the loser in the command line only
  const flagged = given.find((f) => sets.some(([n]) => n === f.param));
  if (flagged) throw new InputError(`options ${flagged.flag.split(' ')[0]} and --set ${flagged.param}: both set ${flagged.param}; give it once`);
  const record = input as Record<string, unknown>;
  // --set of a run setting (model, reservoir, initial_state, ...): any system
  const numeric: [string, number][] = [];
  for (const [name, v] of sets) {
    if (SETTING_KEYS.includes(name)) record[name] = v;
    else if (typeof v !== 'number') throw new InputError(`option --set ${name}: must be a number (got ${JSON.stringify(v)})`);
    else numeric.push([name, v]);
  }
  // a flag sets the system's name of the same spelling, if it has one (T: T1 = T2 = T; Tbar keeps dT)
  for (const f of ordered) {
    const flag = f.flag.split(' ')[0];
    if (!isPointName(system, f.param)) throw new InputError(`option ${flag}: system ${system.name} has no ${f.param} (${describeNames(system)}); use --set NAME=VALUE`);
    input = setParam(input, f.param, parseNumber(flag, String(opts[f.key])));
  }
  for (const [name, v] of numeric) {
    if (!isPointName(system, name)) throw new InputError(`option --set: system ${system.name} has no ${name} (${describeNames(system)}; tau, theta, phi; run settings: ${SETTING_KEYS.join(', ')})`);
    input = setParam(input, name, v);
  }
  return input;
}

/** Keys --set may give that are run settings, not numbers (a value may be JSON, e.g. initial_state). */
const SETTING_KEYS = ['model', 'reservoir', 'zero_freq', 'lindblad_freq', 'initial_state'];

/** --set NAME=VALUE ...: a number, JSON (an object such as initial_state), or else the text itself. */
function parseSets(v: unknown): [string, unknown][] {
  if (v === undefined) return [];
  const sets = (Array.isArray(v) ? v : [v]).map((raw): [string, unknown] => {
    const s = String(raw);
    const eq = s.indexOf('=');
    const name = s.slice(0, Math.max(eq, 0)).trim();
    if (eq < 1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(`option --set: expected NAME=VALUE, e.g. --set J=1.5 (got ${JSON.stringify(s)})`);
    const t = s.slice(eq + 1).trim();
    if (/^[[{"]/.test(t)) {
      try {
        return [name, JSON.parse(t)];
      } catch {
        throw new InputError(`option --set ${name}: malformed JSON ${JSON.stringify(t)}`);
      }
    }
    if (/^[+-]?(\d|\.\d|inf|nan)/i.test(t)) return [name, parseNumber(`--set ${name}`, t)];
    return [name, t];
  });
  const twice = firstRepeat(sets, ([n]) => n);
  if (twice) throw new InputError(`option --set: ${sets[twice[1]][0]} is set twice; give each name once`);
  return sets;
}

/** The names --set gives (for refusing an override of a sweep axis). */
export function setNames(opts: Record<string, unknown>): string[] {
  return parseSets(opts.set).map(([n]) => n);
}

export function registerPoint(program: Command): void {
  const cmd = program
    .command('point')
    .summary(summary('point'))
    .description(
      'Evaluate one parameter point: battery efficiency, energy, ergotropy and concurrence at tau, ' +
        'the Liouvillian gap, rho(tau), and the exact long-time limit. Energies are in units of lambda.\n\n' +
        'Parameters come from --params (JSON with the keys of the public reference cases) and/or the flags ' +
        "below; flags win. Missing values take the paper's defaults.",
    )
    .option('--params <file>', 'JSON object of point parameters; "-" reads standard input');
  addPointParamOptions(cmd);
  cmd
    .option('--backend <name>', `${BACKEND_CHOICES.join(' | ')}: cpu is the float64 reference; the others run a one-point sweep (default cpu)`)
    .option('--adapter <name>', 'WebGPU adapter: auto | hardware | opengl | vulkan | swiftshader (default auto)')
    .option('--integrator <name>', 'cpu: expm (exact, default) | leap | rk4; webgpu: leap (default) | rk4')
    .option('--dt <h>', 'RK4/leap step [1/lambda] (default min(0.2, 1/||L||))')
    .option('--times <from:to:n>', 'also the charging curve at n times from..to [1/lambda] (e.g. 0:50:101): E_B, ergotropy, efficiency, concurrence, average power; in --json as "trajectory"')
    .option('--plot <file.png>', 'with --times: draw the charging curve into a PNG')
    .option('--json', 'print one JSON object instead of a table')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  qbsweep point --delta 3.1 --T-bar 1 --dT 0.9\n' +
        '  qbsweep point --state plus --F 0.5 --json\n' +
        '  echo \'{"reservoir":"fermion","mu1":4,"mu2":4}\' | qbsweep point --params - --json\n' +
        '  qbsweep point --system xxz --set Jz=0.8 --delta 1.5 --dT 0.5\n' +
        '  qbsweep point --delta 3 --times 0:50:101 --plot curve.png\n' +
        '  qbsweep point --system my-system.json --set g=0.3 --json',
    )
    .action(
      action(async (opts: Record<string, unknown>) => {
        const base = opts.params !== undefined ? readJsonInput('--params', String(opts.params)) : {};
        if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new InputError('--params: must be a JSON object of point parameters');
        const baseDir = opts.params !== undefined && opts.params !== '-' ? dirname(resolvePath(String(opts.params))) : undefined;
        const params = resolvePoint(applyPointFlags(base as PointInput, opts, baseDir), baseDir);
        const dt = opts.dt !== undefined ? parseNumber('--dt', String(opts.dt)) : undefined;
        if (dt !== undefined && !(dt > 0 && Number.isFinite(dt))) throw new InputError(`option --dt: step must be a finite number > 0 (got ${opts.dt})`);
        const times = opts.times !== undefined ? parseTimes(String(opts.times)) : undefined;
        if (opts.plot !== undefined && !times) throw new InputError('option --plot: draws the charging curve, so it needs --times FROM:TO:N');
        const { result, backend, why, check: pointCheck_ } = await evaluateOnBackend(params, {
          backend: String(opts.backend ?? 'cpu'),
          integrator: opts.integrator === undefined ? undefined : String(opts.integrator),
          dt,
          adapter: opts.adapter as string | undefined,
        });
        if (why) process.stderr.write(`qbsweep: ${why}\n`);
        // one line naming what is not finite (the result itself is NaN, flagged non-finite)
        if (result.flags.includes('non-finite')) process.stderr.write(`qbsweep point: not finite: ${nonFiniteCause(params) ?? `only in ${backend}'s float32 (finite in float64)`}\n`);
        const curve = times
          ? await trajectoryOnBackend(params, times, { backend, integrator: opts.integrator === undefined ? undefined : String(opts.integrator), dt, adapter: opts.adapter as string | undefined })
          : undefined;
        const trajectory = curve?.trajectory;
        // a GPU point carries the float64 verdict a sweep carries (the cpu backend is the reference)
        const check = pointCheck(pointCheck_, curve?.check);
        if (trajectory && opts.plot !== undefined) writeFileAtomic(String(opts.plot), await trajectoryPng(trajectory, params, backend));
        // printed without rounding noise (the cross-check above saw the values as computed)
        const shown = withoutRoundingNoise(result, backend, params);
        if (opts.json) process.stdout.write(JSON.stringify({ ...toJson(shown, backend, params, check), ...(trajectory ? { trajectory } : {}) }) + '\n');
        else {
          process.stdout.write(formatTable(shown, backend, params, check));
          if (trajectory) process.stdout.write(formatTrajectory(trajectory) + (opts.plot !== undefined ? `  (curves drawn in ${String(opts.plot)})\n` : ''));
        }
        reportCrossCheck({ check }, false, `the values printed are ${backend}'s, not float64's`);
      }),
    );
}

/** --times FROM:TO:N: N evenly spaced times (N = 1: FROM alone). */
export const parseTimes = (text: string): TimeGrid => parseTimeGrid(text, 'option --times');


function formatTrajectory(tr: Trajectory): string {
  const lines = ['', `  charging curve (${tr.t.length} times):`, `  ${'t'.padStart(12)}${'E_B/omega'.padStart(14)}${'ergotropy'.padStart(14)}${'efficiency'.padStart(14)}${'avg power'.padStart(14)}`];
  const step = Math.max(1, Math.ceil(tr.t.length / 12));
  for (let k = 0; k < tr.t.length; k += step) {
    lines.push(`  ${fmtNum(tr.t[k]).padStart(12)}${fmtNum(tr.E_B_over_omega[k]).padStart(14)}${fmtNum(tr.ergotropy_over_omega[k]).padStart(14)}${fmtNum(tr.efficiency[k]).padStart(14)}${fmtNum(tr.average_power[k]).padStart(14)}`);
  }
  if ((tr.t.length - 1) % step !== 0) {
    const k = tr.t.length - 1;
    lines.push(`  ${fmtNum(tr.t[k]).padStart(12)}${fmtNum(tr.E_B_over_omega[k]).padStart(14)}${fmtNum(tr.ergotropy_over_omega[k]).padStart(14)}${fmtNum(tr.efficiency[k]).padStart(14)}${fmtNum(tr.average_power[k]).padStart(14)}`);
  }
  return lines.join('\n') + '\n';
}

/** The charging curve as a picture: energy and ergotropy; efficiency and concurrence; average power. */
async function trajectoryPng(tr: Trajectory, p: PointParams, backend: string): Promise<Buffer> {
  const { renderLinePng } = await import('../io/plot.js');
  const x = { label: 't [1/lambda]' };
  const sys = systemReference(p.system) === DEFAULT_SYSTEM ? `${p.reservoir} reservoirs` : `system ${p.system.name}`;
  return renderLinePng({
    title: `Charging curve: ${sys}, ${p.model}, initial state ${p.state_label}`,
    panels: [
      { title: 'stored energy and ergotropy', x, y: { label: 'per omega' }, series: [{ name: 'E_B / omega', x: tr.t, y: tr.E_B_over_omega }, { name: 'ergotropy / omega', x: tr.t, y: tr.ergotropy_over_omega, dash: true }] },
      { title: 'efficiency and concurrence', x, y: { label: '' }, series: [{ name: 'efficiency P', x: tr.t, y: tr.efficiency }, { name: 'concurrence', x: tr.t, y: tr.concurrence, dash: true }] },
      { title: 'average charging power', x, y: { label: 'omega lambda' }, series: [{ name: '(E_B(t) - E_B(0)) / t', x: tr.t, y: tr.average_power }] },
    ],
    columns: 3,
    note: `qbsweep point --times, backend ${backend}`,
  });
}

type Precision = keyof typeof PRECISION_OBSERVABLES;

/**
 * The size below which a value of `point` is rounding, not a number (issue 18: currents 2.8e-17,
 * a positive gap 1.4e-17), from the precision's own tolerances (src/core/constants.ts):
 * - a quantity of the state (energy, ergotropy, capacity, concurrence, rho's entries and
 *   eigenvalues, entropy): the state's resolution PRECISION_OBSERVABLES.nonPositive, the
 *   threshold of the non-positive flag; per E_B for the efficiency W / E_B; per tau for the
 *   average powers (E(tau) - E(0)) / tau;
 * - the long-time currents: the first law's floor lawAbsolute + lawRounding times the size of the
 *   terms they sum (bounded here by the spectral radius); times sum_k 1/|T_k| for the entropy
 *   production -sum_k J_k / T_k (as the cross-check's tolerance amplifies it);
 * - the Liouvillian gap: the resolution of an eigenvalue, the one that decides the kernel's
 *   dimension (KERNEL_TOL in float64, GAP_RESOLUTION_F32 in float32) times the spectral radius.
 * Returns undefined for a value that is not rounded (e.g. kernel_dim).
 */
export function roundingFloor(key: string, ctx: { precision: Precision; radius: number; tau: number; energy: number; inverseTemperatures: number }): number | undefined {
  const tol = PRECISION_OBSERVABLES[ctx.precision];
  const radius = Number.isFinite(ctx.radius) ? ctx.radius : 1;
  const name = key.replace(/^steady\./, '');
  if (/^(heat|particle)_current_\d+$/.test(name)) return tol.lawAbsolute + tol.lawRounding * radius;
  if (name === 'entropy_production') return (tol.lawAbsolute + tol.lawRounding * radius) * Math.max(1, ctx.inverseTemperatures);
  if (name === 'liouvillian_gap') return (ctx.precision === 'f64' ? KERNEL_TOL : GAP_RESOLUTION_F32) * radius;
  if (name === 'efficiency') return ctx.energy > 0 ? tol.nonPositive / ctx.energy : undefined;
  if (name === 'average_power' || name === 'average_ergotropic_power') return ctx.tau > 0 ? tol.nonPositive / ctx.tau : undefined;
  if (name === 'kernel_dim' || name === 'battery_purity') return undefined;
  return tol.nonPositive;
}

/** The result with every value at or below its rounding floor (roundingFloor) set to 0. */
export function withoutRoundingNoise(r: PointResult, backend: string, p: PointParams): PointResult {
  const precision: Precision = backend === 'cpu' ? 'f64' : 'f32';
  const base = { precision, radius: r.spectral_radius, tau: p.tau, inverseTemperatures: inverseTemperatureSum(p) };
  const clean = (key: string, x: number, energy: number) => {
    const floor = roundingFloor(key, { ...base, energy });
    return floor !== undefined && Math.abs(x) <= floor ? 0 : x;
  };
  const out = { ...r, steady: { ...r.steady } } as unknown as Record<string, unknown>;
  const steady = out.steady as Record<string, unknown>;
  for (const [k, x] of Object.entries(r)) if (typeof x === 'number') out[k] = clean(k, x, r.E_B_over_omega);
  for (const [k, x] of Object.entries(r.steady)) if (typeof x === 'number') steady[k] = clean(`steady.${k}`, x, r.steady.E_B_over_omega);
  for (const part of ['rho_real', 'rho_imag'] as const) out[part] = r[part].map((row) => row.map((x) => clean('rho', x, 1)));
  return out as unknown as PointResult;
}

export function toJson(r: PointResult, backend: string, p: PointParams, check?: CrossCheck): Record<string, unknown> {
  return {
    efficiency: r.efficiency,
    E_B_over_omega: r.E_B_over_omega,
    ergotropy_over_omega: r.ergotropy_over_omega,
    concurrence: r.concurrence,
    ergotropy_incoherent_over_omega: r.ergotropy_incoherent_over_omega,
    ergotropy_coherent_over_omega: r.ergotropy_coherent_over_omega,
    capacity_over_omega: r.capacity_over_omega,
    battery_purity: r.battery_purity,
    battery_entropy: r.battery_entropy,
    rho_min_eigenvalue: r.rho_min_eigenvalue,
    negativity: r.negativity,
    average_power: r.average_power,
    average_ergotropic_power: r.average_ergotropic_power,
    liouvillian_gap: r.liouvillian_gap,
    rho_real: r.rho_real,
    rho_imag: r.rho_imag,
    steady: r.steady,
    flags: r.flags,
    backend,
    // a GPU point's float64 verdict, as a sweep's manifest records it
    ...(check ? { cross_check: check.pass ? 'passed' : 'failed', float64_cross_check: check } : {}),
    params: paramsEcho(p),
  };
}

/** The resolved parameters as `point --json` echoes them: the point's JSON form with its state as amplitudes. */
function paramsEcho(p: PointParams): Record<string, unknown> {
  const { initial_state: _state, ...rest } = pointToInput(p);
  return { ...rest, psi_real: p.psi_real, psi_imag: p.psi_imag, state_label: p.state_label };
}

function formatTable(r: PointResult, backend: string, p: PointParams, check?: CrossCheck): string {
  const lines: string[] = [];
  const row = (name: string, a: string, b = '') => lines.push(`  ${name.padEnd(22)}${a.padStart(14)}${b.padStart(18)}`);
  const stats = p.reservoir ? `${p.reservoir} reservoirs` : p.system.reservoirs.map((r) => r.statistics).join('/') + ' reservoirs';
  // the default system is not named (as pointToInput does not write it)
  const named = systemReference(p.system) === DEFAULT_SYSTEM ? '' : `system ${p.system.name}, `;
  lines.push(`qbsweep point: ${named}${p.model}, ${stats}, backend ${backend}`);
  lines.push(`  ${p.system.parameters.map((d, i) => `${d.name} ${p.values[i]}`).join('  ')}  initial state ${p.state_label}`);
  lines.push('');
  row('', `at tau=${p.tau}`, 'long-time limit');
  row('efficiency P', fmtNum(r.efficiency), fmtNum(r.steady.efficiency));
  row('E_B / omega', fmtNum(r.E_B_over_omega), fmtNum(r.steady.E_B_over_omega));
  row('ergotropy / omega', fmtNum(r.ergotropy_over_omega), fmtNum(r.steady.ergotropy_over_omega));
  row('concurrence', fmtNum(r.concurrence), fmtNum(r.steady.concurrence));
  row('negativity', fmtNum(r.negativity), fmtNum(r.steady.negativity));
  row('coherent ergotropy', fmtNum(r.ergotropy_coherent_over_omega), fmtNum(r.steady.ergotropy_coherent_over_omega));
  row('incoherent ergotropy', fmtNum(r.ergotropy_incoherent_over_omega), fmtNum(r.steady.ergotropy_incoherent_over_omega));
  row('capacity / omega', fmtNum(r.capacity_over_omega), fmtNum(r.steady.capacity_over_omega));
  row('battery purity', fmtNum(r.battery_purity), fmtNum(r.steady.battery_purity));
  row('battery entropy [nat]', fmtNum(r.battery_entropy), fmtNum(r.steady.battery_entropy));
  row('min eigenvalue of rho', fmtNum(r.rho_min_eigenvalue), fmtNum(r.steady.rho_min_eigenvalue));
  row('average power', fmtNum(r.average_power), '');
  row('avg ergotropic power', fmtNum(r.average_ergotropic_power), '');
  const sv = r.steady as unknown as Record<string, number>;
  p.system.reservoirs.forEach((_, k) => {
    const n = sv[`particle_current_${k + 1}`];
    lines.push(`  reservoir ${k + 1}: long-time energy current ${fmtNum(sv[`heat_current_${k + 1}`])}${n === undefined ? '' : `, excitation current ${fmtNum(n)}`}`);
  });
  lines.push(`  long-time entropy production ${fmtNum(r.steady.entropy_production)}`);
  lines.push('');
  lines.push(`  Liouvillian gap       ${fmtNum(r.liouvillian_gap)}   (kernel dimension ${r.steady.kernel_dim})`);
  lines.push(`  flags                 ${r.flags.length ? r.flags.join(', ') : 'none'}`);
  if (check) lines.push(`  float64 cross-check   ${check.pass ? 'passed' : 'FAILED (see stderr)'}`);
  const labels = basisLabels(p.system.qubits);
  // up to three qubits the table fits a terminal (8 x 8); four qubits' 16 x 16 is in --json
  if (labels.length > 8) lines.push(`  |rho(tau)|: ${labels.length} x ${labels.length}, in --json (rho_real, rho_imag)`);
  else {
    lines.push('  |rho(tau)|:');
    labels.forEach((label, i) => {
      const cells = labels.map((_, j) => Math.hypot(r.rho_real[i][j], r.rho_imag[i][j]).toFixed(5).padStart(9));
      lines.push(`    ${label.padEnd(p.system.qubits)} ${cells.join('')}`);
    });
  }
  return lines.join('\n') + '\n';
}
