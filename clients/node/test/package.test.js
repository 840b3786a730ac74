// The package as npm installs it from a directory: a symlink, with none of
// the directory's own dependencies installed. So it must need none: no
// runtime dependencies in package.json; dist/index.js loads and calls a real
// tollgate from a copy that no node_modules can be found from; the bundled
// declarations import nothing and declare the values the JavaScript exports;
// and THIRD_PARTY_NOTICES names each package bundled in.
'use strict';

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, test } = require('node:test');
const { promisify } = require('node:util');

const tollgate = require('@tollgate/client');
const { startServer } = require('./support');

const packageDir = path.join(__dirname, '..');
const dist = (name) => fs.readFileSync(path.join(packageDir, 'dist', name), 'utf8');
const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));

let server;
let copy;

before(async () => {
  server = await startServer();
  // package.json and dist/, alone in a temporary directory.
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-node-package-'));
  fs.copyFileSync(path.join(packageDir, 'package.json'), path.join(copy, 'package.json'));
  fs.cpSync(path.join(packageDir, 'dist'), path.join(copy, 'dist'), { recursive: true });
});

after(async () => {
  await server?.stop();
  if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

test('package.json has no runtime dependencies', () => {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies']) {
    assert.deepEqual(Object.keys(manifest[field] ?? {}), [], `${field} is not empty`);
  }
  assert.equal(manifest.main, 'dist/index.js');
  assert.equal(manifest.exports['.'].types, './dist/index.d.ts');
});

test('dist/index.js alone, with no node_modules to be found, loads and calls a real tollgate', async () => {
  const script = `
    const assert = require('node:assert/strict');
    for (const name of ['@grpc/grpc-js', '@bufbuild/protobuf']) {
      assert.throws(() => require.resolve(name), { code: 'MODULE_NOT_FOUND' }, name + ' is reachable');
    }
    const { connect, VERSION, ChallengeNotFoundError } = require('./dist/index.js');
    const client = connect({ socket: process.argv[1] });
    (async () => {
      const { policy } = await client.policy.getPolicy({});
      const error = await client.challenge
        .verifyChallenge({ userId: 'nobody', challengeId: 'ab'.repeat(22), method: 'METHOD_TOTP', code: '123456' })
        .catch((e) => e);
      client.close();
      assert.ok(error instanceof ChallengeNotFoundError, String(error));
      console.log(JSON.stringify({ version: VERSION, tenant: policy.tenantId }));
    })().catch((e) => { console.error(e); process.exitCode = 1; });
  `;
  const env = { ...process.env };
  delete env.NODE_PATH;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script, server.socket], { cwd: copy, env });
  assert.deepEqual(JSON.parse(stdout), { version: manifest.version, tenant: 'default' });
});

test('dist/index.d.ts imports nothing and declares the values dist/index.js exports', () => {
  const declarations = dist('index.d.ts');
  assert.doesNotMatch(declarations, /^\s*(import|export)\b[^;]*\bfrom\s+["']/m, 'an import in the declarations');
  assert.doesNotMatch(declarations, /^\/\/\/\s*<reference\s+(path|types)=/m, 'a reference in the declarations');
  assert.doesNotMatch(declarations, /@grpc\/grpc-js"|@bufbuild\/protobuf/);
  const declared = [...declarations.matchAll(/^export declare (?:const|let|var|function|class|enum|abstract class) ([A-Za-z_$][\w$]*)/gm)]
    .map((m) => m[1]);
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(tollgate).sort());
});

test('THIRD_PARTY_NOTICES names each bundled package, with its version and licence', () => {
  // esbuild marks each bundled file with a comment naming its path.
  const bundled = new Set(
    [...dist('index.js').matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)].map((m) => m[1]),
  );
  // A new package in the bundle (a grpc-js update) should be a reviewed change.
  assert.deepEqual([...bundled].sort(), ['@bufbuild/protobuf', '@grpc/grpc-js', '@js-sdsl/ordered-map']);
  const notices = dist('THIRD_PARTY_NOTICES');
  for (const name of bundled) {
    const { version, license } = JSON.parse(fs.readFileSync(path.join(packageDir, 'node_modules', name, 'package.json'), 'utf8'));
    assert.ok(notices.includes(`${name} ${version}\nLicense: ${license}\n`), `${name} ${version} is not in THIRD_PARTY_NOTICES`);
  }
  assert.match(notices, /Apache License\s+Version 2\.0/);
  assert.match(notices, /Redistribution and use in source and binary forms/); // the BSD text bundled with @bufbuild/protobuf
});
