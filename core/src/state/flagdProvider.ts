// The default rollout-state provider: OpenFeature flagd definition files in the workspace (named in
// flaglens.yaml, or found by the workspace walker with the scanner's ignore rules), read with positions and git
// history, and rewritten by guarded bump/abort.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import type { FileRevision } from '../io.js';
import { MAX_INPUT_FILE_BYTES, describeReadError } from '../io.js';
import type { AbortRequest, BumpRequest, FlagState, InputError, ProviderContext, RolloutChange, StateProvider, StateSnapshot } from '../model.js';
import { NAMED_STATE_FILE_ERROR, RolloutRefusedError } from '../model.js';
import { flagdTextsHere, type FlagdFileSummary, type FlagdRolloutEditRequest, type FlagdTextAnalysis, type FlagdTextOptions } from './flagdTexts.js';
import { stateFileHash, writeGuarded } from './fileStore.js';
import { flagdHistoryFacts, FlagdRevisionCache, readFlagdFileHistory, type FlagdHistoryFacts, type FlagdHistoryOptions } from './flagdHistory.js';
import { resolveWriteTarget, WriteRefusedError } from '../workspaceWrites.js';
import { planAbort, planBump, sameRolloutState, type RolloutPlan } from './rollout.js';
import { formatRolloutPercentage } from './stages.js';
import { WorkspaceRules } from '../workspaceFiles.js';

export const FLAGD_PROVIDER_ID = 'flagd';

/** File names auto-discovery picks up. */
export function isFlagdFileName(name: string): boolean {
  return /\.flagd\.(json|ya?ml)$/i.test(name) || /^flags\.(json|ya?ml)$/i.test(name);
}

export interface FlagdProviderOptions {
  /** Larger state files are refused with an error (default 10 MB). */
  maxFileBytes?: number;
  /** Maximum directory depth of auto-discovery below the root (default 8). */
  maxDepth?: number;
  /** Git history is re-read at most this often per unchanged file (default 30 s). */
  historyTtlMs?: number;
  /** How long a write waits for another writer's lock (default 3 s). */
  lockWaitMs?: number;
  /** Folder entries auto-discovery may look at (default 50,000); beyond it discovery stops with an error. */
  discoveryEntryLimit?: number;
}

/** One flagd file's text as read now. */
interface ReadText {
  absolutePath: string;
  /** Workspace-relative path. */
  file: string;
  text: string;
  hash: string;
}

/** One flagd file as read now, with what its text holds. */
interface ReadFile extends ReadText {
  analysis: FlagdFileSummary;
}

/** A flag as located for a bump, abort or preview: its file and its state in it. */
interface Located {
  file: ReadFile;
  definition: FlagdFileSummary['flags'][number];
}

/** Auto-discovery looks at no more folder entries than this (a huge tree should name its state files). */
const DISCOVERY_ENTRY_LIMIT = 50_000;

/** Parsing a long git history gives the event loop a turn after this much work (a language server answers meanwhile). */
const HISTORY_SLICE_MS = 8;

export class FlagdFileProvider implements StateProvider {
  readonly id = FLAGD_PROVIDER_ID;
  private readonly revisionCache = new FlagdRevisionCache();
  private readonly historyCache = new Map<string, { hash: string; atMs: number; facts: ReturnType<typeof flagdHistoryFacts>; complete: boolean }>();
  /**
   * The last analysis of each file by its content hash: a load, a bump's lookup and its read-back parse the same
   * text once, not once each (the YAML parse is the expensive part of a state load).
   */
  private readonly analysisCache = new Map<string, { hash: string; analysis: FlagdFileSummary }>();

  constructor(
    private readonly context: ProviderContext,
    private readonly options: FlagdProviderOptions = {},
  ) {}

  /** What the last walk found (auto-discovery and globs walk the workspace; a state load should not walk it each time). */
  private discovered: { files: string[]; errors: InputError[]; configured: boolean } | undefined;

  workspaceFilesChanged(): void {
    this.discovered = undefined;
  }

