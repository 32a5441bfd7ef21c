import { createHash } from 'node:crypto';

/** The namespace is validated by the config (lowercase identifier), quoting is a second line of defence. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The NOTIFY channel on which appends to a namespace are announced. */
export function feedChannel(namespace: string): string {
  return `${namespace}_events`;
}

/**
 * A prepared-statement name derived from the SQL, so the same text always reuses one plan and
 * different texts (other schemas, other filters) never collide within Postgres' 63-byte limit.
 */
export function statementName(sql: string): string {
  return `ps_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
}
