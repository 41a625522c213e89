/**
 * `GET /api/validate/socket` (validator.md §8.2): the web validator's websocket. Registered inside
 * the API scope, so the login cookie identifies the user; the upgrade is refused unless `Origin` is
 * loopcast's own origin (app.md §3.5), when the node or client address holds its socket share, and
 * for visitors when `LOOPCAST_VALIDATOR_ANONYMOUS=false`.
 */
import websocket from '@fastify/websocket';
import { validate, xsdAvailable, type RunFetcher } from '@loopcast/dash';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isMedia } from '../auth/groups.js';
import { ownOrigin } from '../auth/csrf.js';
import { sessionUser } from '../auth/session.js';
import type { AppContext } from '../context.js';
import { ApiError, forbidden, loginRequired } from '../plugins/api-errors.js';
import type { ServerMessage } from './protocol.js';
import { attachValidatorSocket, type SocketDeps } from './run-socket.js';
import { ValidatorSlots } from './slots.js';
import { localEndpointOf, webFetcher } from './web-fetcher.js';
import { captureAndInstall, saveFieldErrors, type SaveRequest } from './save.js';

export const VALIDATE_SOCKET_PATH = '/api/validate/socket';

/** How long a client told `busy` should wait before trying again. */
const BUSY_RETRY_S = 10;

export function registerValidateRoutes(api: FastifyInstance, ctx: AppContext): void {
  // A schema without a tool to apply it is a start-up error of the web service (validator.md §4.1).
  if (ctx.settings.validatorSchema !== undefined && !xsdAvailable()) {
    throw new Error(
      'LOOPCAST_VALIDATOR_SCHEMA is set, but neither xmllint nor the optional npm package xmllint-wasm is installed to apply it',
    );
  }
  const slots = new ValidatorSlots(ctx.settings.validatorJobs);
  const clientOf = (request: FastifyRequest): string => request.ip;

  void api.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: 65536, perMessageDeflate: false } });
    // `wsHandler` rather than `websocket: true`, which would hide the route from the OpenAPI
    // document; a plain GET gets 426.
    scope.route({
      method: 'GET',
      url: VALIDATE_SOCKET_PATH,
      config: { permission: 'public' },
      schema: {
        summary: 'Web validator websocket (validator.md §8.2): upgrade, then JSON text frames',
        operationId: 'validateSocket',
        tags: ['validator'],
      },
      preValidation: (request, _reply, done) => {
        if (request.headers.origin !== ownOrigin(request, ctx.settings.publicUrl)) {
          throw forbidden("The validator's websocket accepts only pages of this site (Origin).");
        }
        const principal = request.auth.principal;
        if (!ctx.settings.validatorAnonymous && !principal)
          throw loginRequired('Log in to use the validator.');
        const upgrading = request.headers.upgrade?.toLowerCase() === 'websocket';
        if (upgrading && !slots.openSocket(clientOf(request), principal !== null)) {
          throw new ApiError(429, 'rate_limited', 'Too many validator sockets from this address.', {
            retryAfter: BUSY_RETRY_S,
          });
        }
        done();
      },
      handler: (request, reply) =>
        reply
          .code(426)
          .header('upgrade', 'websocket')
          .send({
            error: {
              status: 426,
              code: 'bad_request',
              message: 'This URL is a websocket: connect with an Upgrade: websocket request.',
              requestId: request.id,
            },
          }),
      wsHandler: (socket, request) => {
        const client = clientOf(request);
        const principal = request.auth.principal;
        const local = localEndpointOf(request.raw.socket);
        let runFetcher: RunFetcher | null = null;
        socket.on('close', () => slots.closeSocket(client));
        const deps: SocketDeps = {
          validate: ctx.validate ?? validate,
          fetcher: () => (runFetcher = webFetcher(ctx.settings, local)),
          startJob: () => {
            if (slots.startJob(client, principal !== null) !== null) return BUSY_RETRY_S;
            ctx.metrics.validatorJobs.set(slots.runningJobs);
            return null;
          },
          endJob: () => {
            slots.endJob(client);
            ctx.metrics.validatorJobs.set(slots.runningJobs);
            ctx.metrics.validatorFetchBytes.inc(runFetcher?.bytesReceived ?? 0);
            runFetcher = null;
          },
          recordRun: (result) => ctx.metrics.validatorRuns.inc({ result }),
          maxDurationS: Math.floor(ctx.settings.validatorMaxDuration / 1000),
          concurrency: ctx.settings.validatorConcurrency,
          schemaPath: ctx.settings.validatorSchema,
          save: (message, send, signal) =>
            saveStream(ctx, request, message, send, () => webFetcher(ctx.settings, local), signal),
          log: (text) => request.log.warn(text),
        };
        attachValidatorSocket(socket, deps);
      },
    });
  });
}

/**
 * "Save this stream to loopcast" (§8.3): the user row is read again when `save` arrives, so a
 * demoted or logged-out user cannot save; then the fields, then the capture (save.ts).
 */
async function saveStream(
  ctx: AppContext,
  request: FastifyRequest,
  message: SaveRequest,
  send: (m: ServerMessage) => void,
  fetcher: () => RunFetcher,
  signal: AbortSignal,
): Promise<void> {
  const data = request.auth.data;
  const user = data && !request.auth.bearer ? await sessionUser(ctx.database.db, data, ctx.settings) : null;
  if (!user) {
    send({ type: 'error', code: 'login_required', message: 'Log in as a media user to save a stream.' });
    return;
  }
  if (!isMedia(user.groups) || user.must_change === true || user.must_change === 1) {
    send({ type: 'error', code: 'forbidden', message: 'Only media users may save a stream to loopcast.' });
    return;
  }
  const fields = await saveFieldErrors(ctx, message);
  if (Object.keys(fields).length > 0) {
    send({ type: 'fieldErrors', fields });
    return;
  }
  await captureAndInstall(ctx, message, fetcher(), send, signal);
}
