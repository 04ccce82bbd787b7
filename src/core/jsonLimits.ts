// Limits on the JSON files qbsweep reads (system files, specs, parameters), checked before they
// are parsed: the scanners that name the line of a JSON error recurse once per level.

import { InputError } from './errors.js';

/** The largest system file (or spec, or parameters file) read, in bytes: far above any real one (a few kB). */
export const MAX_JSON_FILE_BYTES = 1 << 20;
/** The deepest nesting of objects and arrays in those files (a system file needs 4). */
export const MAX_JSON_DEPTH = 32;

/** A JSON text's size and nesting: InputError `${where}: ...` in one line. */
export function checkJsonText(text: string, where: string): void {
  if (text.length > MAX_JSON_FILE_BYTES) throw new InputError(`${where}: ${text.length} characters, more than the ${MAX_JSON_FILE_BYTES} a file may have`);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \ */) i++;
    } else if (c === 91 || c === 123 /* [ { */) {
      if (++depth > MAX_JSON_DEPTH) throw new InputError(`${where}: ${lineColumn(text, i)}: objects and arrays nested more than ${MAX_JSON_DEPTH} levels deep`);
    } else if (c === 93 || c === 125 /* ] } */) depth--;
  }
}

/** "line 3, column 16" of an offset into a text. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}
