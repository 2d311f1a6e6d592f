// The commented flaglens.yaml `flaglens init` writes: the accepted checks with their counts and examples, the
// other candidates commented out (remove the `#` to add one), and a note on the flag definitions. The text is
// valid against syntaxes/flaglens.schema.json and reads back through the config parser as the same checks.
import type { CustomCheck } from '../config.js';
import type { ChecksProposal, ProposedCheck } from './propose.js';

export interface ConfigTextOptions {
  /** Where the flag definitions were found (`flags.flagd.yaml`, `Unleash at https://…`), for the header. */
  definitionSources?: string[];
}

/** flaglens.yaml for the accepted candidates of a proposal. */
export function proposalConfigText(proposal: Pick<ChecksProposal, 'candidates' | 'definitionsFound'>, options: ConfigTextOptions = {}): string {
  const accepted = proposal.candidates.filter((candidate) => candidate.accepted);
  const others = proposal.candidates.filter((candidate) => !candidate.accepted);
  const lines = [
    '# flaglens.yaml: the flag checks of this codebase, proposed by `flaglens init`.',
    '# Checks through the SDKs Flaglens knows (OpenFeature, LaunchDarkly, Unleash, …) and wrappers around them are',
    '# found without configuration; these are the team\'s own helpers on top. Details: docs/cli.md, docs/scanner.md',
  ];
  if (proposal.definitionsFound) {
    const where = options.definitionSources?.length ? ` (${options.definitionSources.join(', ')})` : '';
    lines.push(`# Accepted: the helpers whose keys are the flag definitions' keys${where}.`);
  } else {
    lines.push('# No flag definitions were found (flagd files, Unleash): these helpers were judged by their names, keys and use.');
  }
  if (accepted.length === 0) lines.push('checks: []');
  else {
    lines.push('checks:');
    for (const candidate of accepted) {
      lines.push(...describeCandidate(candidate).map((line) => `  # ${line}`));
      lines.push(...checkEntry(candidate.check).map((line) => `  ${line}`));
    }
  }
  if (others.length) {
    lines.push('', '# Also seen, not added (remove the # of an entry to add it):');
    for (const candidate of others) {
      lines.push(...describeCandidate(candidate).map((line) => `#   # ${line}`));
      lines.push(...checkEntry(candidate.check).map((line) => `#   ${line}`));
    }
  }
  if (!proposal.definitionsFound) {
    lines.push(
      '',
      '# Flag definitions turn on FL002, FL003 and FL004 (removed, unknown and unused flags): add a flagd file',
      '# (*.flagd.yaml is found on its own) or name where they are:',
      '# state:',
      '#   flagd: flags.flagd.yaml',
      '#   unleash: { url: https://unleash.example.com, project: default, environment: production, token: { env: UNLEASH_TOKEN } }',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One check as flaglens.yaml lines: `- call: x`, then its other fields indented under it. */
export function checkEntry(check: CustomCheck): string[] {
  if (check.kind === 'property') return [`- property: ${scalar(check.property)}`];
  if (check.kind === 'jsx') return [`- jsx: ${scalar(check.jsx)}`, `  attribute: ${scalar(check.attribute)}`];
  const lines = [`- call: ${scalar(check.call)}`];
  if (check.key !== '0') lines.push(`  key: ${scalar(check.key)}`);
  if (check.defaultArgument !== undefined) lines.push(`  default: ${check.defaultArgument}`);
  return lines;
}

/** The comment above an entry: size, evidence and two examples. */
function describeCandidate(candidate: ProposedCheck): string[] {
  const size = `${plural(candidate.sites, 'check')}, ${plural(candidate.keys.length, 'key')}${candidate.testSites ? ` (${candidate.testSites} in tests)` : ''}`;
  const lines = [`${candidate.shape}: ${size}; ${candidate.reasons.join(', ')}`];
  for (const example of candidate.examples) lines.push(`  e.g. ${example.file}:${example.line}  ${example.excerpt}`);
  return lines.map(oneLine);
}

/** A YAML plain scalar when it is safe as one, else a double-quoted string. */
function scalar(text: string): string {
  return /^[A-Za-z_$][\w$.\-]*$/.test(text) && !/^(true|false|null|yes|no|on|off|~)$/i.test(text) ? text : JSON.stringify(text);
}

/** Comments are one line each: a newline in an excerpt would end the comment. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
