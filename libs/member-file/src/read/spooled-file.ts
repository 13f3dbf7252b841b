import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { MemberFileCode, MemberFileRefusedError } from '../member-file-codes';

/**
 * The upload copied to a temporary file while its SHA-256 is computed: the reader makes two passes
 * (check the whole file, then send), so nothing of a file that turns out unreadable is sent, and the
 * fingerprint lets a resumed run know it reads the same file. Memory stays bounded: bytes go to disk.
 */
export class SpooledFile {
  private constructor(
    readonly path: string,
    readonly size: number,
    readonly fingerprint: string,
    /** The first non-ASCII byte of the file and the three after it (undefined: the file is ASCII). */
    readonly firstNonAscii: Buffer | undefined,
  ) {}

  static async from(source: Readable, dir = os.tmpdir(), signal?: AbortSignal): Promise<SpooledFile> {
    const file = path.join(dir, `stafett-member-file-${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    let firstNonAscii: Buffer | undefined;
    let pending: Buffer | undefined;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (pending) {
          // The sequence began at the end of the previous chunk.
          firstNonAscii = Buffer.concat([pending, chunk.subarray(0, 4 - pending.length)]);
          pending = firstNonAscii.length < 4 ? firstNonAscii : undefined;
        } else if (!firstNonAscii) {
          const at = chunk.findIndex((b) => b >= 0x80);
          if (at >= 0) {
            firstNonAscii = chunk.subarray(at, at + 4);
            if (firstNonAscii.length < 4) pending = Buffer.from(firstNonAscii);
          }
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, tap, createWriteStream(file, { mode: 0o600 }), signal ? { signal } : {});
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
    return new SpooledFile(file, size, hash.digest('hex'), firstNonAscii);
  }

  /** The first `n` bytes (fewer for a smaller file). */
  async head(n: number): Promise<Buffer> {
    return this.slice(0, n);
  }

  /** The last `n` bytes. */
  async tail(n: number): Promise<Buffer> {
    return this.slice(Math.max(0, this.size - n), n);
  }

  /** A fresh stream of the bytes; `onBytes` counts them as they are read. */
  stream(onBytes?: (total: number) => void): Readable {
    const s = createReadStream(this.path, { highWaterMark: 256 * 1024 });
    if (onBytes) {
      let total = 0;
      s.on('data', (chunk: Buffer | string) => onBytes((total += chunk.length)));
    }
    return s;
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }

  private async slice(start: number, n: number): Promise<Buffer> {
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(n, this.size - start));
      await handle.read(buffer, 0, buffer.length, start);
      return buffer;
    } finally {
      await handle.close();
    }
  }
}

export type FileFormat = { readonly kind: 'xlsx' } | { readonly kind: 'csv'; readonly encoding: 'utf8' | 'win1252'; readonly delimiter: ';' | ',' };

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Whether a UTF-8 sequence starts at the first non-ASCII byte (a lead byte and its continuation bytes). */
function startsUtf8(bytes: Buffer): boolean {
  const lead = bytes[0];
  const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length === 0) return false;
  for (let i = 1; i < length; i++) if (i >= bytes.length || (bytes[i] & 0xc0) !== 0x80) return false;
  return true;
}

/** The delimiter of the header line: `;` (Swedish Excel) or `,`, whichever it has more of outside quotes. */
function detectDelimiter(firstLine: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && ch === ',') commas++;
  }
  return commas > semicolons ? ',' : ';';
}

/**
 * What the file is, from its first bytes (its name only breaks no tie): a zip is an .xlsx (its end
 * record must be there, else it was cut short); text is a csv, UTF-8 when it has a BOM or its first
 * non-ASCII character is a UTF-8 sequence (or it has none), else Windows-1252 — decided once per
 * file; rows in the other encoding are rejected one by one (`MIXED_ENCODING`, see parseMemberRow).
 * Anything else (NUL bytes: an image, a PDF, an old .xls) is refused.
 */
export async function sniffFormat(file: SpooledFile, name: string): Promise<FileFormat> {
  if (file.size === 0) throw new MemberFileRefusedError(MemberFileCode.EMPTY_FILE, `The file ${name} is empty (0 bytes).`);
  const head = await file.head(64 * 1024);
  if (head.subarray(0, 4).equals(ZIP)) {
    const tail = await file.tail(64 * 1024 + 22);
    if (tail.lastIndexOf(ZIP_END) < 0)
      throw new MemberFileRefusedError(MemberFileCode.UNREADABLE_FILE, `The file ${name} is an .xlsx that was cut short (the zip has no end record); nothing was imported.`);
    return { kind: 'xlsx' };
  }
  if (head.subarray(0, 4).equals(OLE)) throw new MemberFileRefusedError(MemberFileCode.NOT_A_SPREADSHEET, `The file ${name} is an old Excel .xls file; save it as .xlsx or .csv.`);
  if (head.includes(0))
    throw new MemberFileRefusedError(MemberFileCode.NOT_A_SPREADSHEET, `The file ${name} is neither an .xlsx nor a .csv (it holds binary data, e.g. an image or a PDF).`);
  if (/\.xlsx$/i.test(name)) throw new MemberFileRefusedError(MemberFileCode.NOT_A_SPREADSHEET, `The file ${name} is named .xlsx but is not an Excel workbook.`);
  const encoding = head.subarray(0, 3).equals(BOM) || !file.firstNonAscii || startsUtf8(file.firstNonAscii) ? 'utf8' : 'win1252';
  const text = new TextDecoder(encoding === 'utf8' ? 'utf-8' : 'windows-1252').decode(head);
  const firstLine = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  return { kind: 'csv', encoding, delimiter: detectDelimiter(firstLine) };
}
