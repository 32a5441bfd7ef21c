import type { RepositoryEvent } from '@projectionist/domain-events';
import { Decider } from './decider';
import { DomainRejection } from './domain-rejection';

export interface ProjectState {
  readonly exists: boolean;
  readonly openIssues: ReadonlySet<string>;
  readonly closedIssues: ReadonlySet<string>;
}

export type ProjectCommand =
  | { readonly kind: 'StartProject'; readonly name: string; readonly organization: string }
  | { readonly kind: 'CreateIssue'; readonly issueId: string; readonly title: string }
  | { readonly kind: 'CloseIssue'; readonly issueId: string }
  | { readonly kind: 'ReopenIssue'; readonly issueId: string }
  | { readonly kind: 'PushCommit'; readonly userName: string; readonly additions: number; readonly deletions: number };

/** The repository-tracking project: issues open and close, commits are pushed. */
export const projectDecider: Decider<ProjectState, ProjectCommand, RepositoryEvent> = {
  initialState: { exists: false, openIssues: new Set(), closedIssues: new Set() },
  evolve(state, event) {
    const data = event.data as { issueId?: string };
    switch (event.type) {
      case 'ProjectStarted':
        return { ...state, exists: true };
      case 'IssueCreated':
      case 'IssueReopened':
        return { ...state, openIssues: new Set([...state.openIssues, data.issueId as string]), closedIssues: without(state.closedIssues, data.issueId) };
      case 'IssueClosed':
        return { ...state, openIssues: without(state.openIssues, data.issueId), closedIssues: new Set([...state.closedIssues, data.issueId as string]) };
      default:
        return state;
    }
  },
  decide(command, state) {
    if (command.kind === 'StartProject') {
      if (state.exists) throw new DomainRejection('ALREADY_EXISTS', 'The project already exists');
      return [{ type: 'ProjectStarted', data: { name: command.name, organization: command.organization } }];
    }
    if (!state.exists) throw new DomainRejection('NOT_FOUND', 'No such project');
    switch (command.kind) {
      case 'CreateIssue':
        if (state.openIssues.has(command.issueId) || state.closedIssues.has(command.issueId)) {
          throw new DomainRejection('ALREADY_EXISTS', `Issue ${command.issueId} already exists`);
        }
        return [{ type: 'IssueCreated', data: { issueId: command.issueId, title: command.title } }];
      case 'CloseIssue':
        if (!state.openIssues.has(command.issueId)) throw issueProblem(state, command.issueId, 'open');
        return [{ type: 'IssueClosed', data: { issueId: command.issueId } }];
      case 'ReopenIssue':
        if (!state.closedIssues.has(command.issueId)) throw issueProblem(state, command.issueId, 'closed');
        return [{ type: 'IssueReopened', data: { issueId: command.issueId } }];
      case 'PushCommit':
        return [{ type: 'CommitPushed', data: { userName: command.userName, additions: command.additions, deletions: command.deletions } }];
    }
  },
};

function without(set: ReadonlySet<string>, value: string | undefined): Set<string> {
  const next = new Set(set);
  if (value !== undefined) next.delete(value);
  return next;
}

function issueProblem(state: ProjectState, issueId: string, expected: 'open' | 'closed'): DomainRejection {
  const known = state.openIssues.has(issueId) || state.closedIssues.has(issueId);
  return known
    ? new DomainRejection('INVALID_STATE', `Issue ${issueId} is not ${expected}`)
    : new DomainRejection('NOT_FOUND', `No issue ${issueId} in this project`);
}
