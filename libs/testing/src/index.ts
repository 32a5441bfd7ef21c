export { createTestNamespace, uniqueNamespace, TEST_DATABASE_URL, TEST_REDIS_URL, TEST_AMQP_URL } from './test-namespace';
export type { TestNamespace } from './test-namespace';
export { waitFor } from './wait-for';
export { seededRandom } from './seeded-random';
export { startTestApp } from './test-app';
export type { TestApp } from './test-app';
export { createTestVhost } from './test-vhost';
export type { TestVhost } from './test-vhost';
