/**
 * The few places where SQLite and PostgreSQL differ (spec app.md §2, stack.md §3.2), in one file:
 * column types for migrations and the conversions applied to values read back.
 */
import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';

type DataTypeExpression = ColumnDataType;

export type DialectKind = 'sqlite' | 'postgres';

export interface ColumnTypes {
  /** Surrogate primary keys. */
  id: (col: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  bigint: DataTypeExpression;
  boolean: DataTypeExpression;
  json: DataTypeExpression;
  timestamp: DataTypeExpression;
}

export function columnTypes(kind: DialectKind): ColumnTypes {
  if (kind === 'sqlite') {
    return {
      id: (col) => col.primaryKey().autoIncrement(),
      bigint: 'integer',
      boolean: 'integer',
      json: 'text',
      timestamp: 'text',
    };
  }
  return {
    id: (col) => col.primaryKey().generatedByDefaultAsIdentity(),
    bigint: 'bigint',
    boolean: 'boolean',
    json: 'jsonb',
    timestamp: 'timestamptz',
  };
}

/** The value written to a boolean column on either database. */
export const dbBool = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** SQLite returns booleans as 0/1. */
export const toBool = (value: boolean | number | null | undefined): boolean => value === true || value === 1;

/** SQLite returns JSON columns as text, PostgreSQL's driver parses jsonb. */
export function fromJson<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export const nowIso = (): string => new Date().toISOString();
