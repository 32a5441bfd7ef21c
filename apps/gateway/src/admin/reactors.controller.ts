import { Controller, Get, NotFoundException, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReactorStatusReader } from '@projectionist/reactors';
import { AdminTokenGuard } from './admin-token.guard';

@ApiTags('admin: reactors')
@ApiBearerAuth()
@Controller('api/admin/reactors')
@UseGuards(AdminTokenGuard)
export class AdminReactorsController {
  constructor(private readonly reactors: ReactorStatusReader) {}

  /** Each reactor's state, node, position, lag and dead-letter count. */
  @Get()
  list() {
    return this.reactors.list();
  }

  /** The events a reactor gave up on, with the error and the attempts made. */
  @Get(':name/dead-letters')
  async deadLetters(@Param('name') name: string) {
    const letters = await this.reactors.deadLetters(name);
    if (!letters) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No reactor named ${name}` });
    return letters;
  }
}
