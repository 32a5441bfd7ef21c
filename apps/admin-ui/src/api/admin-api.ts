import type { ApiErrorBody, NodeItem, ProjectionItem, ReactorDeadLetterItem, ReactorItem, RebuildMode, RebuildRunItem } from './admin-types';

/** A gateway answer other than 2xx, with its status and stable error code. */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(describeError(status, body));
    this.name = 'AdminApiError';
  }
}

export function describeError(status: number, body: ApiErrorBody): string {
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  return `${status}${body.error ? ` ${body.error}` : ''}${message ? `: ${message}` : ''}`;
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The gateway's admin API and command endpoints as the UI uses them. The token travels in the
 * Authorization header only (never in a URL, where logs and history would keep it).
 */
export class AdminApi {
  constructor(
    private readonly token: string,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
    private readonly baseUrl = '',
  ) {}

  projections(): Promise<ProjectionItem[]> {
    return this.request('GET', '/api/admin/projections');
  }

  rebuilds(): Promise<RebuildRunItem[]> {
    return this.request('GET', '/api/admin/rebuilds');
  }

  rebuild(id: string): Promise<RebuildRunItem> {
    return this.request('GET', `/api/admin/rebuilds/${encodeURIComponent(id)}`);
  }

  nodes(): Promise<NodeItem[]> {
    return this.request('GET', '/api/admin/nodes');
  }

  reactors(): Promise<ReactorItem[]> {
    return this.request('GET', '/api/admin/reactors');
  }

  reactorDeadLetters(name: string): Promise<ReactorDeadLetterItem[]> {
    return this.request('GET', `/api/admin/reactors/${encodeURIComponent(name)}/dead-letters`);
  }

  /** `partitions` (online only) splits the build over the workers; 1, the default, is not sent. */
  startRebuild(projection: string, mode: RebuildMode = 'blocking', partitions = 1): Promise<{ rebuildId: string }> {
    return this.request('POST', `/api/admin/projections/${encodeURIComponent(projection)}/rebuilds`, { mode, ...(partitions > 1 && { partitions }) });
  }

  /** Switches the projection's readers back to the table its last online rebuild replaced. */
  rollback(projection: string): Promise<{ projection: string; worker: string; pauseMs: number }> {
    return this.request('POST', `/api/admin/projections/${encodeURIComponent(projection)}/rollback`, {});
  }

  cancelRebuild(id: string): Promise<{ rebuildId: string; cancelling: boolean }> {
    return this.request('DELETE', `/api/admin/rebuilds/${encodeURIComponent(id)}`);
  }

  /** A domain command (e.g. POST /api/customers): goes through the write-guard like any client's. */
  command<T = { streamId: string; version: number; position: number }>(path: string, body: object): Promise<T> {
    return this.request('POST', path, body);
  }

  /** Opens GET /api/admin/stream; the caller reads the body as server-sent events. */
  async openStream(signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const response = await this.fetchImpl(this.baseUrl + '/api/admin/stream', { headers: this.headers({ Accept: 'text/event-stream' }), signal });
    if (!response.ok || !response.body) throw await toError(response);
    return response.body;
  }

  private async request<T>(method: string, path: string, body?: object): Promise<T> {
    const init: RequestInit = {
      method,
      headers: this.headers(body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    };
    const response = await this.fetchImpl(this.baseUrl + path, init);
    if (!response.ok) throw await toError(response);
    return (await response.json()) as T;
  }

  private headers(extra: Record<string, string>): Record<string, string> {
    return { Accept: 'application/json', Authorization: `Bearer ${this.token}`, ...extra };
  }
}

async function toError(response: Response): Promise<AdminApiError> {
  let body: ApiErrorBody;
  try {
    body = (await response.json()) as ApiErrorBody;
  } catch {
    body = { message: response.statusText || 'no JSON body' };
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new AdminApiError(response.status, body, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}
