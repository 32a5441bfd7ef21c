import request from 'supertest';
import { GatewayWithDaemon, startGatewayWithDaemon } from '../testing/gateway-with-daemon';

describe('gateway domain API', () => {
  let t: GatewayWithDaemon;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    t = await startGatewayWithDaemon();
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  const eventCount = () => t.count('events');

  it('sells a car and shows the renamed buyer on a read that waits for the rename (read-your-writes)', async () => {
    await http.post('/api/customers').send({ id: 'ann', name: 'Ann' }).expect(201);
    const car = await http.post('/api/cars').send({ id: 'c1', by: 'dealer', color: 'red' }).expect(201);
    expect(car.body).toEqual({ streamId: 'car-c1', version: 1, position: expect.any(Number) });
    await http.post('/api/cars/c1/sell').send({ customerId: 'ann' }).expect(200);
    const renamed = await http.post('/api/customers/ann/rename').send({ name: 'Ann Smith' }).expect(200);
    const read = await http.get(`/api/cars/c1?minPosition=${renamed.body.position}`).expect(200);
    expect(read.body).toMatchObject({ carId: 'c1', sold: true, customerId: 'ann', customerName: 'Ann Smith' });
    const list = await http.get('/api/cars').set('X-Min-Position', String(renamed.body.position)).expect(200);
    expect(list.body.map((c: { carId: string }) => c.carId)).toEqual(['c1']);
    const customer = await http.get('/api/customers/ann').set('X-Min-Position', String(renamed.body.position)).expect(200);
    expect(customer.body).toEqual({ customerId: 'ann', name: 'Ann Smith', renamedCount: 1 });
  });

  it('tracks a project through issues and commits', async () => {
    await http.post('/api/projects').send({ id: 'p1', name: 'Marten', organization: 'JasperFx' }).expect(201);
    await http.post('/api/projects/p1/issues').send({ issueId: 'i1', title: 'Bug' }).expect(201);
    await http.post('/api/projects/p1/issues/i1/close').expect(200);
    await http.post('/api/projects/p1/issues/i1/reopen').expect(200);
    const last = await http.post('/api/projects/p1/commits').send({ userName: 'ann', additions: 10, deletions: 3 }).expect(201);
    const project = await http.get(`/api/projects/p1?minPosition=${last.body.position}`).expect(200);
    expect(project.body).toEqual({ projectName: 'Marten', organizationName: 'JasperFx', linesOfCode: 7, openIssueCount: 1, contributors: ['ann'] });
  });

  it.each<[string, () => request.Test, number, string]>([
    ['a missing field', () => http.post('/api/cars').send({ by: 'x' }), 400, 'color'],
    ['a wrong-typed field', () => http.post('/api/projects/p1/commits').send({ userName: 'a', additions: 'ten', deletions: 0 }), 400, 'additions'],
    ['an unknown field', () => http.post('/api/customers').send({ name: 'x', age: 3 }), 400, 'age'],
    ['a malformed id', () => http.post('/api/cars/c%201/repaint').send({ color: 'blue' }), 400, 'must be 1 to 64'],
    ['bad JSON', () => http.post('/api/customers').set('Content-Type', 'application/json').send('{"name": '), 400, ''],
    ['a huge body', () => http.post('/api/customers').send({ name: 'x'.repeat(2_000_000) }), 413, ''],
    ['an unknown car', () => http.post('/api/cars/nope/repaint').send({ color: 'blue' }), 404, 'No such car'],
    ['a sale to an unknown customer', () => http.post('/api/cars/c1/sell').send({ customerId: 'nobody' }), 404, 'No customer nobody'],
    ['a duplicate create', () => http.post('/api/customers').send({ id: 'ann', name: 'Again' }), 409, 'already exists'],
    ['closing a closed issue twice', () => http.post('/api/projects/p1/issues/i9/close'), 404, 'No issue i9'],
    ['an unknown project read', () => http.get('/api/projects/nope'), 404, ''],
    ['a bad minPosition', () => http.get('/api/cars/c1?minPosition=abc'), 400, 'minPosition'],
    ['a minPosition with no event', () => http.get('/api/cars/c1?minPosition=999999'), 400, 'no event at position'],
  ])('answers %s with a 4xx naming the problem, and writes nothing', async (_, send, status, text) => {
    const before = await eventCount();
    const response = await send();
    expect(response.status).toBe(status);
    expect(JSON.stringify(response.body)).toContain(text);
    expect(await eventCount()).toBe(before);
  });
});
