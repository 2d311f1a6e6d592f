// Requests whose params do not have the LSP (or Flaglens) shape are answered with InvalidParams naming the
// field, logged in one line without a stack, and the server keeps answering well-formed requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc/node';
import { positionOf, TestClient } from './testClient.js';

const CHECKOUT = 'src/server/checkout.ts';

test('bad params get InvalidParams with the field, no stack in the log, and the server stays up', async () => {
  const client = await TestClient.start();
  try {
    const { uri, text } = await client.open(CHECKOUT);
    const cases: Array<[string, unknown, RegExp]> = [
      ['textDocument/hover', {}, /params\.textDocument must be an object/],
      ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }, /params\.position\.line must be a non-negative integer/],
      ['textDocument/completion', { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }, /params\.textDocument\.uri must be a string/],
      ['textDocument/definition', { textDocument: { uri }, position: { line: 0, character: 1.5 } }, /params\.position\.character must be a non-negative integer/],
      ['textDocument/references', { textDocument: { uri }, position: { line: 0, character: 0 } }, /params\.context must be an object/],
      ['textDocument/inlayHint', { textDocument: { uri } }, /params\.range must be an object/],
      ['textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: 'x' } }, /params\.context\.diagnostics must be an array/],
      ['textDocument/codeLens', { textDocument: null }, /params\.textDocument must be an object/],
      ['workspace/symbol', { query: 7 }, /params\.query must be a string/],
      ['flaglens/flagAtPosition', { textDocument: { uri } }, /params\.position must be an object/],
      ['flaglens/previewRollout', { key: 'new-checkout', action: 'delete' }, /params\.action must be one of bump, abort/],
      ['flaglens/bump', { key: 42 }, /params\.key must be a string/],
      ['flaglens/bump', { key: 'new-checkout', to: 'fifty' }, /params\.to must be a number/],
      ['flaglens/abort', { key: 'new-checkout' }, /params\.reason must be a string/],
    ];
    for (const [method, params, pattern] of cases) {
      await assert.rejects(client.request(method, params), (error: unknown) => {
        assert.ok(error instanceof ResponseError, `${method}: ${String(error)}`);
        assert.equal(error.code, ErrorCodes.InvalidParams, `${method} ${JSON.stringify(params)}`);
        assert.match(error.message, pattern);
        return true;
      });
    }
    const logs = client.logMessages().filter((message) => message.includes('invalid params'));
    assert.equal(logs.length, cases.length);
    for (const line of logs) assert.doesNotMatch(line, /\n|\bat .+:\d+:\d+/, 'one line, no stack');
    assert.ok(!client.logMessages().some((message) => /Cannot read properties of/.test(message)));
    // Well-formed requests are still answered (once the analysis worker has analysed the document).
    const hover = await client.poll(() => client.request('textDocument/hover', { textDocument: { uri }, position: positionOf(text, 'FLAGS.NEW_CHECKOUT', 6) }));
    assert.ok(hover);
  } finally {
    await client.stop();
  }
});
