// The qbsweep command line. Only commander and the command table load at start; the command
// that runs (or whose --help is asked for) is imported then, so `--help` and `--version` are
// instant and `point` does not load the plotting or HDF5 libraries.

import { Command } from 'commander';
import { COMMANDS } from './commands.js';
import { reportAndExit } from './common.js';
import { packageVersion } from '../paths.js';

const program = new Command();
program
  .name('qbsweep')
  .description(
    'Phase diagrams of a driven-dissipative quantum battery (charger + battery qubits, boson or fermion ' +
      'reservoirs, Redfield beyond the secular approximation) on GPUs, checked against a float64 reference.\n\n' +
      'Units: hbar = k_B = 1, energies in units of the coupling lambda.',
  )
  .version(packageVersion())
  .option('--verbose', "show the GPU driver's own notes on stderr (Dawn's, hidden by default)")
  // a mistyped command or option is bad input like any other: one line, exit status 2
  .configureOutput({ outputError: (text, write) => write(`qbsweep: ${text.replace(/^error: /, '').replace(/\n+/g, ' ').trim()} (run with --help for usage)\n`) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--verbose')) process.env.QBSWEEP_VERBOSE = '1';
  // the command named on the line: the first word that is not an option (`help NAME` names NAME)
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  if (name !== undefined && name in COMMANDS) {
    (await COMMANDS[name].load())(program);
  } else {
    // listing only (--help, --version, a mistyped command): stand-ins with the summaries
    for (const [n, c] of Object.entries(COMMANDS)) program.command(n).summary(c.summary);
  }
  await program.parseAsync(argv);
}

main(process.argv).catch(reportAndExit);
