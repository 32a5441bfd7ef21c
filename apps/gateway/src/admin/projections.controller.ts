import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard';
import { ProjectionsReader } from './projections-reader';

@ApiTags('admin: projections')
@ApiBearerAuth()
@Controller('api/admin/projections')
@UseGuards(AdminTokenGuard)
export class AdminProjectionsController {
  constructor(private readonly projections: ProjectionsReader) {}

  @Get()
  list() {
    return this.projections.list();
  }
}
