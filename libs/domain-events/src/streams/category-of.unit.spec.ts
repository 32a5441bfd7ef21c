import { categoryOf } from '../index';

describe('categoryOf', () => {
  it.each([
    ['car-123', 'car'],
    ['customer-7', 'customer'],
    ['guest_stay-9', 'guest_stay'],
    ['group_checkout-1', 'group_checkout'],
    ['project-3f2b8c1e-9d4a-4e7b-a1c2-0f5e6d7c8b9a', 'project'],
    ['standalone', 'standalone'],
    ['-orphan', ''],
    ['', ''],
  ])('%p belongs to %p', (streamId, category) => {
    expect(categoryOf(streamId)).toBe(category);
  });
});
