// The bundled example (examples/shop) checked as the README's main command does: the expected finding per
// flag at a fixed instant, the table of flags needing attention, and `flaglens flags` on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runFlaglens } from './cliHarness.js';

const shop = join(__dirname, '../../examples/shop');

test('check on examples/shop reports the expected finding for each flag', async () => {
  const result = await runFlaglens(['check', shop, '--format', 'json', '--fail-on', 'never']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  const byKey: Record<string, string[]> = {};
  for (const finding of report.findings) {
    const key = finding.key ?? '(unresolved)';
    (byKey[key] ??= []).push(`${finding.code}${finding.suppressed ? ' suppressed' : ''} ${finding.file}:${finding.line}`);
  }
  assert.deepEqual(byKey, {
    'gift-wrapping': ['FL004 flags.flagd.yaml:130'],
    'new-checkout': ['FL001 src/server/checkout.ts:14'],
    'free-shipping': ['FL001 src/server/checkout.ts:15'],
    'express-delivery': ['FL005 src/server/checkout.ts:16', 'FL005 src/server/delivery.ts:16'],
    'holiday-sale': ['FL008 src/server/checkout.ts:17'],
    'legacy-search': ['FL002 src/server/search.ts:17'],
    '(unresolved)': ['FL007 src/server/search.ts:26'],
    'one-click-pay': ['FL009 src/web/CheckoutButton.tsx:5'],
    'free-shiping': ['FL003 src/web/PromoBanner.tsx:5'],
  });
  assert.equal(report.flags, 11);
  assert.equal(report.references, 15);
  assert.deepEqual(report.errors, []);
  const typo = report.findings.find((finding: { code: string }) => finding.code === 'FL003');
  assert.deepEqual(typo.data.suggestions, ['free-shipping']);
});

test('the README command shows the findings and the table of flags needing attention', async () => {
  const result = await runFlaglens(['check', 'examples/shop', '--fail-on', 'never'], { cwd: join(__dirname, '../..') });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Flaglens · examples\/shop · 11 flags, 15 checks in \d+ files/);
  assert.match(result.stdout, /Flags needing attention\n  FLAG +STAGE +OWNER +AGE +RELEASED +CHECKS +FINDINGS\n  free-shiping +unknown/);
  assert.match(result.stdout, /new-checkout +released +team-checkout +270d +2026-04-14 \(227d ago\) +1 +FL001 stale/);
  assert.match(result.stdout, /10 findings: 1 error, 6 warnings, 3 info\.\nNext: npx flaglens cleanup --stale examples\/shop --diff .*3 stale or removed flags/);
});

test('flags on examples/shop: every stage, camelCase references counted on the real key', async () => {
  const result = await runFlaglens(['flags', shop, '--format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const rows = Object.fromEntries(
    JSON.parse(result.stdout).flags.map((flag: { key: string; stage: string; percentage: number | null; references: number; findings: string[] }) => [
      flag.key,
      `${flag.stage} ${flag.percentage} refs=${flag.references} ${flag.findings.join(',')}`.trim(),
    ]),
  );
  assert.deepEqual(rows, {
    'new-checkout': 'released 100 refs=1 FL001',
    'free-shipping': 'released 100 refs=1 FL001',
    'express-delivery': 'rolling 25 refs=2 FL005',
    'fast-search': 'rolling 10 refs=1',
    'recommendations-v2': 'canary 1 refs=2',
    'one-click-pay': 'rolling 50 refs=1 FL009',
    'beta-dashboard': 'targeted null refs=1',
    'dark-mode': 'off 0 refs=1',
    'holiday-sale': 'released 100 refs=1 FL008',
    'maintenance-mode': 'off 0 refs=1',
    'gift-wrapping': 'rolling 50 refs=0 FL004',
    'free-shiping': 'unknown null refs=1 FL003',
    'legacy-search': 'removed null refs=1 FL002',
  });
});

test('the example type-checks with the project\'s TypeScript and its own unit test passes', () => {
  const repository = join(__dirname, '../..');
  const tsc = spawnSync(process.execPath, [join(repository, 'node_modules/typescript/bin/tsc'), '-p', shop], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  // Without NODE_TEST_CONTEXT the child runner reports on its own instead of to this test runner.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const unit = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'test/pricing.test.ts'], { cwd: shop, encoding: 'utf8', env });
  assert.equal(unit.status, 0, unit.stdout + unit.stderr);
  assert.match(unit.stdout, /# pass 3/);
});
