// Files appear only complete: write to a temporary name in the same directory, flush it to the
// disk (fsync: a full disk or an I/O error raises here, not later), then rename. A failed write
// removes the temporary file and is never renamed into place.

import { closeSync, createWriteStream, existsSync, fsyncSync, lstatSync, mkdirSync, mkdtempSync, openSync, readSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';

export function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** A file that could not be written: one line naming it (a full disk says how to continue). */
export class StorageError extends InputError {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    detail: string,
  ) {
    super(
      code === 'ENOSPC'
        ? `cannot write ${path}: no space left on device; the finished blocks are kept: free some space, then run the same command with --resume to continue`
        : `cannot write ${path}: ${detail}`,
    );
    this.name = 'StorageError';
  }
}

/** The same failure as a StorageError naming `path` (errors that are one already pass through). */
export function storageError(path: string, e: unknown): Error {
  if (e instanceof StorageError) return e;
  const err = e as NodeJS.ErrnoException;
  if (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code)) return new StorageError(path, err.code, `${err.message.split('\n')[0]}`);
  return e as Error;
}

/** Flushes a file's data to the disk; a write the kernel could not complete raises here. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    throw storageError(dirname(path), e);
  }
  const tmp = tempName(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw storageError(path, e);
  }
}

/** sha256 of a file's bytes (the manifests record one per result file). */
export function fileSha256(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** Streams lines into a temporary file; commit() flushes it and renames it into place. */
export class AtomicLineWriter {
  private stream;
  private tmp: string;
  private failure: Error | undefined;
  /** the sha256 of what was written (fileSha256 of the file once committed), without reading it back */
  private readonly hash = createHash('sha256');
  constructor(readonly path: string) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw storageError(dirname(path), e);
    }
    this.tmp = tempName(path);
    this.stream = createWriteStream(this.tmp);
    // a failed write (ENOSPC, EIO) is an 'error' event: kept for write()/commit() to raise, never unhandled
    this.stream.on('error', (e) => (this.failure ??= storageError(path, e)));
  }
  write(line: string): Promise<void> | void {
    if (this.failure) throw this.failure;
    const text = line + '\n';
    this.hash.update(text);
    if (!this.stream.write(text)) {
      return new Promise((resolve, reject) => {
        const onDrain = () => {
          this.stream.off('error', onError);
          resolve();
        };
        const onError = () => {
          this.stream.off('drain', onDrain);
          reject(this.failure);
        };
        this.stream.once('drain', onDrain);
        this.stream.once('error', onError);
      });
    }
  }
  /** Returns the file's sha256 (hex). */
  async commit(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      if (this.stream.destroyed) return reject(this.failure ?? new StorageError(this.path, undefined, 'the stream closed early'));
      this.stream.end(() => (this.failure ? reject(this.failure) : resolve()));
      this.stream.once('error', () => reject(this.failure));
    });
    if (this.failure) throw this.failure;
    try {
      fsyncPath(this.tmp);
      renameSync(this.tmp, this.path);
    } catch (e) {
      throw storageError(this.path, e);
    }
    return this.hash.digest('hex');
  }
  async abort(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.stream.destroyed || this.stream.closed) return resolve();
      this.stream.once('error', () => resolve());
      this.stream.end(() => resolve());
    });
    rmSync(this.tmp, { force: true });
  }
}

/** What an errno means, for a one-line refusal. */
const ERRNO_WORDS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'the file system does not let files be created there',
  ENOTDIR: 'a part of the path is a file',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
};

/**
 * Checks an output directory before any work: it must be (or be creatable as) a writable
 * directory, on a file system that takes files. One line naming the option otherwise, at once:
 * the nearest existing part of the path is found with lstat (a dangling symbolic link is named
 * as one), then a probe directory with a file in it is created there and removed (access()
 * says yes to root on /proc, whose recursive mkdir then loops for ever).
 */
export function checkOutputDir(option: string, dir: string): void {
  const refuse = (what: string, e: unknown): never => {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`option ${option}: cannot write to ${what} (${(code && ERRNO_WORDS[code]) ?? code ?? (e as Error).message})`);
  };
  const full = resolve(dir);
  let probe = full;
  for (;;) {
    let link;
    try {
      link = lstatSync(probe);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // missing, or below a file: walk up to the part of the path that exists (a file there is named below)
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(probe) !== probe) {
        probe = dirname(probe);
        continue;
      }
      refuse(dir, e);
    }
    if (link!.isSymbolicLink() && !existsSync(probe)) {
      let target = '?';
      try {
        target = readlinkSync(probe);
      } catch {
        // named as a link all the same
      }
      throw new InputError(`option ${option}: ${probe === full ? dir : `${probe} (in the path of ${dir})`} is a symbolic link to ${target}, which does not exist`);
    }
    break;
  }
  const what = probe === full ? dir : `${dir} (its parent ${probe})`;
  let st;
  try {
    st = statSync(probe);
  } catch (e) {
    refuse(what, e);
  }
  if (!st!.isDirectory()) throw new InputError(`option ${option}: ${what} is a file, not a directory`);
  let made: string | undefined;
  try {
    made = mkdtempSync(join(probe, '.qbsweep-probe-'));
    writeFileSync(join(made, 'probe'), 'qbsweep');
  } catch (e) {
    refuse(what, e);
  } finally {
    if (made) rmSync(made, { recursive: true, force: true });
  }
}
