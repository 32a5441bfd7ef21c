export { CreateClusterNodes1732000000003, CLUSTER_NODES_MIGRATIONS } from './migrations';
export { nodeStatus } from './registry/node-status';
export type { NodeStatus } from './registry/node-status';
export { NodeRegistry } from './registry/node-registry';
export type { ClusterNode, NodeDescription, NodeRegistryOptions } from './registry/node-registry';
export { NodeRegistryModule, NODE_REGISTRY } from './nest/node-registry.module';
export type { NodeRegistryModuleOptions } from './nest/node-registry.module';
export { agentKey, parseAgentKey, plan } from './assignment/agent-plan';
export type { AgentCommand, AgentHealth, AgentKey, Placement, PlanAgent, PlanNode, PlanOptions } from './assignment/agent-plan';
