import { groupCheckoutReactor } from '@projectionist/reactors';
import { waitFor } from '@projectionist/testing';
import request from 'supertest';
import { GatewayWithDaemon, startGatewayWithDaemon } from '../testing/gateway-with-daemon';

describe('gateway hotel API', () => {
  let t: GatewayWithDaemon;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    t = await startGatewayWithDaemon({}, { reactors: [groupCheckoutReactor] });
    http = request(t.app.getHttpServer());
  });
  afterAll(() => t.close());

  const eventCount = () => t.count('events');
  const group = async (id: string) => (await http.get(`/api/group-checkouts/${id}`).expect(200)).body;

  it('checks a stay in, charges it, takes a payment, refuses to check it out with a balance, then checks it out', async () => {
    const checkedIn = await http.post('/api/stays').send({ id: 's1' }).expect(201);
    expect(checkedIn.body).toEqual({ streamId: 'guest_stay-s1', version: 1, position: expect.any(Number) });
    await http.post('/api/stays/s1/charges').send({ chargeId: 'room', amount: 120 }).expect(201);
    const paid = await http.post('/api/stays/s1/payments').send({ amount: 100 }).expect(201);
    expect((await http.get(`/api/stays/s1?minPosition=${paid.body.position}`).expect(200)).body).toEqual({ id: 's1', status: 'open', balance: 20, groupId: null });
    const refused = await http.post('/api/stays/s1/checkout').expect(409);
    expect(refused.body.message).toContain('balance is 20');
    await http.post('/api/stays/s1/payments').send({ paymentId: 'card', amount: 20 }).expect(201);
    const out = await http.post('/api/stays/s1/checkout').expect(200);
    expect((await http.get('/api/stays/s1').set('X-Min-Position', String(out.body.position)).expect(200)).body).toEqual({ id: 's1', status: 'checked_out', balance: 0, groupId: null });
  });

  it('merges the selected stays into a group, fails a checked-out one, and confirms the group once paid in parts', async () => {
    for (const [id, amount] of [['g1-a', 200], ['g1-b', 50]] as const) {
      await http.post('/api/stays').send({ id }).expect(201);
      await http.post(`/api/stays/${id}/charges`).send({ amount }).expect(201);
    }
    await http.post('/api/stays').send({ id: 'g1-out' }).expect(201);
    await http.post('/api/stays/g1-out/checkout').expect(200);
    const started = await http.post('/api/group-checkouts').send({ id: 'g1', stayIds: ['g1-a', 'g1-b', 'g1-out'] }).expect(201);
    expect(started.body).toEqual({ id: 'g1', position: expect.any(Number) });
    const ready = await waitFor('the group ready', async () => {
      const body = await group('g1');
      return body.status === 'ready' ? body : undefined;
    });
    expect(ready).toEqual({
      id: 'g1',
      status: 'ready',
      mergedStays: [
        { stayId: 'g1-a', residual: 200 },
        { stayId: 'g1-b', residual: 50 },
      ],
      failedStayIds: ['g1-out'],
      balance: 250,
    });
    expect((await http.get('/api/stays/g1-a').expect(200)).body).toMatchObject({ status: 'merged', groupId: 'g1' });
    expect((await http.post('/api/stays/g1-a/checkout').expect(409)).body.message).toContain('merged into group checkout g1');
    const first = await http.post('/api/group-checkouts/g1/payments').send({ paymentId: 'part-1', amount: 100 }).expect(201);
    // The same paymentId again is the same payment: recorded once.
    const again = await http.post('/api/group-checkouts/g1/payments').send({ paymentId: 'part-1', amount: 100 }).expect(201);
    expect(again.body.position).toBe(first.body.position);
    expect(await group('g1')).toMatchObject({ status: 'ready' });
    await http.post('/api/group-checkouts/g1/payments').send({ amount: 150 }).expect(201);
    await waitFor('the group confirmed', async () => (await group('g1')).status === 'confirmed');
    expect(await group('g1')).toMatchObject({ status: 'confirmed', balance: 0 });
    await http.post('/api/group-checkouts/g1/payments').send({ amount: 1 }).expect(409);
  });

  it.each<[string, () => request.Test, number, string]>([
    ['a charge without an amount', () => http.post('/api/stays/s1/charges').send({ chargeId: 'x' }), 400, 'amount'],
    ['a negative payment', () => http.post('/api/stays/s1/payments').send({ amount: -5 }), 400, 'amount'],
    ['a group without stays', () => http.post('/api/group-checkouts').send({ stayIds: [] }), 400, 'stayIds'],
    ['a group with a malformed stay id', () => http.post('/api/group-checkouts').send({ stayIds: ['a b'] }), 400, 'stayIds'],
    ['an unknown field', () => http.post('/api/stays').send({ id: 'x', room: 12 }), 400, 'room'],
    ['a charge to an unknown stay', () => http.post('/api/stays/nope/charges').send({ amount: 5 }), 404, 'No such stay'],
    ['a second check-in', () => http.post('/api/stays').send({ id: 's1' }), 409, 'already exists'],
    ['a charge to a checked-out stay', () => http.post('/api/stays/s1/charges').send({ amount: 5 }), 409, 'checked out'],
    ['a duplicate group', () => http.post('/api/group-checkouts').send({ id: 'g1', stayIds: ['zz'] }), 409, 'already exists'],
    ['a payment to an unknown group', () => http.post('/api/group-checkouts/nope/payments').send({ amount: 5 }), 404, 'No such group checkout'],
    ['an unknown stay read', () => http.get('/api/stays/nope'), 404, ''],
    ['an unknown group read', () => http.get('/api/group-checkouts/nope'), 404, ''],
    ['a bad minPosition', () => http.get('/api/stays/s1?minPosition=abc'), 400, 'minPosition'],
  ])('answers %s with a 4xx naming the problem, and writes nothing', async (_, send, status, text) => {
    const before = await eventCount();
    const response = await send();
    expect(response.status).toBe(status);
    expect(JSON.stringify(response.body)).toContain(text);
    expect(await eventCount()).toBe(before);
  });
});
