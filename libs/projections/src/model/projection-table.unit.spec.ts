import { projectionTableNames } from './projection-table';

describe('projectionTableNames', () => {
  it('gives a versioned table beside a stable view name, and the rebuild table beside it', () => {
    expect(projectionTableNames('CarView', 3)).toEqual({ table: 'car_view_v3', rebuildTable: 'car_view_v3__rebuild', view: 'car_view' });
    expect(projectionTableNames('ActiveProject', 1)).toMatchObject({ table: 'active_project_v1', view: 'active_project' });
    expect(projectionTableNames('commits-per-user', 2)).toMatchObject({ table: 'commits_per_user_v2', view: 'commits_per_user' });
  });

  it.each([['CarView', 0], ['CarView', 1.5], ['9lives', 1], ['x'.repeat(70), 1]])('rejects %s v%s', (name, version) => {
    expect(() => projectionTableNames(name as string, version as number)).toThrow(RangeError);
  });

  // PostgreSQL truncates identifiers to 63 bytes: a 63-byte live table made its rebuild table
  // `<table>__rebuild` truncate back to the live table's name, so a rebuild dropped the live table.
  it('rejects a name whose rebuild table would not fit 63 bytes, naming it and the limit', () => {
    const name = 'a'.repeat(60); // live table a…a_v1: exactly 63 bytes
    expect(() => projectionTableNames(name, 1)).toThrow(`"${name}_v1__rebuild" is 72 bytes`);
    expect(() => projectionTableNames(name, 1)).toThrow('63');
  });

  it('accepts the longest name whose every table fits', () => {
    const longest = projectionTableNames('a'.repeat(51), 1);
    expect(Buffer.byteLength(longest.rebuildTable)).toBe(63);
  });
});
