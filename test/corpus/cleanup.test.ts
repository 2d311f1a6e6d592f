// The cleanup on real code nobody here wrote: every flag key of the real monorepo in shared/corpus (its hand-checked
// ground truth) is cleaned with `--value on --write`, one key after the other on one copy reset between keys.
// An independent type check (the `typescript` package on disk, each file's own tsconfig, the program's module
// resolution for importers) compares the errors of the changed files and their importers before and after as
// (file, code, message) sets, so line shifts do not count; a second run must change nothing. The keys are split
// over cleanup.test.ts and cleanupMore.test.ts (each within the runner's per-file time budget); together their
// printed rows are the table in docs/cleanup.md. `--stale` over every key at once is cleanupStale.test.ts.
import { registerCorpusCleanupTests } from './corpusCleanup.js';

registerCorpusCleanupTests(0, 2);