  /**
   * The flagd files of the workspace (absolute paths, sorted): `state.flagd` from the config, else discovered. A walk's
   * result is kept until `workspaceFilesChanged` (plain configured paths need none).
   */
  discoverFiles(): { files: string[]; errors: InputError[]; configured: boolean } {
    if (this.discovered) return { ...this.discovered, errors: [...this.discovered.errors] };
    const found = this.discoverNow();
    if (!this.context.config.state.flagd.length || this.context.config.state.flagd.some((path) => picomatch.scan(path).isGlob)) this.discovered = found;
    return found;
  }

  private discoverNow(): { files: string[]; errors: InputError[]; configured: boolean } {
    const { root, config } = this.context;
    const rules = new WorkspaceRules(this.context.fs, root, config.exclude);
    if (config.state.flagd.length) {
      // Plain paths are taken as named (a missing one is an error); globs (`config/*.flagd.yaml`) match what exists.
      const globs = config.state.flagd.filter((path) => picomatch.scan(path).isGlob);
      const named = config.state.flagd.filter((path) => !globs.includes(path)).map((path) => (isAbsolute(path) ? path : resolve(root, path)));
      const errors: InputError[] = [];
      const matched: string[] = [];
      for (const glob of globs) {
        const files = this.walk(rules, picomatch(glob.replace(/^\.\//, ''), { dot: true })).files;
        if (!files.length) errors.push({ ...this.namedAt(glob), message: `state.flagd: no file matches '${glob}'`, code: NAMED_STATE_FILE_ERROR });
        matched.push(...files);
      }
      return { files: [...new Set([...named, ...matched])], errors, configured: true };
    }
    const errors: InputError[] = [];
    const walked = this.walk(rules, (relativePath) => isFlagdFileName(relativePath.split('/').pop()!));
    if (walked.limitReached) {
      errors.push({ file: '.', line: 1, column: 1, message: `flagd discovery stopped after ${this.options.discoveryEntryLimit ?? DISCOVERY_ENTRY_LIMIT} folder entries: name the state files in flaglens.yaml (state: { flagd: … })`, code: 'flagd-discovery' });
    }
    return { files: walked.files, errors, configured: false };
  }

  /** Files under the root whose workspace-relative path `wanted` accepts (bounded depth and entries), sorted. */
  private walk(rules: WorkspaceRules, wanted: (relativePath: string) => boolean): { files: string[]; limitReached: boolean } {
    const walked = rules.walk({
      accept: (relativePath) => wanted(relativePath),
      maxDepth: this.options.maxDepth ?? 8,
      entryLimit: this.options.discoveryEntryLimit ?? DISCOVERY_ENTRY_LIMIT,
    });
    return { files: walked.files.sort(), limitReached: walked.limitReached };
  }

  async load(): Promise<StateSnapshot> {
    const discovered = this.discoverFiles();
    const read = await this.readFiles(discovered.files, discovered.configured);
    const errors: InputError[] = [...discovered.errors, ...read.errors];
    const flags: FlagState[] = [];
    const definedIn = new Map<string, string>();
    const everDefined = new Set<string>();
    const unreadable = new Set<string>();
    // Removed keys are known only when every state file's whole history was read.
    let removalsKnown = read.files.length > 0;
    for (const file of read.files) {
      errors.push(...file.analysis.errors);
      const history = await this.history(file);
      removalsKnown &&= this.historyCache.get(file.absolutePath)?.complete === true;
      for (const key of history.everDefined) everDefined.add(key);
      // A file that does not parse now hides its flags; they are not "removed" (FL002) because of a typo.
      if (file.analysis.malformed) for (const key of history.lastCommittedKeys) unreadable.add(key);
      for (const definition of file.analysis.flags) {
        const first = definedIn.get(definition.key);
        if (first !== undefined) {
          const at = definition.state.definition!;
          errors.push({ file: at.file, line: at.line, column: at.column, message: `flag '${definition.key}' is defined in both ${first} and ${file.analysis.file}: keep one (Flaglens uses ${first})`, code: 'flagd-duplicate' });
          continue;
        }
        definedIn.set(definition.key, file.analysis.file);
        // A copy: the analysis is cached and shared, the snapshot's states are its own.
        const state = { ...definition.state };
        if (state.stage === 'released' && state.releasedAtSource !== 'metadata') {
          const since = history.releasedSince.get(state.key);
          state.releasedAt = since ?? null;
          state.releasedAtSource = since ? 'git' : 'unknown';
        }
        flags.push(state);
      }
    }
    const removedKeys = [...everDefined].filter((key) => !definedIn.has(key) && !unreadable.has(key)).sort();
    return { provider: this.id, flags, removedKeys, removalsKnown, errors, fetchedAt: this.context.clock.now().toISOString() };
  }

  /** Plans a bump against the current file state without writing (the CLI's and editor's preview). */
  async previewBump(request: BumpRequest): Promise<RolloutPlan> {
    const located = await this.locate(request.key);
    return planBump(located?.definition.state, this.context.config.rollout.steps, request.to);
  }

  /** Plans an abort against the current file state without writing. */
  async previewAbort(request: Pick<AbortRequest, 'key'>): Promise<RolloutPlan> {
    const located = await this.locate(request.key);
    return planAbort(located?.definition.state, this.context.config.rollout.steps);
  }

  async bump(request: BumpRequest): Promise<RolloutChange> {
    const located = await this.locateForWrite(request.key, request.expected);
    const plan = planBump(located.definition.state, this.context.config.rollout.steps, request.to);
    if (!plan.ok) throw new RolloutRefusedError(plan.message, plan.reason);
    await this.write(located.file, { key: request.key, kind: 'bump', to: plan.toPercentage, now: this.context.clock.now().toISOString() });
    return stripOk(plan);
  }

  async abort(request: AbortRequest): Promise<RolloutChange> {
    const reason = (request.reason ?? '').trim();
    if (!reason) throw new RolloutRefusedError('an abort needs a reason (it is recorded as metadata.abortReason)', 'invalid');
    const located = await this.locateForWrite(request.key, request.expected);
    const plan = planAbort(located.definition.state, this.context.config.rollout.steps);
    if (!plan.ok) throw new RolloutRefusedError(plan.message, plan.reason);
    await this.write(located.file, { key: request.key, kind: 'abort', reason, now: this.context.clock.now().toISOString() });
    return stripOk(plan);
  }

  // -------------------------------------------------------------------------------------------

  private relative(path: string): string {
    return relative(this.context.root, path).split(sep).join('/');
  }

  /** The texts of the files (read here: a file read is quick; parsing them is not, see `readFiles`). */
  private readTexts(paths: string[], configured: boolean): { texts: ReadText[]; errors: InputError[] } {
    const texts: ReadText[] = [];
    const errors: InputError[] = [];
    for (const absolutePath of paths) {
      const file = this.relative(absolutePath);
      let text: string;
      try {
        // Strict UTF-8: a file whose bytes do not decode would be re-encoded by a write, changing bytes nobody edited.
        text = this.context.fs.readFile(absolutePath, { maxBytes: this.options.maxFileBytes ?? MAX_INPUT_FILE_BYTES, strictUtf8: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const position = /at line (\d+), column (\d+)/.exec((error as Error).message ?? '');
        if (configured && !position) {
          // A file flaglens.yaml names that cannot be read is a configuration error, reported where it is named.
          const named = this.namedEntryFor(absolutePath);
          errors.push({ ...this.namedAt(named), message: `flagd file ${named} ${describeReadError(error)} (named in flaglens.yaml state.flagd)`, code: NAMED_STATE_FILE_ERROR });
          continue;
        }
        errors.push({
          file,
          line: position ? Number(position[1]) : 1,
          column: position ? Number(position[2]) : 1,
          message: `flagd file ${file} ${describeReadError(error)}${configured ? ' (named in flaglens.yaml state.flagd)' : ''}`,
          code: configured ? NAMED_STATE_FILE_ERROR : code === 'ENOENT' ? 'flagd-missing' : 'flagd-unreadable',
        });
        continue;
      }
      texts.push({ absolutePath, file, text, hash: stateFileHash(text) });
    }
    return { texts, errors };
  }

  /** The files read and parsed (an unchanged text is not parsed again; the parsing may happen on another thread). */
  private async readFiles(paths: string[], configured: boolean): Promise<{ files: ReadFile[]; errors: InputError[] }> {
    const { texts, errors } = this.readTexts(paths, configured);
    const files: ReadFile[] = [];
    for (const read of texts) {
      const cached = this.analysisCache.get(read.absolutePath);
      const analysis = cached?.hash === read.hash ? cached.analysis : await this.parse((texts) => texts.analyze(read.text, this.textOptions(read.file)));
      this.analysisCache.set(read.absolutePath, { hash: read.hash, analysis });
      // An auto-discovered `flags.json` that is not flagd at all (no `flags` mapping) is someone else's file.
      if (!configured && !analysis.isFlagdFile && !analysis.malformed && /^flags\./i.test(read.file.split('/').pop()!)) continue;
      files.push({ ...read, analysis });
    }
    return { files, errors };
  }

  private textOptions(file: string): FlagdTextOptions {
    return { file, steps: this.context.config.rollout.steps };
  }

  /** Parses where the context says (another thread), or here when there is none, it is not up yet, or it is gone. */
  private parse<T>(run: (texts: FlagdTextAnalysis) => Promise<T>): Promise<T> {
    const elsewhere = this.context.flagdTexts;
    return elsewhereOrHere(elsewhere && (() => run(elsewhere)), () => run(flagdTextsHere));
  }

  /**
   * The configuration errors of the state files flaglens.yaml names (missing, unreadable, a glob matching
   * nothing), without reading git history: for commands that do not load the state (`scan`).
   */
  namedFileErrors(): InputError[] {
    if (!this.context.config.state.flagd.length) return [];
    const discovered = this.discoverFiles();
    const read = this.readTexts(discovered.files, true);
    return [...discovered.errors, ...read.errors].filter((error) => error.code === NAMED_STATE_FILE_ERROR);
  }

  /** Where flaglens.yaml names `entry` in state.flagd (its start of `state.flagd` when the place is unknown). */
  private namedAt(entry: string): Pick<InputError, 'file' | 'line' | 'column'> {
    const { config, root } = this.context;
    const place = config.state.flagdAt?.[entry];
    return { file: this.relative(config.file ?? join(root, 'flaglens.yaml')), line: place?.line ?? 1, column: place?.column ?? 1 };
  }

  /** The state.flagd entry that names an absolute path (as written), or the workspace-relative path. */
  private namedEntryFor(absolutePath: string): string {
    const { config, root } = this.context;
    return config.state.flagd.find((entry) => (isAbsolute(entry) ? entry : resolve(root, entry)) === absolutePath) ?? this.relative(absolutePath);
  }

  private async history(file: ReadFile): Promise<ReturnType<typeof flagdHistoryFacts>> {
    const releasedNow = new Set(file.analysis.flags.filter((flag) => flag.state.stage === 'released').map((flag) => flag.key));
    const cached = this.historyCache.get(file.absolutePath);
    const nowMs = this.context.clock.now().getTime();
    if (cached && cached.hash === file.hash && nowMs - cached.atMs < (this.options.historyTtlMs ?? 30_000)) return cached.facts;
    const options = { file: file.analysis.file, steps: this.context.config.rollout.steps, releasedNow };
    const elsewhere = this.context.flagdHistory;
    const history = await elsewhereOrHere(
      elsewhere && (() => elsewhere(file.absolutePath, options)),
      () => readFlagdFileHistory(this.context.git, file.absolutePath, (revisions) => this.historyHere(revisions, options)),
    );
    // No revision (no git, an untracked file) or a shallow clone: what was removed before is not known.
    this.historyCache.set(file.absolutePath, { hash: file.hash, atMs: nowMs, facts: history.facts, complete: history.revisions > 0 && !history.shallow });
    return history.facts;
  }

  /** Each revision is parsed once (the cache is by content), in slices: a long history never holds the event loop. */
  private async historyHere(revisions: FileRevision[], options: Omit<FlagdHistoryOptions, 'cache'>): Promise<FlagdHistoryFacts> {
    const { timers } = this.context;
    let sliceStarted = timers.monotonicMs();
    for (const revision of revisions) {
      if (revision.content === undefined) continue;
      this.revisionCache.factsFor(revision.content, options.file, options.steps);
      if (timers.monotonicMs() - sliceStarted < HISTORY_SLICE_MS) continue;
      await timers.sleep(0);
      sliceStarted = timers.monotonicMs();
    }
    return flagdHistoryFacts(revisions, { ...options, cache: this.revisionCache });
  }

  /** The file and definition of `key` (first file in discovery order), read now. */
  private async locate(key: string): Promise<Located | undefined> {
    const { files, configured } = this.discoverFiles();
    for (const file of (await this.readFiles(files, configured)).files) {
      const definition = file.analysis.flags.find((flag) => flag.key === key);
      if (definition) return { file, definition };
    }
    return undefined;
  }

  private async locateForWrite(key: string, expected: FlagState | undefined): Promise<Located> {
    if (!this.context.allowNetwork) throw new RolloutRefusedError('this workspace is not trusted: Flaglens does not write to it', 'unavailable');
    const located = await this.locate(key);
    if (!located) {
      const { files, configured } = this.discoverFiles();
      const unreadable = (await this.readFiles(files, configured)).files.filter((file) => file.analysis.malformed).map((file) => file.analysis.file);
      const note = unreadable.length ? ` (${unreadable.join(', ')} cannot be parsed: fix ${unreadable.length > 1 ? 'them' : 'it'} first)` : '';
      throw new RolloutRefusedError(`unknown flag '${key}': no flagd file defines it${note}`, 'not-found');
    }
    if (located.file.analysis.malformed) throw new RolloutRefusedError(`${located.file.analysis.file} is malformed: fix it before a bump or abort`, 'invalid');
    const current = located.definition.state;
    if (expected && !sameRolloutState(expected, current)) {
      throw new RolloutRefusedError(
        `flag '${key}' changed since read (${expected.stage} ${formatRolloutPercentage(expected.percentage)} → now ${current.stage} ${formatRolloutPercentage(current.percentage)}), retry`,
        'conflict',
      );
    }
    return located;
  }

  /** Edits the flag's rollout (where the texts are parsed), then replaces the file under the lock if it is unchanged. */
  private async write(file: ReadFile, request: FlagdRolloutEditRequest): Promise<void> {
    const edit = await this.parse((texts) => texts.rolloutEdit(file.text, this.textOptions(file.file), request));
    if (!edit.ok) throw new RolloutRefusedError(edit.message, edit.reason);
    // Write through a symlinked state file to its target (the link stays a link), only inside the workspace.
    let target: string;
    try {
      target = resolveWriteTarget(this.context, file.absolutePath, file.file);
    } catch (error) {
      if (!(error instanceof WriteRefusedError)) throw error;
      throw new RolloutRefusedError(error.message, error.reason === 'outside-workspace' ? 'outside-workspace' : 'conflict');
    }
    const io = { fs: this.context.fs, writer: this.context.writer, clock: this.context.clock, timers: this.context.timers };
    // The file is written only if it still holds the text that was edited (its hash), under the lock.
    await writeGuarded(io, target, edit.text, { expectedHash: file.hash, lockWaitMs: this.options.lockWaitMs, owner: `flaglens ${request.key}`, displayPath: file.file });
    // The read-back analysis is the new file's: the load that follows the write need not parse it again.
    this.analysisCache.set(file.absolutePath, { hash: stateFileHash(edit.text), analysis: edit.after });
  }
}

/** What another thread answers (the language server's analysis worker); what `here` does when there is none, or it refused (not up yet) or is gone. */
async function elsewhereOrHere<T>(elsewhere: (() => Promise<T>) | undefined, here: () => Promise<T>): Promise<T> {
  if (elsewhere) {
    try {
      return await elsewhere();
    } catch {
      // Done here instead.
    }
  }
  return here();
}

function stripOk(plan: RolloutPlan & { ok: true }): RolloutChange {
  const { ok: _ok, ...change } = plan;
  return change;
}

/** Registered in `providerFactories`: every workspace gets the flagd provider (it finds no files → no flags). */
export function flagdProviderFactory(context: ProviderContext): StateProvider[] {
  return [new FlagdFileProvider(context)];
}
