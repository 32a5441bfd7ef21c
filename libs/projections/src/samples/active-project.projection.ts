import type { CommitPushed, ProjectStarted } from '@projectionist/domain-events';
import { singleStreamProjection } from '../documents/single-stream';

export interface ActiveProject {
  readonly projectName: string;
  readonly organizationName: string;
  readonly linesOfCode: number;
  readonly openIssueCount: number;
  /** Unique user names, sorted. */
  readonly contributors: readonly string[];
}

const EMPTY: ActiveProject = { projectName: '', organizationName: '', linesOfCode: 0, openIssueCount: 0, contributors: [] };

/** One document per project stream (the repository-tracking sample of Marten's daemon). */
export const activeProjectProjection = singleStreamProjection<ActiveProject>({
  name: 'ActiveProject',
  version: 1,
  eventTypes: ['ProjectStarted', 'IssueCreated', 'IssueClosed', 'IssueReopened', 'CommitPushed'],
  // Plain object literals rather than spreads: this fold runs once per event in a rebuild.
  evolve: (doc = EMPTY, event) => {
    switch (event.type) {
      case 'ProjectStarted': {
        const data = event.data as ProjectStarted;
        return with_(doc, { projectName: data.name, organizationName: data.organization });
      }
      case 'IssueCreated':
      case 'IssueReopened':
        return with_(doc, { openIssueCount: doc.openIssueCount + 1 });
      case 'IssueClosed':
        return with_(doc, { openIssueCount: doc.openIssueCount - 1 });
      case 'CommitPushed': {
        const data = event.data as CommitPushed;
        return with_(doc, {
          linesOfCode: doc.linesOfCode + data.additions - data.deletions,
          contributors: withContributor(doc.contributors, data.userName),
        });
      }
      default:
        return doc;
    }
  },
});

/** The sorted list with `name` in it: a binary search, since most commits come from known contributors. */
function withContributor(sorted: readonly string[], name: string): readonly string[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < name) low = middle + 1;
    else high = middle;
  }
  if (sorted[low] === name) return sorted;
  // One new array, filled in place: spreading slices would allocate three and iterate them.
  const next = new Array<string>(sorted.length + 1);
  for (let i = 0; i < low; i++) next[i] = sorted[i];
  next[low] = name;
  for (let i = low; i < sorted.length; i++) next[i + 1] = sorted[i];
  return next;
}

function with_(doc: ActiveProject, change: Partial<ActiveProject>): ActiveProject {
  return {
    projectName: change.projectName ?? doc.projectName,
    organizationName: change.organizationName ?? doc.organizationName,
    linesOfCode: change.linesOfCode ?? doc.linesOfCode,
    openIssueCount: change.openIssueCount ?? doc.openIssueCount,
    contributors: change.contributors ?? doc.contributors,
  };
}
