// Dawn writes its notes straight to file descriptor 2 from C++ (a failed libvulkan load with a
// path on Dawn's build machine, a blank line, "maxDynamic... artificially reduced"), which
// JavaScript cannot switch off. While a device is created, fd 2 is pointed at a temporary file
// (close 2, then open: POSIX hands out the lowest free descriptor), then restored; known
// harmless notes are dropped and anything else is passed on. QBSWEEP_VERBOSE=1 (--verbose)
// passes everything on. Linux only (/proc/self/fd).
// Node has no dup(), so fd 2 comes back as a new open of the same file, in append mode. For a
// terminal or a pipe that is the same thing. For a regular file (2> log) the new open has its own
// file offset: appending writes where the old offset would have (nobody else has written since)
// as long as no one else writes through the old one. So: our own stdout on the same file
// (> log 2>&1) is reopened in append mode too, and where another process holds the file
// (an ancestor, as in `{ qbsweep ...; cmd; } 2> log`, whose later writes would land on ours;
// dash, i.e. `sh -c`, also holds a command's redirection itself) nothing is captured and Dawn's
// notes pass: two extra lines rather than lost ones.

import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
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
  /** our stdout opened on the same regular file without O_APPEND: reopened in append mode with stderr */
  let stdoutToo = false;
  try {
    const err = fstatSync(2);
    if (err.isFile()) {
      if (heldByAncestor(err)) return fn();
      const out = fstatSync(1);
      stdoutToo = out.dev === err.dev && out.ino === err.ino && !appending(1);
      // fd 1 is reopened through the lowest free slot: 0 must be taken
      if (stdoutToo) fstatSync(0);
    }
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
    if (stdoutToo) reopenAppending(1);
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

/** fd was opened with O_APPEND (octal 02000; 2>> log) */
function appending(fd: number): boolean {
  return (Number.parseInt(/flags:\s*(\d+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8) & 0o2000) !== 0;
}

/** Reopens fd (the lowest free slot once it is closed, as fds below it are open) on the same file, in append mode. */
function reopenAppending(fd: number): void {
  const spare = openSync(`/proc/self/fd/${fd}`, 'a');
  closeSync(fd);
  const back = openSync(`/proc/self/fd/${spare}`, 'a');
  closeSync(spare);
  if (back !== fd) throw new Error(`lost file descriptor ${fd} while hiding the GPU driver's notes; run again with --verbose`);
}

/** Some ancestor process has this file open (it may write to it after us through its own offset); unreadable ones cannot tell. */
function heldByAncestor(file: { dev: number; ino: number }): boolean {
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      // another user's process: it cannot have been handed our file by a shell of ours
    }
    for (const fd of fds) {
      try {
        const st = statSync(`/proc/${pid}/fd/${fd}`);
        if (st.dev === file.dev && st.ino === file.ino) return true;
      } catch {
        // closed meanwhile
      }
    }
    try {
      // /proc/PID/stat: "pid (comm) state ppid ...", comm may hold spaces and parentheses
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}
