import { Logger } from '@nestjs/common';
import { StafettTypeOrmLogger } from './typeorm-logger';

describe(StafettTypeOrmLogger.name, () => {
  const sut = new StafettTypeOrmLogger();
  const uniqueViolation = Object.assign(new Error('duplicate key value violates unique constraint "uq_person_pnr"'), {
    code: '23505',
    table: 'person',
    constraint: 'uq_person_pnr',
    detail: 'Key (personal_identity_number)=(199001011234) already exists.',
  });
  const insert = 'INSERT INTO person.person (id, personal_identity_number, first_name) VALUES ($1, $2, $3)';

  it('should log a failed statement by kind, SQLSTATE and constraint, without its parameters', () => {
    const written = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    sut.logQueryError(uniqueViolation, insert, ['3f0c0f0e-8d8b-4c57-9f4f-2c7bb3a1d0a1', '199001011234', 'Anna']);
    expect(written).toHaveBeenCalledWith({
      statement: 'INSERT INTO person.person',
      error: 'duplicate key value violates unique constraint "uq_person_pnr"',
      code: '23505',
      table: 'person',
      constraint: 'uq_person_pnr',
      msg: 'query failed',
    });
  });

  it('should replace the value a driver error quotes', () => {
    const written = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
    sut.logQueryError(Object.assign(new Error('invalid input syntax for type uuid: "19900101-1234"'), { code: '22P02' }), 'SELECT 1 FROM person.person WHERE id = $1', ['19900101-1234']);
    expect(JSON.stringify(written.mock.calls)).not.toContain('1234');
  });

  it('should log no successful query', () => {
    const calls = ['log', 'debug', 'verbose', 'warn', 'error'].map((level) => jest.spyOn(Logger.prototype, level as 'log').mockImplementation(() => undefined));
    sut.logQuery();
    expect(calls.flatMap((c) => c.mock.calls)).toEqual([]);
  });
});
