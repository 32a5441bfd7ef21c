import { startTestApp, TestApp } from '@projectionist/testing';
import request from 'supertest';
import { GatewayModule } from '../gateway.module';
import { serveApiDocs } from './api-docs';

describe('gateway OpenAPI docs', () => {
  let t: TestApp;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    t = await startTestApp('gateway', (config) => GatewayModule.forRoot(config), { ADMIN_TOKEN: 'tok' }, serveApiDocs);
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  it('serves the UI at /docs and a document covering every endpoint, with the bodies the validators accept', async () => {
    const page = await http.get('/docs').expect(200);
    expect(page.text).toContain('swagger-ui');
    const { body: doc } = await http.get('/docs/openapi.json').expect(200);
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/projects',
        'POST /api/projects/{id}/issues',
        'POST /api/projects/{id}/issues/{issueId}/close',
        'POST /api/projects/{id}/issues/{issueId}/reopen',
        'POST /api/projects/{id}/commits',
        'GET /api/projects/{id}',
        'POST /api/customers',
        'POST /api/customers/{id}/rename',
        'GET /api/customers/{id}',
        'POST /api/cars',
        'POST /api/cars/{id}/repaint',
        'POST /api/cars/{id}/sell',
        'GET /api/cars',
        'GET /api/cars/{id}',
        'POST /api/streams/{streamId}/events',
        'GET /api/streams/{streamId}',
        'GET /api/admin/projections',
        'POST /api/admin/projections/{name}/rebuilds',
        'GET /api/admin/rebuilds',
        'GET /api/admin/rebuilds/{id}',
        'DELETE /api/admin/rebuilds/{id}',
        'GET /api/admin/nodes',
        'GET /api/admin/stream',
        'GET /health',
      ]),
    );
    const createCar = doc.paths['/api/cars'].post.requestBody.content['application/json'].schema;
    expect(createCar).toMatchObject({ type: 'object', required: ['by', 'color'], additionalProperties: false });
    expect(doc.paths['/api/admin/nodes'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/cars/{id}'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['id', 'minPosition', 'x-min-position']));
  });
});
