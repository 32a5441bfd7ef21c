import { createSampleRegistry } from '@projectionist/domain-events';
import { InMemoryEventStore } from '@projectionist/event-store';
import { describeGroupCheckoutScenarios } from './group-checkout.scenarios';

describeGroupCheckoutScenarios('in memory', async () => ({ store: new InMemoryEventStore({ validator: createSampleRegistry() }), close: async () => undefined }));
