import { EventTypeRegistry, ValidationResult } from '../index';
import { RepositoryEventType, repositoryEventSchemas, repositoryEventTypes } from './repository-events.schemas';

interface Case {
  type: RepositoryEventType;
  valid: Record<string, unknown>;
  wrongTypes: Record<string, unknown>;
}

const cases: Case[] = [
  { type: 'ProjectStarted', valid: { name: 'projectionist', organization: 'acme' }, wrongTypes: { name: 42, organization: [] } },
  { type: 'IssueCreated', valid: { issueId: 'i-1', title: 'Flaky test' }, wrongTypes: { issueId: 1, title: null } },
  { type: 'IssueClosed', valid: { issueId: 'i-1' }, wrongTypes: { issueId: true } },
  { type: 'IssueReopened', valid: { issueId: 'i-1' }, wrongTypes: { issueId: {} } },
  {
    type: 'CommitPushed',
    valid: { userName: 'ada', additions: 10, deletions: 0 },
    wrongTypes: { userName: 7, additions: '10', deletions: 1.5 },
  },
];

const registry = new EventTypeRegistry();
for (const [type, schema] of Object.entries(repositoryEventSchemas)) registry.register(type, schema);

const pathsOf = (result: ValidationResult): string[] => (result.ok ? [] : result.issues.map((i) => i.path));
const without = (data: Record<string, unknown>, field: string) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => key !== field));

describe('repository events', () => {
  it('has a case for every event type', () => {
    expect(cases.map((c) => c.type).sort()).toEqual([...repositoryEventTypes].sort());
  });

  describe.each(cases)('$type', ({ type, valid, wrongTypes }) => {
    it('accepts a valid payload', () => {
      expect(registry.validate(type, valid)).toEqual({ ok: true, data: valid });
    });

    it.each(Object.keys(valid))('rejects a missing %s', (field) => {
      expect(pathsOf(registry.validate(type, without(valid, field)))).toEqual([`data.${field}`]);
    });

    it.each(Object.entries(wrongTypes))('rejects a wrong-typed %s', (field, value) => {
      expect(pathsOf(registry.validate(type, { ...valid, [field]: value }))).toEqual([`data.${field}`]);
    });

    it('rejects an extra field', () => {
      expect(pathsOf(registry.validate(type, { ...valid, extra: 1 }))).toEqual(['data.extra']);
    });
  });

  it('trims names and rejects blank or oversized ones', () => {
    expect(registry.validate('ProjectStarted', { name: '  p  ', organization: 'o' })).toEqual({
      ok: true,
      data: { name: 'p', organization: 'o' },
    });
    expect(registry.validate('ProjectStarted', { name: '   ', organization: 'o' })).toEqual({
      ok: false,
      issues: [{ path: 'data.name', message: 'must not be blank' }],
    });
    expect(pathsOf(registry.validate('ProjectStarted', { name: 'n'.repeat(201), organization: 'o' }))).toEqual([
      'data.name',
    ]);
  });

  it('allows titles up to 500 characters', () => {
    expect(registry.validate('IssueCreated', { issueId: 'i', title: 't'.repeat(500) }).ok).toBe(true);
    expect(pathsOf(registry.validate('IssueCreated', { issueId: 'i', title: 't'.repeat(501) }))).toEqual([
      'data.title',
    ]);
  });

  it('rejects negative line counts', () => {
    expect(pathsOf(registry.validate('CommitPushed', { userName: 'ada', additions: -1, deletions: 0 }))).toEqual([
      'data.additions',
    ]);
  });
});
