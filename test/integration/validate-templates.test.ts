/**
 * loopcast's own streams validate clean (validator.md §9): for `demo` and `bbb`, every template in
 * every mode it allows (variants and multi-period streams are in validate-templates-variants),
 * over real HTTP with the validator's fetcher and a pinned clock (`now=` in the URL, the same
 * instant injected as the validator's clock). No error, and no warning outside the table of
 * expected warnings per template, so a new one is noticed (test/fixtures/validator/own-streams.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TEMPLATES, type ValidationReport } from '@loopcast/dash';
import { checkOwnStream } from '../fixtures/validator/own-streams.js';
import { addBbbStream, startTestServer, type TestServer } from '../support/loopcast.js';
import { sharedAvailable } from '../support/paths.js';

let server: TestServer;
let withBbb = false;

before(async () => {
  server = await startTestServer();
  if (sharedAvailable()) {
    await addBbbStream(server);
    withBbb = true;
  }
});
after(() => server.stop());

const check = (stream: string, path: string, template: string, mode: string): Promise<ValidationReport> =>
  checkOwnStream(server.origin, stream, path, template, mode);

describe('loopcast streams validate clean', { timeout: 120_000 }, () => {
  it('every template in every mode, demo and bbb', async (t) => {
    const streams = withBbb ? ['demo', 'bbb'] : ['demo'];
    if (!withBbb) t.diagnostic('shared media absent: bbb skipped');
    let runs = 0;
    for (const stream of streams)
      for (const template of Object.values(TEMPLATES))
        for (const mode of template.modes) {
          await check(stream, `/dash/${mode}/${stream}/${template.name}.mpd`, template.name, mode);
          runs++;
        }
    assert.ok(runs >= 17);
  });
});
