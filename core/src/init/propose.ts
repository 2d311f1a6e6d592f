// `flaglens init`'s proposal: the team's own flag checks, found in the code and judged. The workspace is scanned
// as it is (SDK presets and wrappers, which need no configuration), then every other call, property read and
// JSX attribute with a key-like key is grouped by the check that would declare it (`call: useFeature`,
// `property: appConfig.flags`, `jsx: BetaFlag`). A group is *defined* when its keys are the flag definitions'
// keys, *shaped* like a flag check when its names, keys and use say so, and weak otherwise. The rules are
// general (names, keys, use), never a list of known helpers.
import type { CustomCheck } from '../config.js';
import { defaultConfig } from '../config.js';
import type { FileSystem } from '../io.js';
import { normalizedKey } from '../rules/keys.js';
import { ScannerHost } from '../scanner/index.js';
import { listWorkspaceFiles, readSourceText } from '../scanner/walk.js';
import { collectCandidateSites, hasFlagWord, mayHoldCandidates, readsAsFlagCheck, type CandidateSite } from './candidates.js';
import { compareText } from '../collation.js';

export interface ProposeChecksOptions {
  /** Absolute workspace root. */
  root: string;
  fs: FileSystem;
  /** Globs skipped on top of .gitignore and node_modules (an existing config's `exclude`). */
  exclude?: readonly string[];
  /** Keys of the flag definitions found (flagd files, a live provider). Empty: groups are judged by shape alone. */
  definedKeys: readonly string[];
  /** Progress of the scan (files done, total). */
  onProgress?: (done: number, total: number) => void;
}

/** Why a group is proposed: its keys are defined flags, it is shaped like a flag check, or neither. */
export type CandidateEvidence = 'defined' | 'shape' | 'weak';

export interface ProposedCheck {
  /** The flaglens.yaml entry (with `default` when the calls pass a boolean fallback at one place). */
  check: CustomCheck;
  /** How it reads in code: `useFeature`, `featureService.isEnabled`, `appConfig.flags.*`, `<BetaFlag flagName>`. */
  shape: string;
  /** Check sites, and how many of them are in tests, stories, mocks or fixtures. */
  sites: number;
  testSites: number;
  /** Distinct keys, most checked first. */
  keys: string[];
  /** Distinct keys that are flag definitions' keys (spelling conventions aside). */
  definedKeys: number;
  /** Two sites, the first outside tests when there is one. */
  examples: Array<{ file: string; line: number; column: number; excerpt: string }>;
  evidence: CandidateEvidence;
  /** The signals, in words: "named like a flag check", "decides a condition at 120 of 126 sites", … */
  reasons: string[];
  /** Part of the proposal: defined when there are definitions, shaped like a flag check when there are none. */
  accepted: boolean;
  /** The weight of the shape signals (names 2, keys' names 2, receiver 1, conditions 1, many keys 1). */
  score: number;
}

export interface ChecksProposal {
  /** Every group worth showing, ranked: the accepted first, then by evidence, score and size. */
  candidates: ProposedCheck[];
  /** Whether flag definitions were found (then only groups whose keys they define are accepted). */
  definitionsFound: boolean;
  /** Files walked, and files whose text could hold a candidate (parsed and looked through). */
  files: number;
  inspectedFiles: number;
  /** Checks the scan finds without configuration (SDK presets, wrappers): never proposed again. */
  foundWithoutConfig: number;
  /** Files that could not be looked through (code nested too deeply), with the reason. */
  failures: Array<{ file: string; reason: string }>;
}

/** Not-accepted groups shown at most (the rest is noise a person would not read). */
const MAX_SHOWN_OTHERS = 12;

