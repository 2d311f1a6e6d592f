// The parse-everything floor of the real-code benchmark, run as its own process: the same workspace listing as
// the scanner (the one walker and its ignore rules), then every listed file read and parsed once with
// `ts.createSourceFile` (the TypeScript copy the scanner uses). Bundled by the bench and run as
// `node floor.js ROOT`; prints one JSON line: files, bytes, peak RSS. `node floor.js ROOT FILE…` parses only the
// given files: the start-up floor (a fresh process that loads TypeScript and parses the file an editor opened).
import { readFileSync } from 'node:fs';
import { ts } from 'ts-morph';
import { nodeFileSystem } from '../core/src/nodeIo.js';
import { scriptKindFor } from '../core/src/scanner/parsedModule.js';
import { listWorkspaceFiles } from '../core/src/scanner/walk.js';

const root = process.argv[2];
const only = process.argv.slice(3);
const listing = only.length ? { files: only } : listWorkspaceFiles(nodeFileSystem, root, []);
let bytes = 0;
let statements = 0;
for (const path of listing.files) {
  const text = readFileSync(path, 'utf8');
  bytes += text.length;
  statements += ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKindFor(path)).statements.length;
}
process.stdout.write(`${JSON.stringify({ files: listing.files.length, bytes, statements, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
