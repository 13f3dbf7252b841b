import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Problems } from '@stafett/api';
import type { RunInput } from '@stafett/connector-sdk';

export interface SpooledFile {
  readonly input: RunInput['file'] & object;
  readonly remove: () => void;
}

/**
 * Streams a request body to a temporary file (never to memory), refusing more than `limit` bytes
 * (413, at once when Content-Length says so). The run reads the file at its own pace; the file is
 * removed when the run ends.
 */
export async function spoolUpload(req: IncomingMessage, name: string, limit: number): Promise<SpooledFile> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw Problems.payloadTooLarge(`The file is ${declared} bytes; at most ${limit} are accepted.`);
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'stafett-run-'));
  const file = path.join(dir, 'upload');
  const remove = () => void rm(dir, { recursive: true, force: true }).catch(() => undefined);
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > limit) return callback(Object.assign(new Error('too large'), { tooLarge: true }));
      callback(null, chunk);
    },
  });
  try {
    await pipeline(req, limiter, createWriteStream(file));
  } catch (e) {
    remove();
    if ((e as { tooLarge?: boolean }).tooLarge) {
      req.resume();
      throw Problems.payloadTooLarge(`The file is larger than the ${limit} bytes accepted.`);
    }
    throw Problems.malformedRequest('The file could not be received completely; send it again.');
  }
  const { size: bytes } = await stat(file);
  return { input: { name, size: bytes, stream: createReadStream(file) }, remove };
}
