/**
 * The bare `node:http` baseline of the segment benchmark (README §6): answers every request with
 * the same bytes from memory. Run as `node --import tsx bare-node-server.ts FILE`; prints
 * `listening PORT` once ready; exits on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const file = process.argv[2];
if (!file) {
  console.error('usage: bare-node-server.ts FILE');
  process.exit(2);
}
const body = readFileSync(file);
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'video/iso.segment', 'content-length': body.length });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
