import { z } from 'zod';
import { countField, idField, nameField, titleField } from '../event-schema/payload-fields';
import { EventUnion, eventTypesOf } from '../event-schema/event-union';

/** Streams are `project-<uuid>`: one stream per tracked repository. */
export const repositoryStreamCategory = 'project';

export const projectStartedSchema = z.strictObject({ name: nameField, organization: nameField });
export const issueCreatedSchema = z.strictObject({ issueId: idField, title: titleField });
export const issueClosedSchema = z.strictObject({ issueId: idField });
export const issueReopenedSchema = z.strictObject({ issueId: idField });

/** Current shape (schema version 2); see commitPushedV1Schema for what older events hold. */
export const commitPushedSchema = z.strictObject({
  userName: nameField,
  additions: countField,
  deletions: countField,
});

/** Schema version 1 of CommitPushed, kept so the upcaster's input is documented and typed. */
export const commitPushedV1Schema = z.strictObject({
  userName: nameField,
  linesAdded: countField,
  linesRemoved: countField,
});

/** The schema version CommitPushed is written with today. */
export const COMMIT_PUSHED_SCHEMA_VERSION = 2;

export type ProjectStarted = z.output<typeof projectStartedSchema>;
export type IssueCreated = z.output<typeof issueCreatedSchema>;
export type IssueClosed = z.output<typeof issueClosedSchema>;
export type IssueReopened = z.output<typeof issueReopenedSchema>;
export type CommitPushed = z.output<typeof commitPushedSchema>;
export type CommitPushedV1 = z.output<typeof commitPushedV1Schema>;

export const repositoryEventSchemas = {
  ProjectStarted: projectStartedSchema,
  IssueCreated: issueCreatedSchema,
  IssueClosed: issueClosedSchema,
  IssueReopened: issueReopenedSchema,
  CommitPushed: commitPushedSchema,
} as const;

export type RepositoryEvent = EventUnion<typeof repositoryEventSchemas>;
export type RepositoryEventType = RepositoryEvent['type'];
export const repositoryEventTypes = eventTypesOf(repositoryEventSchemas);
