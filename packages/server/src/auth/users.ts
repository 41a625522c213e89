/** User rows and their API shape (spec app.md §2.1, §4.2). */
import { sql, type Kysely } from 'kysely';
import { toBool } from '../storage/dialect.js';
import type { Database, UsersTable } from '../storage/schema.js';
import { GROUP_ADMIN, groupNames, type GroupName } from './groups.js';

export interface UserRow {
  id: number;
  username: string;
  email: string | null;
  groups: number;
  must_change: boolean | number;
  last_login_at: string | null;
  created_at: string;
  password_hash: string;
  session_epoch: number;
}

export interface ApiUser {
  id: number;
  username: string;
  email: string | null;
  groups: GroupName[];
  mustChange: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

const COLUMNS = [
  'id',
  'username',
  'email',
  'groups',
  'must_change',
  'last_login_at',
  'created_at',
  'password_hash',
  'session_epoch',
] as const satisfies readonly (keyof UsersTable)[];

const normalise = (row: UserRow): UserRow => ({
  ...row,
  id: Number(row.id),
  groups: Number(row.groups),
  session_epoch: Number(row.session_epoch),
});

export const toApiUser = (row: UserRow): ApiUser => ({
  id: row.id,
  username: row.username,
  email: row.email,
  groups: groupNames(row.groups),
  mustChange: toBool(row.must_change),
  lastLoginAt: row.last_login_at,
  createdAt: row.created_at,
});

export async function userById(db: Kysely<Database>, id: number): Promise<UserRow | null> {
  const row = await db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? normalise(row) : null;
}

export async function userByName(db: Kysely<Database>, username: string): Promise<UserRow | null> {
  const row = await db
    .selectFrom('users')
    .select(COLUMNS)
    .where('username_lower', '=', username.toLowerCase())
    .executeTakeFirst();
  return row ? normalise(row) : null;
}

export async function listUsers(db: Kysely<Database>): Promise<UserRow[]> {
  const rows = await db.selectFrom('users').select(COLUMNS).orderBy('username_lower').execute();
  return rows.map(normalise);
}

/** Admins other than `exceptId`: deleting or demoting the last admin is refused (§4.3). */
export async function countOtherAdmins(db: Kysely<Database>, exceptId: number): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(sql<boolean>`(${sql.ref('groups')} & ${GROUP_ADMIN}) <> 0`)
    .where('id', '<>', exceptId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function emailTaken(db: Kysely<Database>, email: string, exceptId = 0): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .where('id', '<>', exceptId)
    .executeTakeFirst();
  return row !== undefined;
}

/** A unique-constraint violation on either database (a concurrent insert won the race). */
export const isUniqueViolation = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string };
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint/.test(e.message ?? '')
  );
};
