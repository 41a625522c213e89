/**
 * The fetcher the web service gives each validator run and each "inspect by URL" (validator.md §6,
 * app.md §7.4): the address rule always on, its exemptions from the settings and from the local
 * endpoint the page's own request arrived on (never from `Host`, `X-Forwarded-Host` or `Origin`).
 */
import { createFetcher, type RunFetcher } from '@loopcast/dash';
import type { Settings } from '../config/settings.js';

export type ValidatorFetchSettings = Pick<
  Settings,
  | 'publicUrl'
  | 'validatorAllowHosts'
  | 'validatorPrivate'
  | 'validatorConcurrency'
  | 'validatorTimeout'
  | 'validatorMaxSegmentBytes'
  | 'validatorMaxBytes'
>;

/** The local address and port a request arrived on, as the socket reports them. */
export interface LocalEndpoint {
  address: string;
  port: number;
}

export function localEndpointOf(socket: {
  localAddress?: string;
  localPort?: number;
}): LocalEndpoint | undefined {
  return socket.localAddress && socket.localPort
    ? { address: socket.localAddress, port: socket.localPort }
    : undefined;
}

export function webFetcher(
  settings: ValidatorFetchSettings,
  local: LocalEndpoint | undefined,
  overrides: { concurrency?: number; maxSegmentBytes?: number; maxRunBytes?: number } = {},
): RunFetcher {
  return createFetcher({
    addressRule: {
      publicOrigin: settings.publicUrl,
      localEndpoint: local,
      allowHosts: settings.validatorAllowHosts,
      allowPrivate: settings.validatorPrivate === 'allow',
    },
    concurrency: overrides.concurrency ?? settings.validatorConcurrency,
    headersTimeoutMs: settings.validatorTimeout,
    maxSegmentBytes: overrides.maxSegmentBytes ?? settings.validatorMaxSegmentBytes,
    maxRunBytes: overrides.maxRunBytes ?? settings.validatorMaxBytes,
  });
}
