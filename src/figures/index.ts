// The paper's figures as `qbsweep figure` ids: 2a 2b 2c 3 4 5 6 7a 7b 8 9 10 11 eq4 (and `power`,
// the figures of merit on the Fig. 9 setting),
// with 2 and 7 standing for their panels and `all` for every one.

import { InputError } from '../model/params.js';
import type { FigureDef } from './common.js';
import { FIG2A, FIG2B, FIG2C } from './fig2.js';
import { FIG3, FIG4 } from './fig3.js';
import { FIG5, FIG6, FIG7A, FIG7B } from './resonant.js';
import { FIG8, FIG9, FIG10, FIG11 } from './maps.js';
import { EQ4 } from './eq4.js';
import { FIG_POWER } from './power.js';

export const FIGURES: FigureDef[] = [FIG2A, FIG2B, FIG2C, FIG3, FIG4, FIG5, FIG6, FIG7A, FIG7B, FIG8, FIG9, FIG10, FIG11, EQ4];
/** Figures beyond the paper's (not in `all`). */
export const EXTRA_FIGURES: FigureDef[] = [FIG_POWER];

export const ALIASES: Record<string, string[]> = {
  '2': ['2a', '2b', '2c'],
  '7': ['7a', '7b'],
};

/** Figure ids in the order given (aliases expanded, duplicates dropped). */
export function resolveFigureIds(ids: string[]): FigureDef[] {
  const known = new Map([...FIGURES, ...EXTRA_FIGURES].map((f) => [f.id, f]));
  const out: FigureDef[] = [];
  for (const raw of ids) {
    const id = raw.trim().toLowerCase().replace(/^fig(ure)?\.?/, '');
    const expanded = id === 'all' ? FIGURES.map((f) => f.id) : (ALIASES[id] ?? [id]);
    for (const e of expanded) {
      const def = known.get(e);
      if (!def) throw new InputError(`figure ${JSON.stringify(raw)}: unknown (expected ${[...FIGURES.map((f) => f.id), ...Object.keys(ALIASES), ...EXTRA_FIGURES.map((f) => f.id)].join(', ')} or all)`);
      if (!out.includes(def)) out.push(def);
    }
  }
  if (!out.length) throw new InputError('figure: name at least one figure (e.g. 9, or all)');
  return out;
}
