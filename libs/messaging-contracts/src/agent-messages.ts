import { randomUUID } from 'node:crypto';
import { MessageEnvelope } from './message-envelope';

/** Version 1 of the agent messages; a node refuses versions it does not know. */
export const AGENT_MESSAGE_VERSION = 1;

/**
 * Coordinator leader → one worker's control queue (`sendControl(nodeId, …)`). `agent` names a
 * projection at one version, `CarView@2`. A start is a request, not a grant: the worker runs the
 * agent only once it has claimed the projection's lease, waiting up to one lease time for the
 * previous holder to release it or to expire.
 */
export interface AgentMessages {
  StartAgent: { agent: string };
  /** Stop the agent, commit what it applied, and release its lease. */
  StopAgent: { agent: string };
}

export type AgentMessageType = keyof AgentMessages;

export function agentMessage<T extends AgentMessageType>(type: T, payload: AgentMessages[T], sender: string): MessageEnvelope<T, AgentMessages[T]> {
  return { type, version: AGENT_MESSAGE_VERSION, messageId: randomUUID(), sentAt: new Date().toISOString(), sender, payload };
}

/** Narrows an envelope to a known agent message of the current version. */
export function isAgentMessage<T extends AgentMessageType>(message: MessageEnvelope, type: T): message is MessageEnvelope<T, AgentMessages[T]> {
  const payload = message.payload as { agent?: unknown } | null;
  return message.type === type && message.version === AGENT_MESSAGE_VERSION && typeof payload?.agent === 'string';
}
