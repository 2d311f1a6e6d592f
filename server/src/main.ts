// The Flaglens language server entry point (`node dist/server.js --stdio`, `--node-ipc` or `--socket=N`):
// `createConnection(ProposedFeatures.all)` picks the transport from argv.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.js';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
