import { BadRequestException, HttpException, Logger, NotFoundException, type ArgumentsHost } from '@nestjs/common';
import { PROBLEM_CONTENT_TYPE, Problems } from './problem-details';
import { ProblemDetailsFilter } from './problem-details.filter';

/** A minimal HTTP host: the request URL and a response that records what was written. */
function host(url: string) {
  const written = { status: 0, headers: {} as Record<string, string>, body: '' };
  const response = {
    headersSent: false,
    set statusCode(s: number) {
      written.status = s;
    },
    setHeader: (name: string, value: string) => (written.headers[name.toLowerCase()] = value),
    end: (body?: string) => (written.body = body ?? ''),
  };
  const request = { url, originalUrl: url };
  const argumentsHost = { getType: () => 'http', switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ArgumentsHost;
  return { argumentsHost, written };
}

describe(ProblemDetailsFilter.name, () => {
  const sut = new ProblemDetailsFilter();

  it('should answer a problem as problem+json with its headers, the path as instance (no query)', () => {
    const { argumentsHost, written } = host('/v1/persons?personalIdentityNumber=199001011234');
    sut.catch(Problems.unauthorized('No key.', 'Bearer realm="stafett"'), argumentsHost);
    expect(written.status).toBe(401);
    expect(written.headers).toEqual({ 'content-type': PROBLEM_CONTENT_TYPE, 'www-authenticate': 'Bearer realm="stafett"' });
    expect(JSON.parse(written.body)).toEqual({ type: 'urn:stafett:problem:unauthorized', title: 'Unauthorized', status: 401, detail: 'No key.', instance: '/v1/persons' });
  });

  it('should mask a personnummer sent where an id belongs in the instance, and leave uuids whose digits look like one', () => {
    const masked = host('/v1/groups/199001011234');
    sut.catch(Problems.notFound('No group with this id.'), masked.argumentsHost);
    expect(JSON.parse(masked.written.body)).toMatchObject({ status: 404, instance: '/v1/groups/[personnummer]' });
    const uuid = '19900101-1234-4abc-8def-199001011234';
    const kept = host(`/v1/groups/${uuid}`);
    sut.catch(Problems.notFound('No group with this id.'), kept.argumentsHost);
    expect(JSON.parse(kept.written.body)).toMatchObject({ instance: `/v1/groups/${uuid}` });
  });

  it("should turn the stock ValidationPipe's 400 into a 422 naming the fields", () => {
    const problem = sut.toProblem(new BadRequestException(['records.0.op must be one of UPSERT, DELETE']));
    expect(problem.problem).toMatchObject({ status: 422, errors: [{ field: 'records[0].op' }] });
  });

  it('should answer invalid JSON from the body parser as a 400 malformed request', () => {
    const parseError = Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400, type: 'entity.parse.failed' });
    expect(sut.toProblem(new BadRequestException(parseError.message, { cause: parseError })).problem).toMatchObject({ status: 400, type: 'urn:stafett:problem:malformed-request' });
  });

  it('should keep the status of other HTTP errors, and hide the cause of anything else behind a 500', () => {
    expect(sut.toProblem(new NotFoundException('Cannot GET /v1/nothing')).problem).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404 });
    expect(sut.toProblem(new HttpException('Too big', 413)).problem).toMatchObject({ status: 413, title: 'Payload Too Large' });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const hidden = sut.toProblem(new Error('relation "person.person" does not exist')).problem;
    expect(hidden).toMatchObject({ status: 500, type: 'urn:stafett:problem:internal-error' });
    expect(hidden.detail).not.toContain('relation');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('relation "person.person" does not exist'));
  });
});
