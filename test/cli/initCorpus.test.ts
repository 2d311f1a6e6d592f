// `flaglens init` on real code nobody here wrote: the shared snapshot of a real monorepo, without its
// flaglens.yaml and with no flagd file (so every candidate is judged by its shape), `init --yes --print`, then a
// scan with that proposal scored against the hand-checked ground truth by the corpus's own score script.
// Measured at precision 1.00 / recall 1.00; the floor is the target for held-out repositories (0.95 / 0.90),
// so the rules stay general rather than fitted to this one. The corpus missing is a failure, never a skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from './recordingIo.js';
import { unpackCorpus } from '../../scripts/corpus.mjs';

const PRECISION_FLOOR = 0.95;
const RECALL_FLOOR = 0.9;

test('init on the real corpus: the proposal, scanned, reaches the precision and recall floors', { timeout: 300_000 }, async () => {
  const corpus = unpackCorpus('twenty');
  assert.equal(existsSync(join(corpus.tree, 'flaglens.yaml')), false, 'the corpus tree has no flaglens.yaml of its own');
  const init = recordingIo(corpus.tree);
  assert.equal(await runCli(['init', corpus.tree, '--yes', '--print'], init), 0, init.err);
  assert.match(init.err, /no flag definitions found \(flagd files, Unleash\): judged by their names, keys and use/);
  const scratch = mkdtempSync(join(tmpdir(), 'flaglens-init-corpus-'));
  try {
    const proposal = join(scratch, 'proposal.yaml');
    writeFileSync(proposal, init.out);
    const scan = recordingIo(corpus.tree);
    assert.equal(await runCli(['scan', corpus.tree, '--config', proposal, '--format', 'json'], scan), 0, scan.err);
    const scanFile = join(scratch, 'scan.json');
    writeFileSync(scanFile, scan.out);
    const score = spawnSync('python3', [corpus.scoreScript, corpus.groundTruth, corpus.excluded, scanFile], { encoding: 'utf8' });
    assert.equal(score.status, 0, `score script failed: ${score.error?.message ?? score.stderr}`);
    const [precision, recall, truePositives] = score.stdout.trim().split(/\s+/).map(Number);
    const detail = `precision ${precision}, recall ${recall}, ${truePositives} true positives\nproposal:\n${init.out}\n${score.stderr}`;
    assert.ok(precision >= PRECISION_FLOOR, `precision below ${PRECISION_FLOOR}: ${detail}`);
    assert.ok(recall >= RECALL_FLOOR, `recall below ${RECALL_FLOOR}: ${detail}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
