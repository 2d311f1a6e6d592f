// One version string: the CLI's --version, the language server's serverInfo and the SARIF driver all report
// package.json's version (read by the core at build time, never written out again by hand).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFlaglens } from '../cli/cliHarness.js';
import { TestClient, EXAMPLE_SHOP } from '../server/testClient.js';
import { FLAGLENS_VERSION } from '../../core/src/version.js';

const packageVersion: string = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

test('the core version is package.json’s', () => {
  assert.match(packageVersion, /^\d+\.\d+\.\d+/);
  assert.equal(FLAGLENS_VERSION, packageVersion);
});

test('flaglens --version and the SARIF driver print package.json’s version', async () => {
  const printed = await runFlaglens(['--version']);
  assert.equal(printed.code, 0);
  assert.equal(printed.stdout, `${packageVersion}\n`);
  const sarif = await runFlaglens(['check', EXAMPLE_SHOP, '--format', 'sarif', '--fail-on', 'never']);
  assert.equal(sarif.code, 0, sarif.stderr);
  const driver = JSON.parse(sarif.stdout).runs[0].tool.driver;
  assert.equal(driver.version, packageVersion);
  assert.equal(driver.semanticVersion, packageVersion);
});

test('the language server announces package.json’s version in serverInfo', async () => {
  const client = await TestClient.start();
  try {
    assert.deepEqual(client.initializeResult.serverInfo, { name: 'flaglens-language-server', version: packageVersion });
  } finally {
    await client.stop();
  }
});
