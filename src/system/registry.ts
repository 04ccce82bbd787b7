// Where systems come from: the built-ins shipped in systems/*.json (wang2023, the paper's, is the
// default), a system file, or a definition inline in a spec.

import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import centralSpin from '../../systems/central-spin.json' with { type: 'json' };
import chargerTwoCells from '../../systems/charger-two-cells.json' with { type: 'json' };
import commonBath from '../../systems/common-bath.json' with { type: 'json' };
import wang2023 from '../../systems/wang2023.json' with { type: 'json' };
import xxz from '../../systems/xxz.json' with { type: 'json' };
import { type SystemDefinition, loadSystemFile, parseSystem } from './definition.js';

export const DEFAULT_SYSTEM = 'wang2023';

const BUILTIN_JSON: Record<string, unknown> = { wang2023, xxz, 'common-bath': commonBath, 'charger-two-cells': chargerTwoCells, 'central-spin': centralSpin };
const builtins = new Map<string, SystemDefinition>();

export const BUILTIN_NAMES: readonly string[] = Object.keys(BUILTIN_JSON);

export function builtinSystem(name: string): SystemDefinition {
  let s = builtins.get(name);
  if (!s) {
    const json = BUILTIN_JSON[name];
    if (json === undefined) throw new InputError(`system ${JSON.stringify(name)}: no such built-in system (built-ins: ${BUILTIN_NAMES.join(', ')}) and no such file`);
    s = withReference(parseSystem(json, `built-in system ${name}`));
    builtins.set(name, s);
  }
  return s;
}

/** The paper's system (its parameter names, axes and figures are those of the paper). */
export function paperSystem(): SystemDefinition {
  return builtinSystem(DEFAULT_SYSTEM);
}

const keys = new WeakMap<SystemDefinition, string>();

/** A canonical text of a definition: equal texts, equal systems (cache keys, manifests). Computed once per definition: per-point paths ask for it. */
export function systemKey(sys: SystemDefinition): string {
  let k = keys.get(sys);
  if (k === undefined) keys.set(sys, (k = JSON.stringify(sys.json)));
  return k;
}

/**
 * A system reference as users write it: undefined (the default), a built-in name, a path to a
 * JSON file (relative to `baseDir`), an inline definition object, or an already parsed one.
 */
export function resolveSystem(ref: unknown, where: string, baseDir?: string): SystemDefinition {
  if (ref === undefined || ref === null) return paperSystem();
  if (typeof ref === 'string') {
    if (BUILTIN_NAMES.includes(ref)) return builtinSystem(ref);
    const path = isAbsolute(ref) || !baseDir ? resolve(ref) : resolve(baseDir, ref);
    if (!existsSync(path)) throw new InputError(`${where}: ${JSON.stringify(ref)} is neither a built-in system (${BUILTIN_NAMES.join(', ')}) nor an existing file`);
    return withReference(loadSystemFile(path));
  }
  if (typeof ref === 'object' && !Array.isArray(ref)) {
    if (isDefinition(ref)) return withReference(ref);
    const builtin = BUILTIN_NAMES.find((n) => JSON.stringify(BUILTIN_JSON[n]) === JSON.stringify(ref));
    return builtin ? builtinSystem(builtin) : withReference(parseSystem(ref, where));
  }
  throw new InputError(`${where}: must be a built-in name, a file path or a system object (got ${JSON.stringify(ref)})`);
}

function isDefinition(x: object): x is SystemDefinition {
  return 'hamiltonian' in x && 'reservoirs' in x && 'json' in x && Array.isArray((x as SystemDefinition).parameters);
}

/** How a point or spec names its system when written back out: the built-in's name, else the full definition. */
export function systemReference(sys: SystemDefinition): string | Record<string, unknown> {
  for (const name of BUILTIN_NAMES) if (systemKey(builtinSystem(name)) === systemKey(sys)) return name;
  return sys.json;
}

/** JSON.stringify of a definition (in a spec, a manifest, a message to a worker page) writes its reference. */
function withReference(sys: SystemDefinition): SystemDefinition {
  if (!Object.prototype.hasOwnProperty.call(sys, 'toJSON')) Object.defineProperty(sys, 'toJSON', { value: () => systemReference(sys), enumerable: false });
  return sys;
}
