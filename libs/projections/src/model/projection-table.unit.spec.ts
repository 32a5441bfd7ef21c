import { projectionTableNames } from './projection-table';

describe('projectionTableNames', () => {
  it('gives a versioned table beside a stable view name', () => {
    expect(projectionTableNames('CarView', 3)).toEqual({ table: 'car_view_v3', view: 'car_view' });
    expect(projectionTableNames('ActiveProject', 1)).toEqual({ table: 'active_project_v1', view: 'active_project' });
    expect(projectionTableNames('commits-per-user', 2)).toEqual({ table: 'commits_per_user_v2', view: 'commits_per_user' });
  });

  it.each([['CarView', 0], ['CarView', 1.5], ['9lives', 1], ['x'.repeat(70), 1]])('rejects %s v%s', (name, version) => {
    expect(() => projectionTableNames(name as string, version as number)).toThrow(RangeError);
  });
});
