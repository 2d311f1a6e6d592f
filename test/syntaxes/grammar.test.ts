// Snapshot test of the flaglens-ignore injection grammar, tokenized the way VS Code does it: vscode-textmate
// with vscode-oniguruma, the grammar injected into the real TypeScript/TSX/JavaScript/JSX grammars (tm-grammars)
// exactly as package.json's `injectTo` declares. The three tools are pinned devDependencies. The snapshot (test/syntaxes/flaglens-ignore.snapshot.txt) changes
// only with UPDATE_SNAPSHOTS=1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as textmate from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const root = join(__dirname, '..', '..');
const snapshotFile = join(__dirname, 'flaglens-ignore.snapshot.txt');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const injection = manifest.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === 'flaglens-ignore.injection');

/** Sample lines per language: directives in line and block comments, and lookalikes that must not match. */
const samples: Array<{ scope: string; lines: string[] }> = [
  {
    scope: 'source.ts',
    lines: [
      '// flaglens-ignore FL001 cleanup planned in SHOP-142',
      'const enabled = client.getBooleanValue("new-checkout", false); // flaglens-ignore FL005,FL001 legacy default',
      '/* flaglens-ignore FL003 key defined in another service */',
      '// flaglens-ignore FL042 typo in the code',
      '// a comment that mentions flaglens-ignoring nothing',
      'const text = "flaglens-ignore FL001 not a comment";',
    ],
  },
  { scope: 'source.tsx', lines: ['{/* flaglens-ignore FL001 kept for the holiday banner */}', '// flaglens-ignore FL001'] },
  { scope: 'source.js', lines: ['// flaglens-ignore FL007 key built at run time'] },
  { scope: 'source.js.jsx', lines: ['// flaglens-ignore FL002 removed upstream, default is safe'] },
];

const grammarFiles: Record<string, string> = {
  'source.ts': 'typescript.json',
  'source.tsx': 'tsx.json',
  'source.js': 'javascript.json',
  'source.js.jsx': 'jsx.json',
};

async function tokenizeAll(): Promise<string> {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scopeName: string) => {
      const file =
        scopeName === injection.scopeName
          ? join(root, injection.path)
          : grammarFiles[scopeName]
            ? require.resolve(`tm-grammars/grammars/${grammarFiles[scopeName]}`)
            : undefined;
      return file ? textmate.parseRawGrammar(readFileSync(file, 'utf8'), file) : null;
    },
    // Exactly the injection targets package.json declares.
    getInjections: (scopeName: string) => (injection.injectTo.includes(scopeName) ? [injection.scopeName] : undefined),
  });
  const out: string[] = [];
  for (const sample of samples) {
    const grammar = await registry.loadGrammar(sample.scope);
    assert.ok(grammar, `grammar ${sample.scope} loads`);
    let state = textmate.INITIAL;
    for (const line of sample.lines) {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      out.push(`[${sample.scope}] ${line}`);
      for (const token of result.tokens) {
        const text = line.slice(token.startIndex, token.endIndex);
        const ours = token.scopes.filter((s: string) => s.endsWith('.flaglens'));
        // Only the innermost scope and ours: enough to see the directive parts without pinning the base grammar.
        out.push(`  ${JSON.stringify(text).padEnd(44)} ${[token.scopes[token.scopes.length - 1], ...ours.filter((s: string) => s !== token.scopes[token.scopes.length - 1])].join(' ')}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

test('flaglens-ignore directives are highlighted in TS/TSX/JS/JSX comments only (snapshot)', async () => {
  const actual = await tokenizeAll();
  // Direct checks, independent of the snapshot: the parts are scoped, lookalikes are not.
  const scopeOf = (scope: string, line: string, text: string) => {
    const block = actual.split('\n');
    const start = block.indexOf(`[${scope}] ${line}`);
    assert.notEqual(start, -1, `sample ${line}`);
    for (let i = start + 1; i < block.length && block[i].startsWith('  '); i++) {
      if (block[i].trimStart().startsWith(JSON.stringify(text))) return block[i];
    }
    return '';
  };
  assert.match(scopeOf('source.ts', samples[0].lines[0], 'flaglens-ignore'), /keyword\.control\.directive\.flaglens-ignore\.flaglens/);
  assert.match(scopeOf('source.ts', samples[0].lines[0], 'FL001'), /constant\.language\.finding-code\.flaglens/);
  assert.match(scopeOf('source.ts', samples[0].lines[0], 'cleanup planned in SHOP-142'), /string\.unquoted\.reason\.flaglens/);
  assert.match(scopeOf('source.ts', samples[0].lines[2], 'key defined in another service'), /string\.unquoted\.reason\.flaglens/);
  assert.match(scopeOf('source.ts', samples[0].lines[3], 'FL042'), /constant\.language\.finding-code\.flaglens/);
  assert.doesNotMatch(actual.split('[source.ts] // a comment that mentions')[1].split('[source.ts]')[0], /\.flaglens/);
  assert.doesNotMatch(actual.split('[source.ts] const text =')[1].split('[source.tsx]')[0], /\.flaglens/);
  for (const scope of ['source.tsx', 'source.js', 'source.js.jsx']) {
    assert.match(actual.split(`[${scope}]`)[1], /keyword\.control\.directive\.flaglens-ignore\.flaglens/, `${scope} gets the injection`);
  }

  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(snapshotFile)) {
    if (process.env.UPDATE_SNAPSHOTS !== '1') assert.fail(`no snapshot yet: run with UPDATE_SNAPSHOTS=1 to write ${snapshotFile}`);
    writeFileSync(snapshotFile, actual);
  }
  assert.equal(actual, readFileSync(snapshotFile, 'utf8'));
});
