/** One server-sent event as the admin stream sends it: a name and its JSON payload. */
export interface StreamMessage {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Pure, incremental parser of the server-sent events wire format: text arrives in chunks that
 * may split a line or an event anywhere; `push` returns the events completed by this chunk.
 * EventSource itself cannot send an Authorization header, hence a parser of our own over fetch.
 */
export class SseParser {
  private buffer = '';
  private event = 'message';
  private data: string[] = [];

  push(chunk: string): StreamMessage[] {
    this.buffer += chunk;
    const messages: StreamMessage[] = [];
    let newline: number;
    while ((newline = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      // A lone '\r' at the end of a chunk may be the first half of '\r\n': wait for more.
      if (width === 1 && this.buffer[newline] === '\r' && newline === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(newline + width);
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): StreamMessage | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    return undefined;
  }

  private dispatch(): StreamMessage | undefined {
    const [event, data] = [this.event, this.data.join('\n')];
    this.event = 'message';
    this.data = [];
    if (data === '') return undefined;
    try {
      return { event, data: JSON.parse(data) };
    } catch {
      return { event, data };
    }
  }
}
