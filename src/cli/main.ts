// The qbsweep command line.

import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerPoint } from './point.js';
import { registerSweep } from './sweep.js';
import { registerCompare } from './compare.js';
import { registerBench } from './bench.js';
import { registerMerge } from './merge.js';
import { registerFigure } from './figure.js';
import { registerServe } from './serve.js';
import { registerSystems } from './systems.js';
import { reportAndExit } from './common.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command();
program
  .name('qbsweep')
  .description(
    'Phase diagrams of a driven-dissipative quantum battery (charger + battery qubits, boson or fermion ' +
      'reservoirs, Redfield beyond the secular approximation) on GPUs, checked against a float64 reference.\n\n' +
      'Units: hbar = k_B = 1, energies in units of the coupling lambda.',
  )
  .version(pkg.version)
  .showHelpAfterError('(run with --help for usage)');

registerPoint(program);
registerSweep(program);
registerCompare(program);
registerBench(program);
registerMerge(program);
registerFigure(program);
registerServe(program);
registerSystems(program);

program.parseAsync(process.argv).catch(reportAndExit);
