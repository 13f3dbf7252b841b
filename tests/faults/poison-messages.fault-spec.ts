/**
 * Fault 6: poison interleaved with valid records on the imports topic — bytes without the
 * Confluent magic byte, a magic byte with a schema id the registry does not know, a truncated Avro
 * body. The DLQ holds exactly the poison (same key and bytes, provenance headers pointing at the
 * original offset); every valid record around it is applied and has its result.
 */
import { FaultScenario } from './support/fault-scenario';
import { checkDeadLetters, settleAndCheck, versionsAfter, type Poison } from './support/guarantees';

const PERSONS = 600;
const POISON_EVERY = 10;

describe('fault: poison messages interleaved with valid ones', () => {
  const s = new FaultScenario('poison');

  beforeAll(() => s.prepare(), 60_000);
  afterAll(() => s.close(), 120_000);

  it('should dead-letter exactly the poison and apply every valid record', async () => {
    await s.topics.startReading();
    const imports = await s.readTopic(s.importsTopic);
    await s.startService();

    const people = s.persons(PERSONS);
    const records = s.records(people);
    const encode = await s.encoder();
    const kinds: ((i: number, valid: Buffer) => Poison)[] = [
      (i) => ({ key: `${s.system}:poison-${i}`, value: Buffer.from(`{"externalId":"poison-${i}","format":"json"}`), codes: ['BAD_MAGIC_BYTE'] }),
      (i, valid) => {
        const unknownId = Buffer.alloc(5);
        unknownId.writeUInt32BE(2_000_000_000 + i, 1); // magic byte 0, then a schema id nobody registered
        return { key: `${s.system}:poison-${i}`, value: Buffer.concat([unknownId, valid.subarray(5)]), codes: ['UNKNOWN_SCHEMA'] };
      },
      (i, valid) => ({ key: `${s.system}:poison-${i}`, value: valid.subarray(0, 5 + Math.floor((valid.length - 5) / 2)), codes: ['UNDECODABLE'] }),
    ];
    const poison: Poison[] = [];
    const messages: { key: string; value: Buffer }[] = [];
    records.forEach((record, i) => {
      const value = encode(record);
      messages.push({ key: s.keyOf(record), value });
      if (i % POISON_EVERY === POISON_EVERY - 1) {
        const p = kinds[poison.length % kinds.length](i, encode({ ...record, externalId: `poison-${i}` }));
        poison.push(p);
        messages.push(p);
      }
    });
    await s.produceRaw(messages);

    const ledger = await settleAndCheck(s, { records, versions: versionsAfter(people), outcome: () => 'CREATED' });
    expect(ledger.problems).toEqual([]);
    const dead = await checkDeadLetters(s, imports, messages.length, poison);
    expect(dead.problems).toEqual([]);
    expect(dead.codes).toEqual({ BAD_MAGIC_BYTE: poison.length / 3, UNKNOWN_SCHEMA: poison.length / 3, UNDECODABLE: poison.length / 3 });
    process.stdout.write(`faults/poison: ${poison.length} poison among ${records.length} valid records; DLQ ${JSON.stringify(dead.codes)}; every valid record applied once\n`);
  });
});
