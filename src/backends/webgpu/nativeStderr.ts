// Dawn writes its notes straight to file descriptor 2 from C++ (a failed libvulkan load with a
// path on Dawn's build machine, a blank line, "maxDynamic... artificially reduced"), which
// JavaScript cannot switch off. While a device is created, fd 2 is pointed at a temporary file
// (close 2, then open: POSIX hands out the lowest free descriptor), then restored; known
// harmless notes are dropped and anything else is passed on. QBSWEEP_VERBOSE=1 (--verbose)
// passes everything on. Linux only (/proc/self/fd), and only where stderr is a terminal, a pipe
// or a file opened for appending (2>>log): reopening a file otherwise gives a new file offset,
// and whoever shares the old one (the shell's next command writing to the same log) would
// overwrite what follows.

import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Dawn's notes that say nothing a user must act on (the adapter choice is reported by qbsweep). */
const HARMLESS = [
  /^Warning: Couldn't load Vulkan: /,
  /^\s+at operator\(\) \(.*BackendVk\.cpp:\d+\)$/,
  /^Warning: maxDynamic\w+PerPipelineLayout artificially reduced/,
  /^\s*$/,
];

export function nativeNoise(text: string): { kept: string; dropped: number } {
  if (process.env.QBSWEEP_VERBOSE === '1') return { kept: text, dropped: 0 };
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const kept = lines.filter((l) => !HARMLESS.some((re) => re.test(l)));
  return { kept: kept.length ? kept.join('\n') + '\n' : '', dropped: lines.length - kept.length };
}

/** Runs `fn` with fd 2 captured, then writes back what is worth seeing. */
export async function withNativeStderrFiltered<T>(fn: () => Promise<T>): Promise<T> {
  if (process.env.QBSWEEP_VERBOSE === '1' || !existsSync('/proc/self/fd/2')) return fn();
  try {
    // a regular file is safe only when every writer appends (2>>log: O_APPEND, octal 02000)
    if (fstatSync(2).isFile() && !(Number.parseInt(/flags:\s*(\d+)/.exec(readFileSync('/proc/self/fdinfo/2', 'utf8'))?.[1] ?? '0', 8) & 0o2000)) return fn();
  } catch {
    return fn();
  }
  let saved: number;
  try {
    saved = openSync('/proc/self/fd/2', 'a');
  } catch {
    return fn(); // e.g. stderr is a socket: leave it alone
  }
  const original = fstatSync(2);
  const dir = mkdtempSync(join(tmpdir(), 'qbsweep-stderr-'));
  const file = join(dir, 'dawn.txt');
  // (the caller keeps other threads from opening files meanwhile: the slot must come back to us)
  closeSync(2);
  const fd = openSync(file, 'w');
  const restore = () => {
    closeSync(fd);
    // the lowest free descriptor is 2 again
    const back = openSync(`/proc/self/fd/${saved}`, 'a');
    closeSync(saved);
    const now = back === 2 ? fstatSync(2) : undefined;
    if (!now || now.ino !== original.ino || now.dev !== original.dev) {
      throw new Error('lost standard error while hiding the GPU driver\'s notes; run again with --verbose');
    }
    const { kept } = nativeNoise(readFileSync(file, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    if (kept) process.stderr.write(kept);
  };
  if (fd !== 2) {
    // something else took the slot: undo at once and run uncaptured
    restore();
    return fn();
  }
  try {
    return await fn();
  } finally {
    restore();
  }
}
