// `qbsweep point`: one parameter point, from a JSON file, stdin, or ordinary flags.

import type { Command } from 'commander';
import { DEFAULTS, InputError, NAMED_STATES, type PointInput, type PointParams, resolvePoint, setParam } from '../model/params.js';
import type { PointResult } from '../model/point.js';
import { evaluateOnBackend, BACKEND_CHOICES } from '../backends/point.js';
import { action, fmtNum, parseNumber, readJsonInput } from './common.js';
import { summary } from './commands.js';

/** Flags for people, each mapped onto one (possibly derived) parameter; `family` groups flags that must not be mixed. */
interface ParamFlag {
  flag: string;
  key: string;
  param: string;
  help: string;
  family?: { name: string; kind: 'direct' | 'derived' };
}

const D = DEFAULTS;
const PARAM_FLAGS: ParamFlag[] = [
  { flag: '--delta <x>', key: 'delta', param: 'Delta', help: `detuning Delta = Delta1 - Delta2 [lambda] (default ${D.Delta1 - D.Delta2})`, family: { name: 'detunings', kind: 'derived' } },
  { flag: '--delta-bar <x>', key: 'deltaBar', param: 'Delta_bar', help: 'mean detuning (Delta1 + Delta2)/2 [lambda] (default 0)', family: { name: 'detunings', kind: 'derived' } },
  { flag: '--delta1 <x>', key: 'delta1', param: 'Delta1', help: `charger detuning omega1 - omega_d [lambda] (default ${D.Delta1})`, family: { name: 'detunings', kind: 'direct' } },
  { flag: '--delta2 <x>', key: 'delta2', param: 'Delta2', help: `battery detuning omega2 - omega_d [lambda] (default ${D.Delta2})`, family: { name: 'detunings', kind: 'direct' } },
  { flag: '--F <x>', key: 'F', param: 'F', help: `driving strength [lambda] (default ${D.F})` },
  { flag: '--lambda <x>', key: 'lambda', param: 'lambda', help: `charger-battery coupling, the energy unit (default ${D.lambda})` },
  { flag: '--alpha <x>', key: 'alpha', param: 'alpha', help: `Ohmic coupling of both reservoirs (default ${D.alpha1})`, family: { name: 'couplings', kind: 'derived' } },
  { flag: '--alpha1 <x>', key: 'alpha1', param: 'alpha1', help: 'Ohmic coupling, charger reservoir', family: { name: 'couplings', kind: 'direct' } },
  { flag: '--alpha2 <x>', key: 'alpha2', param: 'alpha2', help: 'Ohmic coupling, battery reservoir', family: { name: 'couplings', kind: 'direct' } },
  { flag: '--omega-c <x>', key: 'omegaC', param: 'omega_c', help: `Ohmic cutoff frequency [lambda] (default ${D.omega_c})` },
  { flag: '--T <x>', key: 'T', param: 'T', help: `temperature of both reservoirs [lambda] (default ${D.T1})`, family: { name: 'temperatures', kind: 'derived' } },
  { flag: '--T-bar <x>', key: 'TBar', param: 'Tbar', help: 'mean temperature (T1 + T2)/2 [lambda]', family: { name: 'temperatures', kind: 'derived' } },
  { flag: '--dT <x>', key: 'dT', param: 'dT', help: 'temperature difference T1 - T2 [lambda] (default 0)', family: { name: 'temperatures', kind: 'derived' } },
  { flag: '--T1 <x>', key: 'T1', param: 'T1', help: 'charger reservoir temperature [lambda]', family: { name: 'temperatures', kind: 'direct' } },
  { flag: '--T2 <x>', key: 'T2', param: 'T2', help: 'battery reservoir temperature [lambda]', family: { name: 'temperatures', kind: 'direct' } },
  { flag: '--mu <x>', key: 'mu', param: 'mu', help: `chemical potential of both reservoirs, fermions [lambda] (default ${D.mu1})`, family: { name: 'chemical potentials', kind: 'derived' } },
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
    .option('--reservoir <kind>', `boson | fermion (default ${D.reservoir})`)
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

/** Applies `point`-style flags on top of a point input (from --params, or a sweep's base). */
export function applyPointFlags(base: PointInput, opts: Record<string, unknown>): PointInput {
  let input: PointInput = { ...base };
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
  for (const f of ordered) input = setParam(input, f.param, parseNumber(f.flag.split(' ')[0], String(opts[f.key])));
  return input;
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
    .option('--json', 'print one JSON object instead of a table')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  qbsweep point --delta 3.1 --T-bar 1 --dT 0.9\n' +
        '  qbsweep point --state plus --F 0.5 --json\n' +
        '  echo \'{"reservoir":"fermion","mu1":4,"mu2":4}\' | qbsweep point --params - --json',
    )
    .action(
      action(async (opts: Record<string, unknown>) => {
        const base = opts.params !== undefined ? readJsonInput('--params', String(opts.params)) : {};
        if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new InputError('--params: must be a JSON object of point parameters');
        const params = resolvePoint(applyPointFlags(base as PointInput, opts));
        const dt = opts.dt !== undefined ? parseNumber('--dt', String(opts.dt)) : undefined;
        if (dt !== undefined && !(dt > 0 && Number.isFinite(dt))) throw new InputError(`option --dt: step must be a finite number > 0 (got ${opts.dt})`);
        const { result, backend, why } = await evaluateOnBackend(params, {
          backend: String(opts.backend ?? 'cpu'),
          integrator: opts.integrator === undefined ? undefined : String(opts.integrator),
          dt,
          adapter: opts.adapter as string | undefined,
        });
        if (why) process.stderr.write(`qbsweep: ${why}\n`);
        if (opts.json) process.stdout.write(JSON.stringify(toJson(result, backend, params)) + '\n');
        else process.stdout.write(formatTable(result, backend, params));
      }),
    );
}

