/**
 * Starts the services a test tier needs once, runs the tier's command, then stops them
 * (testing.md §2.2). Usage: tsx test/support/with-services.ts -- node --import tsx --test …
 * Services whose programs are missing are left out; the tests that need them skip or, in CI, fail.
 */
import { spawn } from 'node:child_process';
import { startPostgres, stopLeftoverClusters, type PostgresCluster } from './postgres.js';

const cmd = process.argv.slice(process.argv.indexOf('--') + 1);
if (!cmd[0]) {
  console.error('usage: with-services.ts -- COMMAND …');
  process.exit(2);
}

stopLeftoverClusters();
let pg: PostgresCluster | null = null;
try {
  pg = await startPostgres();
} catch (err) {
  console.error(`with-services: PostgreSQL not started: ${(err as Error).message}`);
}

const child = spawn(cmd[0], cmd.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, ...(pg ? { TEST_PG_URL: pg.url } : {}) },
});
const stop = () => {
  try {
    pg?.stop();
  } catch (err) {
    console.error(`with-services: stopping PostgreSQL failed: ${(err as Error).message}`);
  }
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  stop();
  process.exit(code ?? (signal ? 1 : 0));
});
