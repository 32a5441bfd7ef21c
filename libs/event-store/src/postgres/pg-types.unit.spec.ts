import { types } from 'pg';
import { eventStoreTypes, parseTimestamptz } from './pg-types';

describe('event store type parsers', () => {
  const builtIn = types.getTypeParser(1184, 'text');

  it.each(['2026-11-22 10:09:01.123456+00', '2026-11-22 10:09:01+05:30', '1999-01-01 00:00:00.5-08', 'infinity', '0044-03-15 12:00:00+00 BC'])(
    'reads timestamptz %s as pg does',
    (text) => {
      expect(parseTimestamptz(text, builtIn)).toEqual(builtIn(text));
    },
  );

  it('reads bigint and xid8 as safe numbers and refuses larger ones', () => {
    const int8 = eventStoreTypes.getTypeParser(20, 'text') as (t: string) => number;
    expect(int8('9007199254740991')).toBe(9007199254740991);
    expect(() => int8('9007199254740993')).toThrow(RangeError);
    expect((eventStoreTypes.getTypeParser(5069 as never, 'text') as (t: string) => number)('42')).toBe(42);
  });
});
