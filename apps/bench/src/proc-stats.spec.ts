import { spawnSync } from 'node:child_process';
import { POSTGRES_PROCESSES, ProcessSampler } from './proc-stats';

describe('ProcessSampler', () => {
  it('keeps the CPU of a process of the group that ends within the window (its parent reaps it)', () => {
    const sampler = new ProcessSampler({ me: () => [process.pid] });
    sampler.begin(10_000);
    // A child that burns 400 ms of CPU (not of wall time: a busy machine may not give it a core) and exits.
    const child = spawnSync(process.execPath, ['-e', 'while (process.cpuUsage().user + process.cpuUsage().system < 400_000);']);
    expect(child.status).toBe(0);
    const { me } = sampler.end();
    expect(me.cpuSeconds).toBeGreaterThanOrEqual(0.3);
  });
});

describe('POSTGRES_PROCESSES', () => {
  it('matches the postmaster, however it was started, and every process it forks', () => {
    const postgres = [
      '/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf ',
      'postgres -D /usr/local/pgsql/data ',
      'postgres: 15/main: checkpointer ',
      'postgres: postgres stafett_bench 127.0.0.1(51234) idle',
    ];
    const others = ['node dist/apps/stafett/src/main.js ', 'psql -h 127.0.0.1 -U postgres ', '/usr/bin/postgres_exporter ', 'java kafka.Kafka server.properties '];
    expect(postgres.filter((c) => !POSTGRES_PROCESSES.test(c))).toEqual([]);
    expect(others.filter((c) => POSTGRES_PROCESSES.test(c))).toEqual([]);
  });
});
