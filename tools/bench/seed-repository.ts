import { Pool } from 'pg';

/**
 * Seeds `total` repository events over `streams` project streams with set-based INSERTs in
 * transactions of 10,000: each stream starts with ProjectStarted, then a mix of commits and
 * issues being created, closed and reopened.
 */
export async function seedRepositoryEvents(pool: Pool, namespace: string, total: number, streams: number): Promise<void> {
  const started = Date.now();
  for (let done = 0; done < total; done += 10_000) {
    await pool.query(
      `INSERT INTO "${namespace}".events (stream_id, stream_version, category, event_id, type, data, metadata)
       SELECT 'project-' || s, v, 'project', gen_random_uuid(), t,
              CASE t
                WHEN 'ProjectStarted' THEN jsonb_build_object('name', 'Project ' || s, 'organization', 'org-' || (s % 50))
                WHEN 'CommitPushed' THEN jsonb_build_object('userName', 'user-' || (i % 97), 'additions', i % 50, 'deletions', i % 7)
                ELSE jsonb_build_object('issueId', 'issue-' || (v / 4))
              END, '{"schemaVersion": 2}'
         FROM (SELECT i, i % $3 AS s, i / $3 + 1 AS v,
                      CASE WHEN i / $3 = 0 THEN 'ProjectStarted'
                           WHEN i % 4 = 0 THEN 'IssueCreated' WHEN i % 4 = 1 THEN 'IssueClosed'
                           WHEN i % 16 = 2 THEN 'IssueReopened' ELSE 'CommitPushed' END AS t
                 FROM generate_series($1::bigint, $2::bigint) AS i) AS g`,
      [done, Math.min(total, done + 10_000) - 1, streams],
    );
  }
  await pool.query(`VACUUM ANALYZE "${namespace}".events`);
  console.log(`seeded ${total} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
