// The language server's executable, dist/server.js (also each of its worker threads' entry): it installs the
// compiled-code cache, then loads the server bundle beside it (dist/server-bundle.js, whose entry is main.ts) and
// the libraries the bundle loads later (TypeScript) through that cache.
import { join } from 'node:path';
import { loadBundleWithCompileCache } from '../../core/src/compileCache.js';
import { nodeFileSystem, nodeFileWriter } from '../../core/src/nodeIo.js';

loadBundleWithCompileCache(join(__dirname, 'server-bundle.js'), { fs: nodeFileSystem, writer: nodeFileWriter, env: process.env });
