import { BadRequestException, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@projectionist/config';
import { EVENT_STORE, EVENT_STORE_POOL, EventStore, quoteIdentifier } from '@projectionist/event-store';
import { ProjectionWatermark } from '@projectionist/projection-daemon';
import { Pool } from 'pg';

const MIN_POSITION_TIMEOUT_MS = 5_000;
const UNDEFINED_TABLE = '42P01';

/** Reads documents from the projections' stable views, optionally after they applied a position. */
@Injectable()
export class ReadModels {
  private readonly watermark: ProjectionWatermark;
  private readonly schema: string;

  constructor(
    @Inject(EVENT_STORE_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.watermark = new ProjectionWatermark(pool, store, config.namespace);
    this.schema = quoteIdentifier(config.namespace);
  }

  /** `?minPosition=N` or `X-Min-Position: N`: wait (bounded) until the projection has applied N. */
  async whenApplied(projection: string, minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined || minPosition === '') return;
    if (!/^\d{1,15}$/.test(minPosition)) {
      throw new BadRequestException({ statusCode: 400, error: 'VALIDATION_FAILED', message: 'minPosition: must be a non-negative integer' });
    }
    await this.watermark.waitFor(projection, Number(minPosition), MIN_POSITION_TIMEOUT_MS);
  }

  async one(view: string, id: string): Promise<object> {
    const { rows } = await this.query(view, `SELECT data FROM ${this.schema}.${quoteIdentifier(view)} WHERE id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundException({ statusCode: 404, error: 'NOT_FOUND', message: `No ${id} in ${view}` });
    return rows[0].data;
  }

  async cars(limit: number, offset: number): Promise<object[]> {
    const { rows } = await this.query(
      'car_view',
      `SELECT data FROM ${this.schema}.car_view WHERE data->>'docType' = 'car' ORDER BY id LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map((r) => r.data);
  }

  /** A view exists once a worker has started its projection; before that, 503 rather than 500. */
  private async query(view: string, sql: string, values: unknown[]): Promise<{ rows: { data: object }[] }> {
    try {
      return await this.pool.query(sql, values);
    } catch (error) {
      if ((error as { code?: string }).code !== UNDEFINED_TABLE) throw error;
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'PROJECTION_NOT_READY',
        message: `${view} does not exist yet: no projector-worker has started it`,
        retryAfterSeconds: 5,
      });
    }
  }
}
