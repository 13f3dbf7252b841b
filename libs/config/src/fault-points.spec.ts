import { crashAt } from './fault-points';

describe(crashAt.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should do nothing at a point that is not listed', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    crashAt({ faultPoints: ['outbox.after-ack'] }, 'import.after-db-commit');
    expect(kill).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
  });

  it('should say which point it is and SIGKILL its own process at a listed point', () => {
    const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    crashAt({ faultPoints: ['import.after-db-commit'] }, 'import.after-db-commit');
    expect(write).toHaveBeenCalledWith('fault: import.after-db-commit\n');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });
});
