// `qbsweep systems`: the built-in systems and what a system file defines.

import type { Command } from 'commander';
import { SPECTRAL_DENSITIES, type SpectralKind } from '../compiler/rates.js';
import { type SystemDefinition, isTwoQubitDefault } from '../system/definition.js';
import { formatExpr } from '../system/expr.js';
import { BUILTIN_NAMES, DEFAULT_SYSTEM, builtinSystem, resolveSystem } from '../system/registry.js';
import { genericSpace } from '../system/space.js';
import { action } from './common.js';

const operator = (terms: SystemDefinition['hamiltonian']) => terms.map((t) => `(${formatExpr(t.coefficient)}) ${t.label}`).join(' + ');

/** A system in a few lines for people: parameters with defaults and units, H, the reservoirs. */
export function describeSystem(sys: SystemDefinition, detail: boolean): string {
  const lines = [`${sys.name}${sys.name === DEFAULT_SYSTEM ? ' (default)' : ''}: ${sys.description}`];
  const width = Math.max(...sys.parameters.map((p) => p.name.length), 6);
  for (const p of sys.parameters) lines.push(`    ${p.name.padEnd(width)}  ${String(p.default).padStart(6)}  ${(p.unit ? `[${p.unit}]` : '').padEnd(14)} ${p.doc}`);
  if (!detail) return lines.join('\n');
  const settable = new Set(genericSpace(sys).settable);
  for (const d of sys.derived) lines.push(`    ${d.name.padEnd(width)}  = ${formatExpr(d.expr)}${d.sets ? `   (sweepable: sets ${d.sets.join(' = ')})` : settable.has(d.name) ? '   (sweepable)' : ''}`);
  lines.push(`  H = ${operator(sys.hamiltonian)}   (first letter: qubit 1${isTwoQubitDefault(sys) ? ', the charger; second: qubit 2, the battery' : `; ${sys.qubits} qubits`})`);
  if (!sys.battery.isDefault) lines.push(`  battery: qubits ${sys.battery.qubits.join(', ')}, H_B = ${operator(sys.battery.hamiltonian)}   (first letter: qubit ${sys.battery.qubits[0]})`);
  sys.reservoirs.forEach((r, k) => {
    const sd = r.spectralDensity;
    const kind = sd.kind as SpectralKind;
    const s = SPECTRAL_DENSITIES[kind].hasExponent ? `, s = ${formatExpr(sd.s)}` : '';
    lines.push(`  reservoir ${k + 1}: ${r.statistics}, coupling ${operator(r.coupling)}, T = ${formatExpr(r.T)}${r.statistics === 'fermion' ? `, mu = ${formatExpr(r.mu)}` : ''}, ${kind} ${SPECTRAL_DENSITIES[kind].formula} with alpha = ${formatExpr(sd.alpha)}, omega_c = ${formatExpr(sd.omega_c)}${s}`);
  });
  if (sys.jumps.length) lines.push(`  lindblad jumps: ${sys.jumps.map((j) => `${operator(j.op)} at rate ${formatExpr(j.rate)}`).join('; ')}`);
  lines.push(`  bloch-redfield coupling: ${sys.blochRedfieldCoupling}`);
  return lines.join('\n');
}

export function registerSystems(program: Command): void {
  program
    .command('systems [system]')
    .summary('list the built-in systems, or show one system (built-in or file)')
    .description(
      'Without an argument: the built-in systems with their parameters (defaults and units). ' +
        'With a built-in name or a system JSON file: the whole definition as qbsweep reads it (H, reservoirs, ' +
        'derived names, jumps); --json prints the definition itself, a starting point for your own file.',
    )
    .option('--json', 'print the definition as JSON')
    .addHelpText('after', '\nExamples:\n  qbsweep systems\n  qbsweep systems xxz\n  qbsweep systems xxz --json > my-system.json\n  qbsweep point --system my-system.json --set Jz=0.8')
    .action(
      action(async (ref: string | undefined, opts: { json?: boolean }) => {
        if (ref === undefined) {
          if (opts.json) process.stdout.write(JSON.stringify(Object.fromEntries(BUILTIN_NAMES.map((n) => [n, builtinSystem(n).json])), null, 2) + '\n');
          else process.stdout.write(BUILTIN_NAMES.map((n) => describeSystem(builtinSystem(n), false)).join('\n\n') + '\n\nDetails: qbsweep systems NAME; use one with --system NAME, or --system FILE for your own.\n');
          return;
        }
        const sys = resolveSystem(ref, 'systems');
        process.stdout.write((opts.json ? JSON.stringify(sys.json, null, 2) : describeSystem(sys, true)) + '\n');
      }),
    );
}
