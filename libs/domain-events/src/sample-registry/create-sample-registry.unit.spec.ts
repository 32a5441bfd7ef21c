import { z } from 'zod';
import {
  createSampleRegistry,
  dealershipEventTypes,
  hotelEventTypes,
  repositoryEventTypes,
  sampleEventTypes,
} from '../index';

describe('createSampleRegistry', () => {
  it('registers every sample event type of the three domains', () => {
    expect(sampleEventTypes).toEqual([...repositoryEventTypes, ...dealershipEventTypes, ...hotelEventTypes]);
    expect(createSampleRegistry().types()).toEqual(sampleEventTypes);
    expect(new Set(sampleEventTypes).size).toBe(sampleEventTypes.length);
  });

  it('returns an independent registry each time', () => {
    const first = createSampleRegistry();
    first.register('Extra', z.unknown());
    expect(createSampleRegistry().has('Extra')).toBe(false);
  });

  it('keeps every type but CommitPushed at version 1', () => {
    const registry = createSampleRegistry();
    const versions = Object.fromEntries(sampleEventTypes.map((type) => [type, registry.schemaVersionOf(type)]));
    expect(Object.entries(versions).filter(([, version]) => version !== 1)).toEqual([['CommitPushed', 2]]);
  });
});
