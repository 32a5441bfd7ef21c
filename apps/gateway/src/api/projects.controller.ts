import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandResult, handleCommand, ProjectCommand, projectDecider } from '@projectionist/domain-commands';
import { EVENT_STORE, EventStore } from '@projectionist/event-store';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createIssueBody, emptyBody, idSchema, pushCommitBody, startProjectBody } from './api-schemas';
import { ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../docs/api-zod-body.decorator';
import { Produces } from '../write-guard/produces.decorator';
import { ReadModels } from './read-models.service';
import { ZodValidationPipe } from './zod-validation.pipe';

const id = new ZodValidationPipe(idSchema);

@ApiTags('projects (repository tracking)')
@Controller('api/projects')
export class ProjectsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly reads: ReadModels,
  ) {}

  @Post()
  @Produces('ProjectStarted')
  @ApiZodBody(startProjectBody)
  start(@Body(new ZodValidationPipe(startProjectBody)) body: z.infer<typeof startProjectBody>): Promise<CommandResult> {
    return this.run(body.id ?? randomUUID(), { kind: 'StartProject', name: body.name, organization: body.organization });
  }

  @Post(':id/issues')
  @Produces('IssueCreated')
  @ApiZodBody(createIssueBody)
  createIssue(@Param('id', id) projectId: string, @Body(new ZodValidationPipe(createIssueBody)) body: z.infer<typeof createIssueBody>) {
    return this.run(projectId, { kind: 'CreateIssue', issueId: body.issueId ?? randomUUID(), title: body.title });
  }

  @Post(':id/issues/:issueId/close')
  @Produces('IssueClosed')
  @ApiZodBody(emptyBody)
  @HttpCode(200)
  close(@Param('id', id) projectId: string, @Param('issueId', id) issueId: string, @Body(new ZodValidationPipe(emptyBody)) _: unknown) {
    return this.run(projectId, { kind: 'CloseIssue', issueId });
  }

  @Post(':id/issues/:issueId/reopen')
  @Produces('IssueReopened')
  @ApiZodBody(emptyBody)
  @HttpCode(200)
  reopen(@Param('id', id) projectId: string, @Param('issueId', id) issueId: string, @Body(new ZodValidationPipe(emptyBody)) _: unknown) {
    return this.run(projectId, { kind: 'ReopenIssue', issueId });
  }

  @Post(':id/commits')
  @Produces('CommitPushed')
  @ApiZodBody(pushCommitBody)
  commit(@Param('id', id) projectId: string, @Body(new ZodValidationPipe(pushCommitBody)) body: z.infer<typeof pushCommitBody>) {
    return this.run(projectId, { kind: 'PushCommit', ...body });
  }

  @Get(':id')
  async get(@Param('id', id) projectId: string, @Query('minPosition') minPosition?: string, @Headers('x-min-position') header?: string) {
    await this.reads.whenApplied('ActiveProject', minPosition ?? header);
    return this.reads.one('active_project', `project-${projectId}`);
  }

  private run(projectId: string, command: ProjectCommand): Promise<CommandResult> {
    return handleCommand(this.store, `project-${projectId}`, projectDecider, command);
  }
}
