import { SseParser } from './sse-parser';

describe('SseParser', () => {
  const wire = 'retry: 2000\n\nevent: projection\ndata: {"name":"CarView","position":7}\n\n: keep-alive\n\nevent: rebuild\ndata: {"id":"r1"}\n\n';

  it('reads every event whatever the chunking, with comments and retry lines ignored', () => {
    for (let size = 1; size <= wire.length; size++) {
      const parser = new SseParser();
      const messages = [];
      for (let i = 0; i < wire.length; i += size) messages.push(...parser.push(wire.slice(i, i + size)));
      expect(messages).toEqual([
        { event: 'projection', data: { name: 'CarView', position: 7 } },
        { event: 'rebuild', data: { id: 'r1' } },
      ]);
    }
  });

  it('joins multi-line data, accepts CRLF and CR line ends, and keeps non-JSON data as text', () => {
    const parser = new SseParser();
    expect(parser.push('event: node\r\ndata: {"a":\r\ndata: 1}\r\n\r')).toEqual([]);
    expect(parser.push('\ndata: plain\r\rdata:x\n\n')).toEqual([
      { event: 'node', data: { a: 1 } },
      { event: 'message', data: 'plain' },
      { event: 'message', data: 'x' },
    ]);
  });

  it('holds an incomplete event until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('event: node\ndata: {"id":1}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'node', data: { id: 1 } }]);
  });
});
