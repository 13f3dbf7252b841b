import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { MemberFileConnectorModule } from './member-file-connector.module';

const ORG = '0b0b8f3e-4d6c-4f55-9d43-5b5f1c1a2b3c';

describe('MemberRegisterExportController', () => {
  let platform: Server;
  let app: INestApplication;
  const seen: { url: string; authorization?: string }[] = [];

  beforeAll(async () => {
    // The platform's GET /v1/persons: two pages; a key other than "good" is refused.
    platform = createServer((req, res) => {
      seen.push({ url: req.url!, authorization: req.headers.authorization });
      if (req.headers.authorization !== 'Bearer good') {
        res.writeHead(401, { 'content-type': 'application/problem+json' });
        return res.end(JSON.stringify({ title: 'Unauthorized', status: 401 }));
      }
      const page = new URL(req.url!, 'http://x').searchParams.get('cursor') === 'p2' ? 2 : 1;
      const person = {
        id: `p${page}`,
        firstName: `Namn${page}`,
        lastName: 'Berg',
        birthDate: '1990-01-01',
        sex: 'FEMALE',
        status: 'ACTIVE',
        memberships: [{ organisationId: ORG, from: '2020-01-01', to: null }],
        externalIds: [],
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [person], nextCursor: page === 1 ? 'p2' : null }));
    });
    await new Promise<void>((resolve) => platform.listen(0, '127.0.0.1', resolve));
    const platformUrl = `http://127.0.0.1:${(platform.address() as AddressInfo).port}`;
    app = await NestFactory.create(MemberFileConnectorModule.forRoot({ externalIdKey: Buffer.from('k'), platformUrl }), { logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => platform.close(resolve));
  });

  it("should answer the organisation's register as a csv, reading every page with the caller's key", async () => {
    const res = await request(app.getHttpServer()).get(`/v1/member-file/export?organisationId=${ORG}&format=csv`).set('authorization', 'Bearer good').expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.text.split('\r\n').slice(1, 3)).toEqual([';Namn1;Berg;;1990-01-01;Kvinna;;;;;;;2020-01-01', ';Namn2;Berg;;1990-01-01;Kvinna;;;;;;;2020-01-01']);
    expect(seen.every((s) => s.authorization === 'Bearer good' && s.url.includes(`organisationId=${ORG}`))).toBe(true);
  });

  it('should answer an .xlsx by default', async () => {
    const res = await request(app.getHttpServer()).get(`/v1/member-file/export?organisationId=${ORG}`).set('authorization', 'Bearer good').buffer(true).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('should answer problems naming the field, and pass on a refused key', async () => {
    const bad = await request(app.getHttpServer()).get('/v1/member-file/export?organisationId=klubben&format=ods').set('authorization', 'Bearer good').expect(422);
    expect(bad.body.errors).toEqual([
      { field: 'organisationId', code: 'INVALID_FORMAT', message: 'organisationId must be a uuid' },
      { field: 'format', code: 'INVALID_ENUM', message: 'format must be xlsx or csv' },
    ]);
    await request(app.getHttpServer()).get(`/v1/member-file/export?organisationId=${ORG}`).expect(401);
    await request(app.getHttpServer()).get(`/v1/member-file/export?organisationId=${ORG}`).set('authorization', 'Bearer wrong').expect(403);
  });
});
