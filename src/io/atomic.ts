// Files appear only complete: write to a temporary name in the same directory, then rename.

import { mkdirSync, renameSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { dirname, join, basename } from 'node:path';

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Streams lines into a temporary file; commit() renames it into place. */
export class AtomicLineWriter {
  private stream;
  private tmp: string;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = tempName(path);
    this.stream = createWriteStream(this.tmp);
  }
  write(line: string): Promise<void> | void {
    if (!this.stream.write(line + '\n')) return new Promise((r) => this.stream.once('drain', () => r()));
  }
  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    renameSync(this.tmp, this.path);
  }
  async abort(): Promise<void> {
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    rmSync(this.tmp, { force: true });
  }
}
