import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ProjectionStatusReader } from '@projectionist/projection-daemon/status';
import { AdminTokenGuard } from './admin-token.guard';

@ApiTags('admin: projections')
@ApiBearerAuth()
@Controller('api/admin/projections')
@UseGuards(AdminTokenGuard)
export class AdminProjectionsController {
  constructor(private readonly projections: ProjectionStatusReader) {}

  @Get()
  list() {
    return this.projections.list();
  }
}
