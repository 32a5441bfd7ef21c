import { envelopeProblems, isRebuildMessage, rebuildMessage, topologyFor } from './index';

describe('messaging contracts', () => {
  it('derives every name from the namespace', () => {
    const t = topologyFor('staging');
    expect([t.coordinatorCommands, t.controlExchange, t.eventsExchange, t.coordinatorEvents, t.controlQueueOf('w-1')]).toEqual([
      'staging.coordinator.commands',
      'staging.control',
      'staging.events',
      'staging.coordinator.events',
      'staging.control.w-1',
    ]);
  });

  it('names each invalid envelope field', () => {
    expect(envelopeProblems({ type: 'RequestRebuild', version: 1, messageId: 'm', sentAt: 't', sender: 's', payload: {} })).toEqual([]);
    expect(envelopeProblems({ type: '', version: 0 }).map((p) => p.field)).toEqual(['type', 'messageId', 'sentAt', 'sender', 'version', 'payload']);
    expect(envelopeProblems('x')).toEqual([{ field: '(message)', message: 'must be a JSON object' }]);
  });

  it('carries the rebuild mode in the request and start messages', () => {
    const start = rebuildMessage('StartRebuild', { runId: 'r-1', projection: 'CarView', mode: 'blocking' }, 'coordinator-1');
    const received = JSON.parse(JSON.stringify(start));
    expect(isRebuildMessage(received, 'StartRebuild') && received.payload.mode).toBe('blocking');
    expect(rebuildMessage('RequestRebuild', { runId: 'r-1', projection: 'CarView', mode: 'blocking' }, 'gateway-1').payload).toMatchObject({ mode: 'blocking' });
  });
});
