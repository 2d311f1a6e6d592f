// docs/rules.md stays in step with the rule table: one section per code, whose GitHub anchor is the one the
// SARIF helpUri points at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../core/src/rules/index.js';

function githubAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

test('every rule has a section in docs/rules.md at its helpUri anchor', () => {
  const text = readFileSync(join(__dirname, '../../docs/rules.md'), 'utf8');
  const anchors = [...text.matchAll(/^## (.+)$/gm)].map((match) => githubAnchor(match[1]));
  for (const rule of RULES) {
    assert.ok(anchors.includes(rule.anchor), `docs/rules.md has a heading for #${rule.anchor}`);
    assert.match(text, new RegExp(`\\| \\[${rule.code}\\]\\(#${rule.anchor}\\) \\| ${rule.severity} \\|`), `${rule.code} in the table with its severity`);
  }
});
