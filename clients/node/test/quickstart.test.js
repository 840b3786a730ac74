// The repository README's five-line TypeScript sign-in (Quickstart), run as
// written against a real server: only the socket path, the user id and the
// code the user typed are filled in.
'use strict';

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { promisify } = require('node:util');
const { after, before, test } = require('node:test');

const tollgate = require('@tollgate/client');
const { enrolTotp, rejection, startServer, totp } = require('./support');

const repository = path.join(__dirname, '..', '..', '..');

/** The ```ts block of the README's Quickstart section. */
function quickstartBlock() {
  const readme = fs.readFileSync(path.join(repository, 'README.md'), 'utf8');
  const section = readme.split(/^## Quickstart \(60 seconds\)$/m)[1].split(/^## /m)[0];
  const block = section.match(/^```ts\n([\s\S]*?)^```$/m);
  assert.ok(block, 'the README Quickstart has no ```ts block');
  return block[1];
}

let server;
let client;
before(async () => {
  server = await startServer();
  client = tollgate.connect({ socket: server.socket });
});
after(async () => {
  client?.close();
  await server?.stop();
});

test('the README quickstart signs a user in', async () => {
  const block = quickstartBlock();
  assert.equal(block.trim().split('\n').length, 5, 'the quickstart is five lines');
  const { userId, begun, step } = await enrolTotp(client);
  // The snippet has no type annotations, so it runs as an ES module.
  const entry = pathToFileURL(require.resolve('@tollgate/client')).href;
  const script = `const code = ${JSON.stringify(totp(begun, step + 1))};\n${block
    .replace('"@tollgate/client"', JSON.stringify(entry))
    .replace('/run/tollgate/tollgate.sock', server.socket)
    .replaceAll('"alice"', JSON.stringify(userId))}\nconsole.log(challengeId);\ntg.close();\n`;
  const file = path.join(server.dir, 'quickstart.mjs');
  fs.writeFileSync(file, script);
  const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 20_000 });
  const challengeId = stdout.trim();
  assert.ok(challengeId.length > 0);
  // It verified: the challenge is completed and cannot be answered again.
  await rejection(
    client.challenge.verifyChallenge({ userId, challengeId, method: 'METHOD_TOTP', code: totp(begun, step + 2) }),
    tollgate.ChallengeNotFoundError,
  );
});
