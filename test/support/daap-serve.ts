/** The command line of `loopcast daap serve` as the tests run it: loopback only, mDNS off. */
import { LOOPCAST_BIN } from './paths.js';

export function daapServeArgv(library: string, data: string, port: number, extra: string[] = []): string[] {
  return [
    LOOPCAST_BIN,
    'daap',
    'serve',
    '--library',
    library,
    '--data',
    data,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--mdns',
    'off',
    ...extra,
  ];
}
