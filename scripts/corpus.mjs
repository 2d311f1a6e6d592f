// Finds the shared real-code corpus (a snapshot of a real monorepo with its hand-checked ground truth)
// and unpacks it once under .cache/corpus/, for the accuracy test and the benchmarks that run on real code.
// Usage from the shell: `node scripts/corpus.mjs twenty` prints the unpacked tree's path.
import { existsSync, mkdirSync, rmSync, renameSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The folder holding `<name>.tar.gz`, `<name>.groundtruth.tsv` …: `FLAGLENS_CORPUS_DIR`, then
 * `<repository>/../shared/corpus`, then `/work/shared/corpus`. Throws with every place looked at when
 * none has it, so a test that needs the corpus fails with a message instead of skipping.
 */
export function findCorpusDirectory(name = 'twenty') {
  const candidates = [process.env.FLAGLENS_CORPUS_DIR, join(repositoryRoot, '..', 'shared', 'corpus'), '/work/shared/corpus'].filter(Boolean);
  for (const candidate of candidates) if (existsSync(join(candidate, `${name}.tar.gz`))) return resolve(candidate);
  throw new Error(
    `the real-code corpus '${name}.tar.gz' was not found; looked in: ${candidates.join(', ')}. ` +
      'Set FLAGLENS_CORPUS_DIR to the folder holding it (the shared corpus folder).',
  );
}

/**
 * The corpus files for `name`: the unpacked tree (unpacked once into `.cache/corpus/<name>`; a marker
 * file inside it says the unpack finished), its flaglens.yaml, ground truth, exclusions and score script.
 */
export function unpackCorpus(name = 'twenty', cacheRoot = join(repositoryRoot, '.cache', 'corpus')) {
  const directory = findCorpusDirectory(name);
  const tree = join(cacheRoot, name);
  if (!existsSync(join(tree, 'SOURCE.flaglens-corpus'))) {
    // Unpack beside the final place and rename: a run killed half-way never leaves a half tree behind.
    const staging = join(cacheRoot, `.${name}.unpacking-${process.pid}`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', join(directory, `${name}.tar.gz`), '-C', staging]);
    rmSync(tree, { recursive: true, force: true });
    renameSync(join(staging, name), tree);
    rmSync(staging, { recursive: true, force: true });
  }
  return {
    tree,
    config: join(directory, `${name}.flaglens.yaml`),
    groundTruth: join(directory, `${name}.groundtruth.tsv`),
    excluded: join(directory, `${name}.excluded.tsv`),
    scoreScript: join(directory, 'score.py'),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(unpackCorpus(process.argv[2] ?? 'twenty').tree);
  } catch (error) {
    console.error(`corpus: ${error.message}`);
    process.exit(1);
  }
}
