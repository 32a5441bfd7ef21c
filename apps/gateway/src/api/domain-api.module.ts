import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApiExceptionFilter } from './api-exception.filter';
import { CarsController, CustomersController } from './dealership.controller';
import { GroupCheckoutsController, StaysController } from './hotel.controller';
import { ProjectsController } from './projects.controller';
import { ReadModels } from './read-models.service';

/** The sample domains over HTTP: commands return `{ streamId, version, position }`, reads take `minPosition`. */
@Module({
  controllers: [ProjectsController, CustomersController, CarsController, StaysController, GroupCheckoutsController],
  providers: [ReadModels, { provide: APP_FILTER, useClass: ApiExceptionFilter }],
})
export class DomainApiModule {}
