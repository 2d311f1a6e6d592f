// The two output forms of a scan: the stable JSON contract of `flaglens scan --format json` (read by
// other tools and tests) and the readable text listing (one line per reference, grouped by flag).
import type { FlagReference, ScanCacheReport, ScanFailure, ScanResult, SdkId, SkippedFiles } from '../model.js';

/** One reference in the JSON contract; optional fields appear only when set. */
export interface ScanJsonReference {
  key: string | null;
  file: string;
  line: number;
  column: number;
  sdk: SdkId;
  call: string;
  keyExpression: string;
  resolved: boolean;
  default?: unknown;
  unresolvedReason?: string;
  keyPattern?: string;
  keyStyle?: 'camelCase';
  via?: string[];
}

export interface ScanJson {
  references: ScanJsonReference[];
  files: number;
  parsedFiles: number;
  skipped: SkippedFiles;
  /** Files skipped because their analysis failed (counted in `skipped.failed`), with the reason. */
  failures: ScanFailure[];
  durationMs: number;
  /** With the persistent cache: files answered from it, files learnt afresh, and why it was ignored or not written. */
  cache?: ScanCacheReport;
}

/**
 * The JSON contract. `root` is accepted for callers whose references carry absolute paths; references
 * from the scanner are already workspace-relative with `/` separators.
 */
export function toScanJson(result: ScanResult, root: string): ScanJson {
  const prefix = root.split('\\').join('/').replace(/\/$/, '') + '/';
  return {
    references: result.references.map((reference) => {
      const file = reference.file.startsWith(prefix) ? reference.file.slice(prefix.length) : reference.file;
      const out: ScanJsonReference = {
        key: reference.key,
        file,
        line: reference.line,
        column: reference.column,
        sdk: reference.sdk,
        call: reference.call,
        keyExpression: reference.keyExpression,
        resolved: reference.resolved,
      };
      if (reference.default !== undefined) out.default = reference.default;
      if (reference.unresolvedReason !== undefined) out.unresolvedReason = reference.unresolvedReason;
      if (reference.keyPattern !== undefined) out.keyPattern = reference.keyPattern;
      if (reference.keyStyle !== undefined) out.keyStyle = reference.keyStyle;
      if (reference.via !== undefined) out.via = reference.via;
      return out;
    }),
    files: result.files,
    parsedFiles: result.parsedFiles,
    skipped: result.skipped,
    failures: result.failures,
    durationMs: result.durationMs,
    ...(result.cache ? { cache: result.cache } : {}),
  };
}

/**
 * Text listing: a header line per flag (key, reference count), then `file:line:column key (call)` per
 * reference; unresolved references last, under their own header, with the reason; then a summary of
 * the unresolved keys grouped by reason, and the totals.
 */
export function formatScanText(result: ScanResult): string {
  const byKey = new Map<string, FlagReference[]>();
  const unresolved: FlagReference[] = [];
  for (const reference of result.references) {
    if (reference.key === null) {
      unresolved.push(reference);
      continue;
    }
    const list = byKey.get(reference.key) ?? [];
    list.push(reference);
    byKey.set(reference.key, list);
  }
  const lines: string[] = [];
  const describe = (reference: FlagReference) => {
    const extras: string[] = [reference.sdk];
    if (reference.via) extras.push(`via ${reference.via.join(' → ')}`);
    if (reference.keyStyle) extras.push(reference.keyStyle);
    return `  ${reference.file}:${reference.line}:${reference.column} ${reference.key ?? reference.keyExpression} (${reference.call}) [${extras.join(', ')}]`;
  };
  for (const key of [...byKey.keys()].sort()) {
    const references = byKey.get(key)!;
    lines.push(`${key} — ${references.length} reference${references.length === 1 ? '' : 's'}`);
    for (const reference of references) lines.push(describe(reference));
  }
  if (unresolved.length) {
    lines.push(`(unresolved keys) — ${unresolved.length} reference${unresolved.length === 1 ? '' : 's'}`);
    for (const reference of unresolved) lines.push(`${describe(reference)}: ${reference.unresolvedReason ?? 'unresolved'}`);
  }
  // Why keys stayed unknown, most frequent reason first: one line per reason, so a missing package or a
  // broken tsconfig shows up once with its count instead of being buried in the listing.
  if (unresolved.length) {
    const byReason = new Map<string, number>();
    for (const reference of unresolved) {
      const reason = reference.unresolvedReason ?? 'unresolved';
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
    lines.push('', `${unresolved.length} key${unresolved.length === 1 ? '' : 's'} unresolved:`);
    for (const [reason, count] of [...byReason].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) lines.push(`  ${count} × ${reason}`);
  }
  const skipped = result.skipped;
  const skippedTotal = skipped.binary + skipped.tooLarge + skipped.unreadable + skipped.failed;
  if (result.failures.length) {
    lines.push(`(skipped files) — ${result.failures.length} file${result.failures.length === 1 ? '' : 's'} not analysed`);
    for (const failure of result.failures) lines.push(`  ${failure.file}: skipped: ${failure.reason}`);
  }
  lines.push(
    '',
    `${result.references.length} reference${result.references.length === 1 ? '' : 's'} to ${byKey.size} flag${byKey.size === 1 ? '' : 's'}` +
      ` in ${result.files} files (${result.parsedFiles} parsed` +
      (skippedTotal ? `; skipped ${skipped.binary} binary, ${skipped.tooLarge} too large, ${skipped.unreadable} unreadable, ${skipped.failed} failed` : '') +
      `) in ${result.durationMs} ms` +
      (result.cache ? ` (cache: ${result.cache.hits} unchanged, ${result.cache.misses} read afresh)` : ''),
  );
  if (result.cache?.ignored) lines.push(`(the scan cache was rebuilt: ${result.cache.ignored})`);
  if (result.cache?.notWritten) lines.push(`(the scan cache could not be written: ${result.cache.notWritten})`);
  return `${lines.join('\n')}\n`;
}
