import { readWholeFeed } from '@projectionist/event-store';
import {
  referenceActiveProjects,
  referenceCarViews,
  referenceCommits,
  referenceCustomerViews,
} from '@projectionist/projections/testing';
import { TestCluster } from './test-cluster';

/** Every sample projection's stored state against a plain in-memory fold of the same events. */
export async function expectProjectionsMatchReference(cluster: TestCluster): Promise<void> {
  const events = await readWholeFeed(cluster.store);
  expect(Object.fromEntries(await cluster.view('active_project'))).toEqual(Object.fromEntries(referenceActiveProjects(events)));
  const cars = new Map([...(await cluster.view('car_view'))].filter(([, doc]) => (doc as { docType: string }).docType === 'car'));
  expect(Object.fromEntries(cars)).toEqual(Object.fromEntries(referenceCarViews(events)));
  expect(Object.fromEntries(await cluster.view('customer_view'))).toEqual(Object.fromEntries(referenceCustomerViews(events)));
  const commits = await cluster.rows('commits', 'position');
  const expected = referenceCommits(events);
  expect(commits.length).toBe(expected.length);
  expect(commits.map((r) => r.event_id)).toEqual(expected.map((r) => r.event_id));
}
