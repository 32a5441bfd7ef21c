import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ClusterNode, NODE_REGISTRY, NodeRegistry } from '@projectionist/cluster-nodes';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard';

/** Every node that has ever joined the deployment, with its role and whether its heartbeat is current. */
@ApiTags('admin: nodes')
@ApiBearerAuth()
@Controller('api/admin/nodes')
@UseGuards(AdminTokenGuard)
export class NodesController {
  constructor(@Inject(NODE_REGISTRY) private readonly registry: NodeRegistry) {}

  @Get()
  list(): Promise<ClusterNode[]> {
    return this.registry.list();
  }
}
