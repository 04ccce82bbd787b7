// Progress on stderr: a live bar on a terminal, plain lines every few seconds otherwise. The
// rate and the ETA are of computing only (restart() after the kernels compile), smoothed over
// the recent updates as tqdm does, and the ETA is shown only once it means something.

/** Weight of the newest rate in the moving average (tqdm's default smoothing). */
const SMOOTHING = 0.3;
/** An ETA needs this many computed updates and this much computing time behind it. */
const ETA_MIN_UPDATES = 2;
const ETA_MIN_SECONDS = 1;

export class Progress {
  private start = performance.now();
  private lastLine = 0;
  private lastPct = -1;
  private readonly tty: boolean;
  /** the last update: its time and count, and the smoothed rate (points/s) over computed updates */
  private lastAt = this.start;
  private lastDone = 0;
  private rate: number | undefined;
  private updates = 0;
  /** points loaded from an earlier run (--resume): not computed, so not in the rate */
  private loaded = 0;

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
    this.start = this.lastAt = performance.now();
  }

  /** `loaded`: the points since the last update were read from an earlier run, not computed. */
  update(done: number, loaded = false, now = performance.now()): void {
    const step = done - this.lastDone;
    if (loaded) this.loaded += step;
    else if (step > 0 && now > this.lastAt) {
      const r = step / ((now - this.lastAt) / 1000);
      this.rate = this.rate === undefined ? r : SMOOTHING * r + (1 - SMOOTHING) * this.rate;
      this.updates++;
    }
    this.lastAt = now;
    this.lastDone = done;
    if (this.quiet) return;
    const secs = (now - this.start) / 1000;
    const rate = this.rate ?? (done - this.loaded) / Math.max(secs, 1e-9);
    const pct = Math.floor((100 * done) / Math.max(this.total, 1));
    const meaningful = this.rate !== undefined && this.updates >= ETA_MIN_UPDATES && secs >= ETA_MIN_SECONDS;
    const eta = meaningful ? `ETA ${fmtSecs((this.total - done) / this.rate!)}` : 'ETA after the first blocks';
    const text = `${this.label}: ${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} points, ${pointsRate(rate).toLocaleString('en-US')} points/s, ${eta}`;
    if (this.tty) {
      if (now - this.lastLine < 100 && done < this.total) return;
      const width = 24;
      const fill = Math.round((width * done) / Math.max(this.total, 1));
      this.stream.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% ${text}\x1b[K`);
      this.lastLine = now;
    } else if (meaningful && (now - this.lastLine > 10_000 || (pct >= this.lastPct + 25 && done < this.total))) {
      this.stream.write(`${text}\n`);
      this.lastLine = now;
      this.lastPct = pct;
    }
  }

  /** The last line; `seconds` (e.g. the computing time alone) instead of the time since the start. */
  finish(done: number, seconds?: number): void {
    if (this.quiet) return;
    const secs = seconds ?? (performance.now() - this.start) / 1000;
    const rate = (done - this.loaded) / Math.max(secs, 1e-9);
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`${this.label}: ${done.toLocaleString('en-US')} points in ${fmtSecs(secs)} of computing (${pointsRate(rate).toLocaleString('en-US')} points/s)\n`);
  }
}

/** A rate of points/s as printed: whole above 100, else 3 digits (four qubits on the cpu: 0.428, not 0). */
export const pointsRate = (rate: number): number => (rate >= 100 ? Math.round(rate) : +rate.toPrecision(3));

export function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
