import { QueryRunner } from 'typeorm';
import { quoteIdentifier, quoteLiteral } from '../postgres/identifiers';

/** The namespace schema a migration runs in, quoted for SQL. */
export function schemaOf(queryRunner: QueryRunner): { q: string; literal: string } {
  const schema = (queryRunner.connection.options as { schema?: string }).schema;
  if (!schema) throw new Error('Event store migrations need the DataSource option "schema" (the namespace).');
  return { q: quoteIdentifier(schema), literal: quoteLiteral(schema) };
}
