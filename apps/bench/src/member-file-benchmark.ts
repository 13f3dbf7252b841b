/**
 * B6 "member file": rows/s of reading a generated member register (.xlsx and .csv) into person
 * import records, and the reading process's peak RSS. Each format is read in a child process of its
 * own (`node member-file-benchmark.js <file>`), so the RSS is the reader's, not the bench's.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { readMemberFile, writeGeneratedRegister } from '@stafett/member-file';

export interface MemberFileRun {
  readonly format: 'xlsx' | 'csv';
  readonly rows: number;
  readonly fileMiB: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  readonly peakRssMiB: number;
}

/** Reads the file (both passes: check, then yield) and answers rows, seconds and peak RSS. */
async function readOnce(file: string): Promise<{ rows: number; seconds: number; peakRssMiB: number }> {
  const started = process.hrtime.bigint();
  let rows = 0;
  const options = { organisationId: '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c', asOf: '2026-11-30', externalIdKey: Buffer.from('bench'), checkpointEvery: 5000 };
  for await (const m of readMemberFile({ name: path.basename(file), stream: createReadStream(file) }, undefined, options)) if (m.kind !== 'state') rows++;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rows, seconds, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

export async function b6MemberFile(size: number, runs: number, log: (s: string) => void): Promise<MemberFileRun[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'stafett-bench-b6-'));
  try {
    const out: MemberFileRun[] = [];
    for (const format of ['xlsx', 'csv'] as const) {
      const file = path.join(dir, `medlemmar.${format}`);
      log(`B6 generating a ${size.toLocaleString('en-US')}-row .${format}`);
      await writeGeneratedRegister(file, size, format);
      const fileMiB = Math.round(((await stat(file)).size / 2 ** 20) * 10) / 10;
      const results = [];
      for (let r = 0; r < runs; r++) {
        const { stdout } = await promisify(execFile)(process.execPath, [__filename, file], { maxBuffer: 1 << 20 });
        results.push(JSON.parse(stdout) as { rows: number; seconds: number; peakRssMiB: number });
      }
      const mid = [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor(results.length / 2)];
      out.push({
        format,
        rows: mid.rows,
        fileMiB,
        seconds: Math.round(mid.seconds * 100) / 100,
        rowsPerSecond: Math.round(mid.rows / mid.seconds),
        peakRssMiB: Math.max(...results.map((x) => x.peakRssMiB)),
      });
      log(`B6 .${format}: ${Math.round(mid.rows / mid.seconds)} rows/s, peak RSS ${Math.max(...results.map((x) => x.peakRssMiB))} MiB`);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  readOnce(process.argv[2]).then(
    (r) => process.stdout.write(JSON.stringify(r)),
    (e: unknown) => {
      process.stderr.write(`B6: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
