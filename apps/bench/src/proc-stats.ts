import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

export interface ProcSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

function read(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime + stime, and cutime + cstime: the CPU of the children it has reaped. A postgres backend
    // that exits (a pool's idle connection closes) hands its CPU to the postmaster's cutime; counting
    // only the live processes lost it, and the CPU a backend had used before the window was
    // subtracted from the group (a run once measured postgres at -14 s).
    const cpu = (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICK;
    const rssPages = Number(fields[21]);
    return { cpuSeconds: cpu, rssBytes: rssPages * 4096 };
  } catch {
    return undefined; // the process ended
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Postgres's processes: the postmaster (`/usr/lib/postgresql/15/bin/postgres -D …`, or `postgres -D …`)
 * and what it forks (`postgres: 15/main: checkpointer`, `postgres: user db 127.0.0.1(5432) idle`).
 * The postmaster must be in the group: a backend that exits within the window (a pool closing an
 * idle connection) leaves its CPU in the postmaster's cutime only. `^postgres` matched the
 * backends alone, and a run lost whatever its exited backends had used (B9 once: 26 µs per record
 * of Postgres where the runs beside it measured 62 and 83).
 */
export const POSTGRES_PROCESSES = /^(?:\S*\/)?postgres(?::| |$)/;

/** Every pid whose command line matches. */
export function pidsMatching(pattern: RegExp): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => pattern.test(commandOf(pid)));
}

/**
 * Samples CPU time and RSS of groups of processes (summed per group) while a benchmark runs. A
 * process's CPU includes its reaped children's, so a group keeps the CPU of its processes that end
 * within the window as long as their parent is in the group (postgres: the postmaster).
 */
export class ProcessSampler {
  private readonly start = new Map<string, number>();
  private readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly groups: Record<string, () => number[]>) {}

  begin(intervalMs = 200): void {
    for (const [name, pids] of Object.entries(this.groups)) {
      this.start.set(name, this.sum(pids()).cpuSeconds);
      this.peak.set(name, 0);
    }
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  /**
   * Waits until a group is quiet: its CPU time grows by less than `idleShare` of the wall time over
   * two consecutive `intervalMs` windows (or `maxMs` passed). Work a benchmark deferred (consumers
   * that follow in the background) is then inside the window `end()` counts. Returns the ms waited.
   */
  async settle(name: string, { intervalMs = 250, idleShare = 0.1, maxMs = 60_000 } = {}): Promise<number> {
    const pids = this.groups[name];
    const started = performance.now();
    let before = this.sum(pids()).cpuSeconds;
    let quiet = 0;
    while (quiet < 2 && performance.now() - started < maxMs) {
      await new Promise((r) => setTimeout(r, intervalMs));
      const now = this.sum(pids()).cpuSeconds;
      quiet = now - before < (idleShare * intervalMs) / 1000 ? quiet + 1 : 0;
      before = now;
    }
    return Math.round(performance.now() - started);
  }

  end(): Record<string, { cpuSeconds: number; peakRssMiB: number }> {
    clearInterval(this.timer);
    this.sample();
    const out: Record<string, { cpuSeconds: number; peakRssMiB: number }> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      out[name] = {
        cpuSeconds: Math.round((this.sum(pids()).cpuSeconds - (this.start.get(name) ?? 0)) * 10) / 10,
        peakRssMiB: Math.round((this.peak.get(name) ?? 0) / 1024 / 1024),
      };
    }
    return out;
  }

  private sample(): void {
    for (const [name, pids] of Object.entries(this.groups)) {
      const rss = this.sum(pids()).rssBytes;
      if (rss > (this.peak.get(name) ?? 0)) this.peak.set(name, rss);
    }
  }

  private sum(pids: number[]): ProcSample {
    let cpuSeconds = 0;
    let rssBytes = 0;
    for (const pid of pids) {
      const s = read(pid);
      if (s) {
        cpuSeconds += s.cpuSeconds;
        rssBytes += s.rssBytes;
      }
    }
    return { cpuSeconds, rssBytes };
  }
}
