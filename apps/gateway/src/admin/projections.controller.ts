import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { ProjectionsReader } from './projections-reader';

@Controller('api/admin/projections')
@UseGuards(AdminTokenGuard)
export class AdminProjectionsController {
  constructor(private readonly projections: ProjectionsReader) {}

  @Get()
  list() {
    return this.projections.list();
  }
}
