import { JsonLogger } from './json-logger';

describe('JsonLogger', () => {
  const capture = (level: 'debug' | 'info' | 'warn' | 'error') => {
    const lines: Record<string, unknown>[] = [];
    const logger = new JsonLogger({ app: 'gateway', nodeId: 'gw-1', level, write: (l) => lines.push(JSON.parse(l)) });
    return { logger, lines };
  };

  it('writes one JSON object per line with app, node and context', () => {
    const { logger, lines } = capture('info');
    logger.log('started', 'Bootstrap');
    expect(lines).toEqual([expect.objectContaining({ level: 'info', app: 'gateway', node: 'gw-1', context: 'Bootstrap', msg: 'started' })]);
  });

  it('merges structured fields and drops levels below the threshold', () => {
    const { logger, lines } = capture('warn');
    logger.log('hidden');
    logger.warn({ msg: 'slow', projection: 'CarView', lagMs: 1200 });
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'slow', projection: 'CarView', lagMs: 1200 })]);
  });

  it('keeps the stack of errors', () => {
    const { logger, lines } = capture('info');
    logger.error(new Error('boom'), 'Worker');
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'boom', context: 'Worker' });
    expect(lines[0].stack).toContain('Error: boom');
  });
});
