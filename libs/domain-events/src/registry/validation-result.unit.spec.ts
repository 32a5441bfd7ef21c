import { formatPath } from './validation-result';

describe('formatPath', () => {
  it.each([
    [[], 'data'],
    [['additions'], 'data.additions'],
    [['stays', 0, 'stayId'], 'data.stays[0].stayId'],
    [['stayIds', 2], 'data.stayIds[2]'],
  ])('formats %j as %s', (segments, expected) => {
    expect(formatPath(segments)).toBe(expected);
  });
});
