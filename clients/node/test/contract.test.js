// The package against the repository it lives in: every reason in the
// README's "Errors" table has its error class, with the table's gRPC code,
// and the package's version is the server's (the root Cargo.toml's
// [workspace.package] version). No server needed.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');

const grpc = require('@grpc/grpc-js');
const tollgate = require('@tollgate/client');

const repository = path.join(__dirname, '..', '..', '..');

/** [reason, gRPC code name] for each row of the README's Errors table. */
function readmeErrorRows() {
  const readme = fs.readFileSync(path.join(repository, 'README.md'), 'utf8');
  const section = readme.split(/^## Errors$/m)[1].split(/^## /m)[0];
  const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| `([A-Z_]+)` \|/gm)].map((m) => [m[1], m[2]]);
  assert.ok(rows.length >= 30, `the Errors table has only ${rows.length} rows: has its format changed?`);
  return rows;
}

test('every reason in the README Errors table has its class, with the table\'s gRPC code', () => {
  const problems = [];
  for (const [reason, codeName] of readmeErrorRows()) {
    const ErrorClass = tollgate.errorClassFor(reason);
    if (!ErrorClass) {
      problems.push(`${reason}: no error class`);
      continue;
    }
    if (ErrorClass.grpcCode !== grpc.status[codeName]) {
      problems.push(`${reason}: ${ErrorClass.name} has code ${grpc.status[ErrorClass.grpcCode]}, the README ${codeName}`);
    }
    // The class's name follows the reason, and it is exported under it.
    const expectedName = `${reason.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase())}Error`;
    if (ErrorClass.name.toLowerCase() !== expectedName.toLowerCase()) problems.push(`${reason}: class ${ErrorClass.name}`);
    if (tollgate[ErrorClass.name] !== ErrorClass) problems.push(`${reason}: ${ErrorClass.name} is not exported`);
    if (!(ErrorClass.prototype instanceof tollgate.TollgateError)) problems.push(`${reason}: not a TollgateError`);
  }
  assert.deepEqual(problems, []);
});

test('each error class stands for one reason', () => {
  const classes = Object.values(tollgate).filter((value) => value?.prototype instanceof tollgate.TollgateError);
  const reasons = classes.map((errorClass) => errorClass.reason);
  assert.equal(new Set(reasons).size, classes.length);
  for (const errorClass of classes) assert.equal(tollgate.errorClassFor(errorClass.reason), errorClass);
});

test('the package version is the server version in Cargo.toml', () => {
  const cargo = fs.readFileSync(path.join(repository, 'Cargo.toml'), 'utf8');
  const workspacePackage = cargo.split(/^\[workspace\.package\]$/m)[1].split(/^\[/m)[0];
  const serverVersion = workspacePackage.match(/^version\s*=\s*"([^"]+)"/m)[1];
  const packageVersion = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
  assert.equal(packageVersion, serverVersion, 'clients/node/package.json version differs from Cargo.toml');
  assert.equal(tollgate.VERSION, serverVersion);
});
