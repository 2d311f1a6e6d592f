// The `flaglens` executable, dist/cli.js: it installs the compiled-code cache, then loads the CLI bundle beside it
// (dist/cli-bundle.js, whose entry is main.ts) and the libraries the bundle loads later (TypeScript) through that
// cache, and runs the command line.
import { join } from 'node:path';
import { loadBundleWithCompileCache } from '../../core/src/compileCache.js';
import { nodeFileSystem, nodeFileWriter } from '../../core/src/nodeIo.js';

const cli = loadBundleWithCompileCache(join(__dirname, 'cli-bundle.js'), { fs: nodeFileSystem, writer: nodeFileWriter, env: process.env }) as typeof import('./main.js');
cli.runAsProcess();
