import { carDecider, customerDecider } from './dealership.deciders';
import { Decider } from './decider';
import { DomainRejection } from './domain-rejection';
import { projectDecider, ProjectCommand } from './project.decider';

/** given past events, when a command, then new events or a rejection code. */
function spec<S, C, E extends { type: string; data: unknown }>(decider: Decider<S, C, E>) {
  return (given: { type: string; data: unknown }[], when: C) => {
    const state = given.reduce(decider.evolve, decider.initialState);
    try {
      return decider.decide(when, state);
    } catch (error) {
      if (error instanceof DomainRejection) return error.code;
      throw error;
    }
  };
}

const project = spec(projectDecider);
const started = { type: 'ProjectStarted', data: { name: 'Marten', organization: 'JasperFx' } };
const created = { type: 'IssueCreated', data: { issueId: 'i-1', title: 'Bug' } };
const closed = { type: 'IssueClosed', data: { issueId: 'i-1' } };

describe('projectDecider', () => {
  it.each<[string, { type: string; data: unknown }[], ProjectCommand, unknown]>([
    ['starts a project', [], { kind: 'StartProject', name: 'Marten', organization: 'JasperFx' }, [started]],
    ['refuses to start it twice', [started], { kind: 'StartProject', name: 'x', organization: 'y' }, 'ALREADY_EXISTS'],
    ['needs the project for anything else', [], { kind: 'CreateIssue', issueId: 'i-1', title: 't' }, 'NOT_FOUND'],
    ['creates an issue', [started], { kind: 'CreateIssue', issueId: 'i-1', title: 'Bug' }, [created]],
    ['refuses a duplicate issue id', [started, created, closed], { kind: 'CreateIssue', issueId: 'i-1', title: 'x' }, 'ALREADY_EXISTS'],
    ['closes an open issue', [started, created], { kind: 'CloseIssue', issueId: 'i-1' }, [closed]],
    ['refuses to close a closed issue', [started, created, closed], { kind: 'CloseIssue', issueId: 'i-1' }, 'INVALID_STATE'],
    ['refuses to close an unknown issue', [started], { kind: 'CloseIssue', issueId: 'i-9' }, 'NOT_FOUND'],
    ['reopens a closed issue', [started, created, closed], { kind: 'ReopenIssue', issueId: 'i-1' }, [{ type: 'IssueReopened', data: { issueId: 'i-1' } }]],
    ['refuses to reopen an open issue', [started, created], { kind: 'ReopenIssue', issueId: 'i-1' }, 'INVALID_STATE'],
  ])('%s', (_, given, when, then) => {
    expect(project(given, when)).toEqual(then);
  });
});

describe('dealership deciders', () => {
  const customer = spec(customerDecider);
  const car = spec(carDecider);
  it('creates and renames customers, only existing ones', () => {
    expect(customer([], { kind: 'RenameCustomer', name: 'x' })).toBe('NOT_FOUND');
    expect(customer([{ type: 'customer.created', data: { name: 'Ann' } }], { kind: 'RenameCustomer', name: 'Ann B' })).toEqual([
      { type: 'customer.renamed', data: { name: 'Ann B' } },
    ]);
  });

  it('sells an existing car to an existing customer only', () => {
    const createdCar = [{ type: 'car.created', data: { by: 'dealer', color: 'red' } }];
    expect(car([], { kind: 'SellCar', customerId: 'c-1', customerExists: true })).toBe('NOT_FOUND');
    expect(car(createdCar, { kind: 'SellCar', customerId: 'c-1', customerExists: false })).toBe('NOT_FOUND');
    expect(car(createdCar, { kind: 'SellCar', customerId: 'c-1', customerExists: true })).toEqual([{ type: 'car.sold', data: { to: 'c-1' } }]);
  });
});
