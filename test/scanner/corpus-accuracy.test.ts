// Real code in the loop: scans the shared snapshot of a real monorepo (unpacked once under .cache/corpus)
// with the flaglens.yaml its developers would write, scores the references against its hand-checked
// ground truth with the corpus's own score script, and fails below 0.98 precision or recall. The corpus
// missing is a failure with a message, never a skip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../cli/src/main.js';
import { recordingIo } from '../cli/recordingIo.js';
import { unpackCorpus } from '../../scripts/corpus.mjs';

const MINIMUM = 0.98;

test('real monorepo corpus: precision and recall at least 0.98 against its ground truth', async () => {
  const corpus = unpackCorpus('twenty');
  const io = recordingIo(corpus.tree);
  const code = await runCli(['scan', corpus.tree, '--config', corpus.config, '--format', 'json'], io);
  assert.equal(code, 0, io.err);
  const scratch = mkdtempSync(join(tmpdir(), 'flaglens-corpus-'));
  try {
    const scanFile = join(scratch, 'scan.json');
    writeFileSync(scanFile, io.out);
    const score = spawnSync('python3', [corpus.scoreScript, corpus.groundTruth, corpus.excluded, scanFile], { encoding: 'utf8' });
    assert.equal(score.status, 0, `score script failed: ${score.error?.message ?? score.stderr}`);
    const [precision, recall, truePositives] = score.stdout.trim().split(/\s+/).map(Number);
    const detail = `precision ${precision}, recall ${recall}, ${truePositives} true positives\n${score.stderr}`;
    assert.ok(precision >= MINIMUM, `precision below ${MINIMUM}: ${detail}`);
    assert.ok(recall >= MINIMUM, `recall below ${MINIMUM}: ${detail}`);
    // Every reference the scan could not resolve still says why.
    const json = JSON.parse(io.out) as { references: Array<{ key: string | null; unresolvedReason?: string }> };
    assert.ok(json.references.every((reference) => reference.key !== null || (reference.unresolvedReason ?? '').length > 0));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('real monorepo corpus: a warm scan from the persistent cache returns exactly the cold scan and parses nothing', async () => {
  const corpus = unpackCorpus('twenty');
  const cacheDirectory = mkdtempSync(join(tmpdir(), 'flaglens-corpus-cache-'));
  try {
    const runs = [];
    for (let run = 0; run < 2; run++) {
      const io = recordingIo(corpus.tree);
      const code = await runCli(['scan', corpus.tree, '--config', corpus.config, '--format', 'json', '--cache-location', cacheDirectory], io);
      assert.equal(code, 0, io.err);
      runs.push(JSON.parse(io.out) as { references: unknown[]; parsedFiles: number; files: number; cache: { hits: number; misses: number } });
    }
    const [cold, warm] = runs;
    assert.deepEqual(warm.references, cold.references);
    assert.equal(cold.cache.hits, 0);
    assert.equal(warm.cache.misses, 0);
    assert.equal(warm.cache.hits, warm.files);
    assert.equal(warm.parsedFiles, 0);
  } finally {
    rmSync(cacheDirectory, { recursive: true, force: true });
  }
});
