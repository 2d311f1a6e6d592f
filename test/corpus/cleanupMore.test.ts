// The second half of the corpus's flag keys for the real-code cleanup check (see cleanup.test.ts).
import { registerCorpusCleanupTests } from './corpusCleanup.js';

registerCorpusCleanupTests(1, 2);
