// Progress on stderr: a live bar on a terminal, plain lines every few seconds otherwise.

export class Progress {
  private start = performance.now();
  private lastLine = 0;
  private lastPct = -1;
  private readonly tty: boolean;

  constructor(
    readonly label: string,
    readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Counts time from now (e.g. after compiling kernels): the rate and the ETA are of computing only. */
  restart(): void {
    this.start = performance.now();
  }

  update(done: number): void {
    if (this.quiet) return;
    const now = performance.now();
    const secs = (now - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const pct = Math.floor((100 * done) / Math.max(this.total, 1));
    const text = `${this.label}: ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} points, ${Math.round(rate).toLocaleString('en-US')} points/s, ETA ${fmtSecs(eta)}`;
    if (this.tty) {
      if (now - this.lastLine < 100 && done < this.total) return;
      const width = 24;
      const fill = Math.round((width * done) / Math.max(this.total, 1));
      this.stream.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${text}\x1b[K`);
      this.lastLine = now;
    } else if (now - this.lastLine > 10_000 || (pct >= this.lastPct + 25 && done < this.total)) {
      this.stream.write(`${text}\n`);
      this.lastLine = now;
      this.lastPct = pct;
    }
  }

  /** The last line; `seconds` (e.g. the computing time alone) instead of the time since the start. */
  finish(done: number, seconds?: number): void {
    if (this.quiet) return;
    const secs = seconds ?? (performance.now() - this.start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`${this.label}: ${done.toLocaleString('en-US')} points in ${fmtSecs(secs)} (${Math.round(rate).toLocaleString('en-US')} points/s)\n`);
  }
}

export function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
