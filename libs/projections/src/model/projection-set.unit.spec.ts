import { sampleProjections } from '../samples';
import { ProjectionRegistrationError } from './projection-registration.error';
import { checkProjectionSet } from './projection-set';

type Registered = { name: string; version: number };

/** given: the projections registered together; when: they are checked; then: accepted, or the error. */
function whenChecked(...given: Registered[]): ProjectionRegistrationError | undefined {
  try {
    checkProjectionSet(given);
    return undefined;
  } catch (error) {
    if (error instanceof ProjectionRegistrationError) return error;
    throw error;
  }
}

describe('checkProjectionSet', () => {
  it('accepts the sample projections', () => {
    expect(whenChecked(...sampleProjections)).toBeUndefined();
  });

  it('refuses two names that normalise to the same table and view, naming both', () => {
    const error = whenChecked({ name: 'CarView', version: 1 }, { name: 'car-view', version: 1 });
    expect(error).toMatchObject({ code: 'PROJECTION_TABLES_SHARED', projections: ['CarView', 'car-view'] });
    expect(error?.message).toContain('"CarView" and "car-view" both use "car_view"');
  });

  it('refuses them whatever their versions, since they share the view', () => {
    expect(whenChecked({ name: 'CarView', version: 1 }, { name: 'car_view', version: 2 })?.code).toBe('PROJECTION_TABLES_SHARED');
  });

  it("refuses a projection whose view is another one's table", () => {
    const error = whenChecked({ name: 'CarView', version: 1 }, { name: 'car_view_v1', version: 1 });
    expect(error?.message).toContain('"CarView" and "car_view_v1" both use "car_view_v1"');
  });

  it('refuses the same projection registered twice', () => {
    expect(whenChecked({ name: 'CarView', version: 1 }, { name: 'CarView', version: 1 })?.code).toBe('PROJECTION_TABLES_SHARED');
  });

  it('refuses a name too long for its rebuild table, with the name and the limit', () => {
    const error = whenChecked({ name: 'x'.repeat(60), version: 1 });
    expect(error).toMatchObject({ code: 'PROJECTION_NAME_TOO_LONG', projections: ['x'.repeat(60)] });
    expect(error?.message).toMatch(/"x{60}_v1__rebuild" is 72 bytes; PostgreSQL keeps 63/);
  });
});