export function toJson(r: PointResult, backend: string, p: PointParams): Record<string, unknown> {
  return {
    efficiency: r.efficiency,
    E_B_over_omega: r.E_B_over_omega,
    ergotropy_over_omega: r.ergotropy_over_omega,
    concurrence: r.concurrence,
    liouvillian_gap: r.liouvillian_gap,
    rho_real: r.rho_real,
    rho_imag: r.rho_imag,
    steady: r.steady,
    flags: r.flags,
    backend,
    params: { ...p },
  };
}

function formatTable(r: PointResult, backend: string, p: PointParams): string {
  const lines: string[] = [];
  const row = (name: string, a: string, b = '') => lines.push(`  ${name.padEnd(22)}${a.padStart(14)}${b.padStart(18)}`);
  lines.push(`qbsweep point: ${p.model}, ${p.reservoir} reservoirs, backend ${backend}`);
  lines.push(
    `  Delta1 ${p.Delta1}  Delta2 ${p.Delta2}  F ${p.F}  lambda ${p.lambda}  alpha ${p.alpha1}/${p.alpha2}  omega_c ${p.omega_c}`,
  );
  lines.push(`  T1 ${p.T1}  T2 ${p.T2}${p.reservoir === 'fermion' ? `  mu1 ${p.mu1}  mu2 ${p.mu2}` : ''}  initial state ${p.state_label}`);
  lines.push('');
  row('', `at tau=${p.tau}`, 'long-time limit');
  row('efficiency P', fmtNum(r.efficiency), fmtNum(r.steady.efficiency));
  row('E_B / omega', fmtNum(r.E_B_over_omega), fmtNum(r.steady.E_B_over_omega));
  row('ergotropy / omega', fmtNum(r.ergotropy_over_omega), fmtNum(r.steady.ergotropy_over_omega));
  row('concurrence', fmtNum(r.concurrence), fmtNum(r.steady.concurrence));
  lines.push('');
  lines.push(`  Liouvillian gap       ${fmtNum(r.liouvillian_gap)}   (kernel dimension ${r.steady.kernel_dim})`);
  lines.push(`  flags                 ${r.flags.length ? r.flags.join(', ') : 'none'}`);
  lines.push('  |rho(tau)|:');
  for (let i = 0; i < 4; i++) {
    const cells = [0, 1, 2, 3].map((j) => Math.hypot(r.rho_real[i][j], r.rho_imag[i][j]).toFixed(5).padStart(9));
    lines.push(`    ${['ee', 'eg', 'ge', 'gg'][i]} ${cells.join('')}`);
  }
  return lines.join('\n') + '\n';
}
