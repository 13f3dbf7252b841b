import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { options } from '../test/member-files';
import { writeGeneratedRegister } from '../generated-register';
import { readMemberFile } from './read-member-file';

describe(`${readMemberFile.name} (100,000 rows)`, () => {
  let dir: string;
  beforeAll(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'member-file-large-'))));
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('should stream a generated 100,000-row .xlsx into 100,000 records', async () => {
    const file = path.join(dir, 'medlemmar.xlsx');
    await writeGeneratedRegister(file, 100_000, 'xlsx');
    let records = 0;
    let rejected = 0;
    let lastState: unknown;
    // Nothing is kept: the test counts as it goes, as the runtime would send.
    for await (const m of readMemberFile({ name: 'medlemmar.xlsx', stream: createReadStream(file) }, undefined, options({ checkpointEvery: 5000 }))) {
      if (m.kind === 'record') records++;
      else if (m.kind === 'rejected') rejected++;
      else lastState = m.state;
    }
    expect({ records, rejected, lastState }).toEqual({ records: 100_000, rejected: 0, lastState: { fingerprint: expect.any(String), rowsDone: 100_001 } });
  }, 300_000);
});
