import { EntitySchema, EntitySchemaColumnOptions } from 'typeorm';
import { FlatTableDefinition } from '../model/projection-definition';

const SQL_TYPES: Record<string, string> = {
  text: 'text',
  varchar: 'text',
  int: 'integer',
  integer: 'integer',
  bigint: 'bigint',
  uuid: 'uuid',
  jsonb: 'jsonb',
  timestamptz: 'timestamptz',
  boolean: 'boolean',
  'double precision': 'double precision',
};

/**
 * A flat table's columns read from its TypeORM EntitySchema, so the table is declared once and
 * the same schema serves TypeORM repositories in read code (`entityFor(tableName)`).
 */
export function flatTable(entityFor: (tableName: string) => EntitySchema): FlatTableDefinition {
  const columns = Object.entries(entityFor('probe').options.columns).map(([name, raw]) => {
    const column = raw as EntitySchemaColumnOptions;
    const type = String(column.type);
    const sqlType = SQL_TYPES[type];
    if (!sqlType) throw new TypeError(`Flat table column "${name}" has type "${type}"; supported: ${Object.keys(SQL_TYPES).join(', ')}`);
    return { name: column.name ?? name, sqlType, primary: column.primary === true, nullable: column.nullable === true };
  });
  if (!columns.some((c) => c.primary)) throw new TypeError('A flat table needs at least one primary column');
  return { columns, entityFor };
}
