/** TypeBox schemas shared by the account, user and token routes (spec app.md §4.2, §4.3). */
import { Type, type Static } from 'typebox';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const GroupSchema = Type.Union([Type.Literal('admin'), Type.Literal('media'), Type.Literal('user')]);

/** app.md §2.1: 1–32 characters, `[A-Za-z0-9][A-Za-z0-9._@-]*`. */
export const UsernameSchema = Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$',
});
/** app.md §1: e-mail ≤ 256 characters; only the shape of an address is checked. */
export const EmailSchema = Type.String({ minLength: 3, maxLength: 256, pattern: '^[^\\s@]+@[^\\s@]+$' });
/** Length is the policy's to judge (§3.2), so its 400 names the field with a clear sentence. */
export const PasswordSchema = Type.String({ maxLength: 1024 });

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: nullable(Type.String()),
  groups: Type.Array(GroupSchema),
  mustChange: Type.Boolean(),
  lastLoginAt: nullable(Type.String()),
  createdAt: Type.String(),
});
export type User = Static<typeof UserSchema>;

export const SessionInfoSchema = Type.Object({
  user: nullable(UserSchema),
  permissions: Type.Object({ media: Type.Boolean(), admin: Type.Boolean() }),
  mustChange: Type.Boolean(),
  csrfToken: Type.String(),
});
export type SessionInfo = Static<typeof SessionInfoSchema>;

export const TokenInfoSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('access'), Type.Literal('upload')]),
  prefix: Type.String(),
  description: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  lastUsedAt: nullable(Type.String()),
  username: Type.Optional(Type.String()),
});
export type TokenInfo = Static<typeof TokenInfoSchema>;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** `GET /api/play/{mode}/{stream}/{manifest}` (app.md §4.6): plain strings, so a bad one is a 404. */
export const PlayParams = Type.Object(
  { mode: Type.String(), stream: Type.String(), manifest: Type.String() },
  { additionalProperties: false },
);
export type PlayParams = Static<typeof PlayParams>;

/** The page's option query: unknown parameters are ignored (app.md §4.1, dash.md §3.2). */
export const PlayQuery = Type.Object({}, { additionalProperties: true });

const PlayModeSchema = Type.Union([
  Type.Literal('live'),
  Type.Literal('vod'),
  Type.Literal('odvod'),
  Type.Literal('mps-live'),
  Type.Literal('mps-vod'),
]);
const DrmSystemSchema = Type.Union([
  Type.Literal('clearkey'),
  Type.Literal('playready'),
  Type.Literal('marlin'),
  Type.Literal('widevine'),
]);

/**
 * `PlayInfo` (app.md §4.6). Serialised through this schema, so no undeclared property (a key
 * value above all, §3.8) can reach the page.
 */
export const PlayInfoSchema = Type.Object(
  {
    mode: PlayModeSchema,
    stream: Type.Object({
      kind: Type.Union([Type.Literal('stream'), Type.Literal('mps')]),
      name: Type.String(),
      title: Type.String(),
    }),
    manifest: Type.Object({ name: Type.String(), title: Type.String() }),
    mpdUrl: Type.String(),
    options: Type.Record(Type.String(), Type.Unknown()),
    player: Type.Object({
      name: Type.Union([Type.Literal('native'), Type.Literal('dashjs'), Type.Literal('shaka')]),
      version: Type.String(),
    }),
    textPreference: nullable(Type.String()),
    drm: Type.Array(Type.Object({ system: DrmSystemSchema, laUrl: nullable(Type.String()) })),
    tracks: Type.Array(
      Type.Object({
        periodId: Type.String(),
        id: Type.String(),
        contentType: Type.String(),
        codecs: Type.String(),
        lang: nullable(Type.String()),
        role: nullable(Type.String()),
        encrypted: Type.Boolean(),
        defaultKid: nullable(Type.String()),
      }),
    ),
  },
  { additionalProperties: false },
);
export type PlayInfo = Static<typeof PlayInfoSchema>;
export type PlayMode = PlayInfo['mode'];
