// The bundled server (dist/server.js) over its two real transports: stdio (Neovim, other editors) and node
// IPC (the VS Code client). Each answers `initialize` with its capabilities and a hover on the example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { EXAMPLE_SHOP, positionOf } from './testClient.js';
import { freshBundle } from '../freshBundle.js';


async function exercise(child: ChildProcess, connection: MessageConnection): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'flaglens-transport-'));
  cpSync(EXAMPLE_SHOP, root, { recursive: true });
  connection.onRequest((method, params) => (method === 'workspace/configuration' ? (params as { items: unknown[] }).items.map(() => null) : null));
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    const rootUri = pathToFileURL(root).href;
    const result = (await connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'shop' }], capabilities: {} })) as {
      capabilities: { hoverProvider?: boolean };
    };
    assert.equal(result.capabilities.hoverProvider, true);
    await connection.sendNotification('initialized', {});
    const file = join(root, 'src', 'server', 'search.ts');
    const text = readFileSync(file, 'utf8');
    const uri = pathToFileURL(file).href;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const deadline = Date.now() + 20_000;
    let value = '';
    while (Date.now() < deadline && !/rolling 10%/.test(value)) {
      const hover = (await connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.FAST_SEARCH', 3) })) as {
        contents?: { value?: string };
      } | null;
      value = hover?.contents?.value ?? '';
      if (!/rolling 10%/.test(value)) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(value, /`fast-search` — \*\*rolling 10%\*\*/);
    await connection.sendRequest('shutdown');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await connection.sendNotification('exit');
    await exited;
  } finally {
    connection.dispose();
    child.kill();
    rmSync(root, { recursive: true, force: true });
  }
}

test('dist/server.js --stdio', { timeout: 60_000 }, async () => {
  const child = spawn(process.execPath, [freshBundle('server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await exercise(child, createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)));
});

test('dist/server.js --node-ipc', { timeout: 60_000 }, async () => {
  const child = fork(freshBundle('server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await exercise(child, createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child)));
});

/** Starts dist/server.js over stdio on a copy of the example and returns the log lines up to the first index's end. */
async function logsOfOneStart(root: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const child = spawn(process.execPath, [freshBundle('server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const logs: string[] = [];
  connection.onRequest((method, params) => (method === 'workspace/configuration' ? (params as { items: unknown[] }).items.map(() => null) : null));
  connection.onNotification('window/logMessage', (params: { message: string }) => void logs.push(params.message));
  connection.onNotification(() => undefined);
  connection.listen();
  try {
    const rootUri = pathToFileURL(root).href;
    await connection.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'shop' }], capabilities: {} });
    await connection.sendNotification('initialized', {});
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !logs.some((line) => /indexed \d+ files/.test(line))) await new Promise((resolve) => setTimeout(resolve, 50));
    // The compiled code is written just after the index: give it a moment before the server stops.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await connection.sendRequest('shutdown');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await connection.sendNotification('exit');
    await exited;
    return logs;
  } finally {
    connection.dispose();
    child.kill();
  }
}

test('dist/server.js keeps the compiled code of its bundle and of TypeScript in the user cache folder: the next start loads it from there', { timeout: 90_000 }, async () => {
  const base = mkdtempSync(join(tmpdir(), 'flaglens-compile-cache-server-'));
  try {
    const root = join(base, 'shop');
    cpSync(EXAMPLE_SHOP, root, { recursive: true });
    const env = { PATH: process.env.PATH ?? '', HOME: join(base, 'home'), XDG_CACHE_HOME: join(base, 'cache') };
    const first = await logsOfOneStart(root, env);
    // The analysis worker says what it loaded: the server bundle (through the executable) and TypeScript.
    assert.ok(first.some((line) => /server-bundle\.js, typescript\.js compiled afresh \(kept in .*flaglens\/v8-code-cache/.test(line)), first.join('\n'));
    const entries = readdirSync(join(base, 'cache', 'flaglens', 'v8-code-cache'));
    for (const file of ['typescript.js', 'server-bundle.js']) {
      assert.equal(entries.filter((name) => name.startsWith(`${file}-`) && /-[0-9a-f]{12}-[0-9a-f]{20}\.bin$/.test(name)).length, 1, entries.join(', '));
    }
    const second = await logsOfOneStart(root, env);
    assert.ok(second.some((line) => /server-bundle\.js, typescript\.js from the compiled-code cache/.test(line)), second.join('\n'));
    // Nothing was written in the workspace for it.
    assert.ok(!readdirSync(root).some((name) => name.includes('v8') || name.endsWith('.bin')));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
