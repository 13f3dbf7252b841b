import { TransientError } from '@stafett/kafka';
import { ImportCoalescer } from './import-coalescer';

/** A fake transaction: records which batches went together; fails when a batch holds 'poison'. */
function recorder(failWith: (batches: readonly string[][]) => Error | undefined = () => undefined) {
  const transactions: string[][][] = [];
  const apply = async (batches: readonly string[][]) => {
    transactions.push([...batches]);
    await new Promise((r) => setTimeout(r, 5));
    const error = failWith(batches);
    if (error) throw error;
    return batches.map((b) => b.join('+'));
  };
  return { transactions, apply };
}

describe(ImportCoalescer.name, () => {
  it('should apply the batches that wait at the same moment in one transaction', async () => {
    const { transactions, apply } = recorder();
    const c = new ImportCoalescer(apply, (b: string[]) => b.length, { concurrency: 1 });
    const results = await Promise.all([c.submit(['a1', 'a2']), c.submit(['b1']), c.submit(['c1'])]);
    expect(results).toEqual(['a1+a2', 'b1', 'c1']);
    expect(transactions).toEqual([[['a1', 'a2'], ['b1'], ['c1']]]);
  });

  it('should cap the records of one transaction but always take at least one batch', async () => {
    const { transactions, apply } = recorder();
    const c = new ImportCoalescer(apply, (b: string[]) => b.length, { concurrency: 1, maxRecords: 2 });
    await Promise.all([c.submit(['a1', 'a2', 'a3']), c.submit(['b1']), c.submit(['c1'])]);
    expect(transactions).toEqual([[['a1', 'a2', 'a3']], [['b1'], ['c1']]]);
  });

  it('should fail only the batch that fails on its own when a shared transaction fails for good', async () => {
    const { transactions, apply } = recorder((batches) => (batches.some((b) => b.includes('poison')) ? new Error('violates a rule') : undefined));
    const c = new ImportCoalescer(apply, (b: string[]) => b.length, { concurrency: 1 });
    const outcomes = await Promise.allSettled([c.submit(['a1']), c.submit(['poison']), c.submit(['c1'])]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(transactions).toEqual([[['a1'], ['poison'], ['c1']], [['a1']], [['poison']], [['c1']]]);
  });

  it('should give a transient error to every batch of the transaction (each retries)', async () => {
    const { apply } = recorder(() => new TransientError('DB_AWAY', 'Postgres restarting'));
    const c = new ImportCoalescer(apply, (b: string[]) => b.length, { concurrency: 1 });
    const outcomes = await Promise.allSettled([c.submit(['a1']), c.submit(['b1'])]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual(['Postgres restarting', 'Postgres restarting']);
  });
});
