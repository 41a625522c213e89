// Starts a DAAP server with the test share for the integration tests, in its own process (used
// inside network namespaces). Prints one JSON line {"port":…} when listening; exits on SIGTERM
// after withdrawing the advert.
//   node --import tsx test/support/daap/serve.ts [--port N] [--mdns] [--name NAME] [--password PW]

import { parseArgs } from 'node:util';
import { DaapServer } from '../../../packages/daap/src/index.js';
import { demoShare } from '../../../packages/daap/test/support/fixtures.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    mdns: { type: 'boolean', default: false },
    name: { type: 'string', default: 'Loopcast Music' },
    password: { type: 'string' },
  },
});
const { share, media } = demoShare(values.name);
const server = new DaapServer({
  share,
  media,
  host: values.host,
  port: Number(values.port),
  mdns: values.mdns ? {} : false,
  ...(values.password !== undefined ? { password: values.password } : {}),
});
await server.listen();
console.log(JSON.stringify({ port: server.port, name: server.advertisedName ?? null }));
// Withdraw the advert and close on SIGTERM/SIGINT, then exit by the signal's default action.
server.on('session', () => undefined);
process.on('exit', () => console.log(JSON.stringify({ closed: true })));
server.closeOnSignals();
