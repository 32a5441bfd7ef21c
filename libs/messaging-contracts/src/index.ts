export { envelopeProblems } from './message-envelope';
export type { MessageEnvelope, EnvelopeProblem } from './message-envelope';
export { topologyFor } from './topology';
export type { Topology } from './topology';
export { rebuildMessage, isRebuildMessage, REBUILD_MESSAGE_VERSION, REBUILD_MESSAGE_ROUTES } from './rebuild-messages';
export type { RebuildMessages, RebuildMessageType, MessageRoute } from './rebuild-messages';
export { agentMessage, isAgentMessage, AGENT_MESSAGE_VERSION } from './agent-messages';
export type { AgentMessages, AgentMessageType } from './agent-messages';