/** Finds and judges the candidate checks of a workspace. Reads files through `fs`; writes nothing. */
export async function proposeChecks(options: ProposeChecksOptions): Promise<ChecksProposal> {
  const config = { ...defaultConfig(), exclude: [...(options.exclude ?? [])] };
  const host = new ScannerHost({ root: options.root, config, fs: options.fs });
  const scan = await host.indexWorkspace(options.onProgress);
  const foundChecks = new Set<string>();
  for (const reference of scan.references) {
    foundChecks.add(`${reference.file}\0${reference.checkStart}`);
    foundChecks.add(`${reference.file}\0k${reference.start}`);
  }
  const definedKeys = new Set(options.definedKeys);
  const listing = listWorkspaceFiles(options.fs, options.root, config.exclude);
  const sites: CandidateSite[] = [];
  const failures: ChecksProposal['failures'] = [];
  let inspectedFiles = 0;
  let sinceYield = 0;
  for (const path of listing.files) {
    const outcome = readSourceText(options.fs, path);
    if (!('text' in outcome) || !mayHoldCandidates(outcome.text, definedKeys)) continue;
    inspectedFiles++;
    const file = path.slice(options.root.replace(/\/+$/, '').length + 1);
    try {
      const found = host.inspectFile(path, outcome.text, (sourceFile, evaluateKey) => collectCandidateSites(sourceFile, { file, evaluateKey, evaluateUnnamed: definedKeys.size > 0 }));
      for (const site of found) if (!foundChecks.has(`${file}\0${site.start}`) && !foundChecks.has(`${file}\0k${site.keyStart}`)) sites.push(site);
    } catch (error) {
      failures.push({ file, reason: error instanceof RangeError ? 'nested too deeply to analyse' : `analysis failed: ${(error as Error).message?.split('\n')[0] ?? String(error)}` });
    }
    if (++sinceYield >= 50) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return {
    candidates: judgeCandidates(sites, definedKeys),
    definitionsFound: definedKeys.size > 0,
    files: listing.files.length,
    inspectedFiles,
    foundWithoutConfig: scan.references.length,
    failures,
  };
}

/** Groups sites by their check, judges each group and ranks them (pure; exported for tests). */
export function judgeCandidates(sites: readonly CandidateSite[], definedKeys: ReadonlySet<string>): ProposedCheck[] {
  const groups = new Map<string, CandidateSite[]>();
  for (const site of sites) {
    const id = checkIdentity(site.check);
    const group = groups.get(id);
    if (group) group.push(site);
    else groups.set(id, [site]);
  }
  const definedNormalized = new Set([...definedKeys].map(normalizedKey));
  const judged = [...groups.values()].map((group) => judgeGroup(group, definedKeys, definedNormalized));
  const accepted = judged.filter((candidate) => candidate.accepted);
  const others = judged
    .filter((candidate) => !candidate.accepted && (candidate.evidence !== 'weak' || candidate.definedKeys > 0 || candidate.score >= 3))
    .sort(byRank)
    .slice(0, MAX_SHOWN_OTHERS);
  return [...accepted.sort(byRank), ...others];
}

const EVIDENCE_RANK: Record<CandidateEvidence, number> = { defined: 0, shape: 1, weak: 2 };

function byRank(a: ProposedCheck, b: ProposedCheck): number {
  return EVIDENCE_RANK[a.evidence] - EVIDENCE_RANK[b.evidence] || b.definedKeys - a.definedKeys || b.score - a.score || b.sites - a.sites || compareText(a.shape, b.shape);
}

function judgeGroup(group: CandidateSite[], definedKeys: ReadonlySet<string>, definedNormalized: ReadonlySet<string>): ProposedCheck {
  const check = { ...group[0].check };
  const keyCounts = new Map<string, number>();
  for (const site of group) keyCounts.set(site.key, (keyCounts.get(site.key) ?? 0) + 1);
  const keys = [...keyCounts.keys()].sort((a, b) => keyCounts.get(b)! - keyCounts.get(a)! || compareText(a, b));
  const defined = keys.filter((key) => definedKeys.has(key) || definedNormalized.has(normalizedKey(key))).length;
  const sites = group.length;
  const testSites = group.filter((site) => site.inTest).length;
  const conditions = group.filter((site) => site.condition).length;
  const namedKeys = group.filter((site) => site.keyExpression !== undefined && hasFlagWord(site.keyExpression)).length;

  const segments = check.kind === 'call' ? check.call.split('.') : [];
  const nameSignal = check.kind === 'call' ? readsAsFlagCheck(segments[segments.length - 1]) : check.kind === 'property' ? true : hasFlagWord(check.jsx);
  // The receiver (`featureService.isEnabled`), the object field holding the key (`{ featureFlag: … }`) or the JSX
  // attribute (`flagName`) is named for flags.
  const ownerSignal = check.kind === 'call' ? (segments.length > 1 && hasFlagWord(segments[0])) || check.key.split('.').slice(1).some(hasFlagWord) : check.kind === 'jsx' ? hasFlagWord(check.attribute) : false;
  const keySignal = namedKeys * 2 >= sites;
  const conditionSignal = conditions * 2 >= sites;
  const manyKeys = keys.length >= 3;
  const score = (nameSignal ? 2 : 0) + (ownerSignal ? 1 : 0) + (keySignal ? 2 : 0) + (conditionSignal ? 1 : 0) + (manyKeys ? 1 : 0);
  const mostlyTests = testSites * 2 >= sites;
  // A collection read (`featureFlags.get('x')`) needs more than the receiver's name: its keys or its use.
  const collectionRead = check.kind === 'call' && /^(get|has|includes|getItem)$/.test(segments[segments.length - 1]);
  const shaped = (nameSignal || ownerSignal || keySignal) && score >= 3 && !mostlyTests && (!collectionRead || keySignal || conditionSignal);
  // Keys alone vouch for a group when half of them are defined flags; one key with no sign of a check at all
  // (`label('checkout')` where `checkout` is also a flag) does not.
  const definedByKeys = defined > 0 && defined * 2 >= keys.length && (defined >= 2 || score >= 1) && !mostlyTests;
  const evidence: CandidateEvidence = definedByKeys ? 'defined' : shaped ? 'shape' : 'weak';
  const accepted = definedKeys.size > 0 ? evidence === 'defined' : evidence === 'shape';

  if (check.kind === 'call') {
    // A boolean literal at the same argument of (nearly) every call is the fallback value: declare it for FL005.
    const keyIndex = Number(check.key.split('.')[0]);
    const counts = new Map<number, number>();
    for (const site of group) for (const index of site.booleanArguments ?? []) if (index !== keyIndex) counts.set(index, (counts.get(index) ?? 0) + 1);
    const fallback = [...counts].find(([, count]) => count * 5 >= sites * 4);
    if (fallback) check.defaultArgument = fallback[0];
  }

  const reasons: string[] = [];
  if (defined > 0 && defined === keys.length) reasons.push(keys.length === 1 ? 'its key is a defined flag' : keys.length === 2 ? 'both its keys are defined flags' : `all ${keys.length} of its keys are defined flags`);
  else if (defined > 0) reasons.push(`${defined} of its ${plural(keys.length, 'key')} ${defined === 1 ? 'is a defined flag' : 'are defined flags'}`);
  else if (definedKeys.size > 0) reasons.push('none of its keys is a defined flag');
  if (nameSignal && check.kind !== 'property') reasons.push('named like a flag check');
  if (check.kind === 'property') reasons.push('reads a collection named for flags');
  if (ownerSignal) reasons.push(check.kind === 'jsx' ? 'its attribute is named for flags' : segments.length > 1 && hasFlagWord(segments[0]) ? 'its receiver is named for flags' : 'the field holding its key is named for flags');
  if (keySignal) reasons.push('its keys are named for flags (by their constants or types)');
  if (conditions) reasons.push(`decides a condition at ${conditions} of ${plural(sites, 'site')}`);
  if (manyKeys) reasons.push(`${keys.length} distinct keys`);
  if (mostlyTests) reasons.push(`${testSites} of ${plural(sites, 'site')} are in tests`);

  const outsideTests = group.filter((site) => !site.inTest);
  const exampleSites = [...outsideTests, ...group.filter((site) => site.inTest)];
  const examples: ProposedCheck['examples'] = [];
  for (const site of exampleSites) {
    if (examples.length === 2) break;
    if (examples.some((example) => example.excerpt === site.excerpt)) continue;
    examples.push({ file: site.file, line: site.line, column: site.column, excerpt: site.excerpt });
  }
  return { check, shape: describeShape(check), sites, testSites, keys, definedKeys: defined, examples, evidence, reasons, accepted, score };
}

/** The check as a person reads it in code. */
export function describeShape(check: CustomCheck): string {
  if (check.kind === 'property') return `${check.property}.*`;
  if (check.kind === 'jsx') return `<${check.jsx} ${check.attribute}>`;
  return check.key === '0' ? check.call : `${check.call} (key ${check.key})`;
}

function checkIdentity(check: CustomCheck): string {
  if (check.kind === 'call') return `call\0${check.call}\0${check.key}`;
  if (check.kind === 'property') return `property\0${check.property}`;
  return `jsx\0${check.jsx}\0${check.attribute}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
