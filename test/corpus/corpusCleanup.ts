// What the real-corpus cleanup checks share: the corpus (unpacked once by scripts/corpus.mjs, never written
// to), its flag keys, the CLI's JSON report shape, and an independent type check — TypeScript's own language
// service per tsconfig, on disk — that compares the errors of changed files and their importers before and after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { runCli } from '../../cli/src/main.js';
import { unpackCorpus } from '../../scripts/corpus.mjs';
import { recordingIo } from '../cli/recordingIo.js';

export const repositoryRoot = resolve(__dirname, '../..');
/** Where the working copies go; the unpacked corpus itself is never written to. */
export const cacheRoot = join(repositoryRoot, '.cache', 'corpus-cleanup');

export interface SiteJson {
  file: string;
  line: number;
  status: string;
  reason?: string;
  depth?: number;
  literalKept?: string;
}
export interface ReportJson {
  flags: { key: string; status: string; accepted: boolean; sites: SiteJson[]; typeErrors: unknown[] }[];
  files: { file: string }[];
}

/** The corpus, unpacked once; when it is missing, the first test fails saying where it looked (never a skip). */
export const corpus = (() => {
  try {
    return unpackCorpus('twenty');
  } catch (error) {
    return { missing: error instanceof Error ? error.message : String(error) };
  }
})();
/** The corpus's flag keys, read when the file loads so that each key is a test of its own (its own time budget). */
export const keys = 'tree' in corpus ? [...new Set(readFileSync(corpus.groundTruth, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t')[2]!))].sort() : [];

/**
 * Registers the per-key cleanup tests for `part` of the corpus's keys (every `of`-th key from `part`), on a
 * working copy of its own: the keys are split over test files so that each stays within the runner's
 * per-file time budget on a loaded machine. The last test prints that part's rows of the docs table.
 */
export function registerCorpusCleanupTests(part: number, of: number): void {
  const partKeys = keys.filter((_, index) => index % of === part);
  const pristine = 'tree' in corpus ? corpus.tree : '';
  const work = join(cacheRoot, `work-${part}`);
  const config = join(cacheRoot, `twenty-${part}.flaglens.yaml`);
  let types: IndependentTypeCheck;
  let pristineSizes: Map<string, number>;
  const rows: string[] = [];
  const totals = { sites: 0, rewritten: 0, newErrors: 0, idempotent: 0, depth: [0, 0, 0] };
  const skipReasons = new Map<string, number>();
  let cleanupMs = 0;
  let started = 0;

  test(`the real corpus is unpacked into a working copy (keys ${part + 1} of every ${of})`, () => {
    assert.ok('tree' in corpus, 'missing' in corpus ? corpus.missing : '');
    assert.ok(keys.length >= 10, `the ground truth names the corpus's flag keys (found ${keys.length})`);
    rmSync(work, { recursive: true, force: true });
    cpSync(pristine, work, { recursive: true });
    writeFileSync(config, readFileSync(corpus.config, 'utf8'));
    types = new IndependentTypeCheck(work);
    pristineSizes = fileSizes(work);
    started = Date.now();
  });

  for (const key of partKeys) {
    test(`cleanup ${key} --value on --write: no new type error in the changed files and their importers; a second run changes nothing`, async () => {
      const io = recordingIo(repositoryRoot);
      const runStarted = Date.now();
      const code = await runCli(['cleanup', key, work, '--value', 'on', '--write', '--format', 'json', '--config', config], io);
      cleanupMs += Date.now() - runStarted;
      assert.equal(code, 0, `${key}: ${io.err}`);
      const report = JSON.parse(io.out) as ReportJson;
      const flag = report.flags[0]!;
      const changed = report.files.map((file) => file.file);
      // Only the files the report names changed.
      const sizes = fileSizes(work);
      for (const [file, size] of sizes) if (!changed.includes(file)) assert.equal(size, pristineSizes.get(file), `${key}: ${file} changed but is not in the report`);

      const newErrors = types.introducedErrors(changed, (file) => readFileSync(join(pristine, file), 'utf8'));
      for (const error of newErrors) console.log(`${key}: new type error: ${error}`);

      const again = recordingIo(repositoryRoot);
      assert.equal(await runCli(['cleanup', key, work, '--value', 'on', '--write', '--format', 'json', '--config', config], again), 0, again.err);
      const second = JSON.parse(again.out) as ReportJson;
      const idempotent = second.files.length === 0;

      const rewritten = flag.sites.filter((site) => site.status === 'rewritten');
      const skipped = flag.sites.filter((site) => site.status !== 'rewritten');
      for (const site of skipped) skipReasons.set(site.reason ?? '?', (skipReasons.get(site.reason ?? '?') ?? 0) + 1);
      for (const site of rewritten) totals.depth[site.depth ?? 0]! += 1;
      const kept = rewritten.filter((site) => site.literalKept).length;
      totals.sites += flag.sites.length;
      totals.rewritten += rewritten.length;
      totals.newErrors += newErrors.length;
      totals.idempotent += idempotent ? 1 : 0;
      rows.push(`| \`${key}\` | ${flag.sites.length} | ${rewritten.length} | ${skipped.length} | ${kept} | ${changed.length} | ${newErrors.length} | ${idempotent ? 'yes' : 'NO'} |`);

      // Reset the copy for the next key: every changed file gets its pristine text back.
      for (const file of changed) writeFileSync(join(work, file), readFileSync(join(pristine, file)));
      types.reset(changed);
      assert.deepEqual(newErrors, [], 'no new type errors');
      assert.ok(idempotent, 'a second run changes nothing');
    });
  }

  test(`across these ${partKeys.length} keys: ≥ 90% of the sites rewritten, no new type error, every key idempotent (rows of the table in docs/cleanup.md)`, () => {
    assert.equal(rows.length, partKeys.length, 'every key ran');
    const totalMs = Date.now() - started;
    console.log('| key | sites | rewritten | skipped | literal kept | files changed | new type errors | second run changes nothing |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const row of rows) console.log(row);
    console.log(`| **these ${partKeys.length} keys** | ${totals.sites} | ${totals.rewritten} (${((100 * totals.rewritten) / Math.max(1, totals.sites)).toFixed(1)}%) | ${totals.sites - totals.rewritten} | | | ${totals.newErrors} | ${totals.idempotent}/${partKeys.length} |`);
    console.log(`depth of rewritten sites: 0: ${totals.depth[0]}, 1: ${totals.depth[1]}, 2: ${totals.depth[2]}`);
    for (const [reason, count] of skipReasons) console.log(`skipped ×${count}: ${reason}`);
    console.log(`corpus cleanup check: ${partKeys.length} keys in ${(totalMs / 1000).toFixed(0)} s (cleanup runs ${(cleanupMs / 1000).toFixed(0)} s, independent type check ${(types.elapsedMs / 1000).toFixed(0)} s)`);

    // The independent check is live: an edit that breaks the types is seen as a new error.
    const probe = 'packages/twenty-front/src/modules/object-metadata/hooks/useFilteredObjectMetadataItems.ts';
    const probeText = readFileSync(join(work, probe), 'utf8');
    writeFileSync(join(work, probe), `${probeText}\nexport const probeNumber: number = 'not a number';\n`);
    assert.deepEqual(types.introducedErrors([probe], () => probeText), [`${probe}: TS2322 Type 'string' is not assignable to type 'number'.`]);
    writeFileSync(join(work, probe), probeText);
    types.reset([probe]);

    assert.equal(totals.newErrors, 0, 'no new type errors');
    assert.equal(totals.idempotent, partKeys.length, 'a second run changes nothing, for every key');
    assert.ok(totals.rewritten / totals.sites >= 0.9, `≥ 90% of the sites rewritten (${totals.rewritten}/${totals.sites})`);
  });
}

/** Workspace-relative source file → size, for finding files a run changed without saying so. */
export function fileSizes(root: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) sizes.set(relative(root, path), statSync(path).size);
    }
  };
  walk(root);
  return sizes;
}

/**
 * TypeScript's own language service per tsconfig, reading the copy on disk. The "before" texts of the
 * changed files are laid over it; their importers come from resolving every file's imports in its project.
 */
export class IndependentTypeCheck {
  elapsedMs = 0;
  private readonly services = new Map<string, { service: ts.LanguageService; fileNames: Set<string>; options: ts.CompilerOptions }>();
  private readonly overlay = new Map<string, string>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly root: string) {}

  /** `file:code message` of every error in the changed files and their importers after and not before. */
  introducedErrors(changed: string[], pristineText: (file: string) => string): string[] {
    const started = Date.now();
    const introduced: string[] = [];
    const byProject = new Map<string, Set<string>>();
    for (const file of changed.filter((candidate) => /\.[cm]?[jt]sx?$/.test(candidate))) {
      const config = this.projectOf(join(this.root, file));
      if (!config) continue;
      const group = byProject.get(config) ?? new Set<string>();
      group.add(join(this.root, file));
      for (const importer of this.importersOf(config, join(this.root, file))) group.add(importer);
      byProject.set(config, group);
    }
    for (const [config, files] of byProject) {
      const { service } = this.services.get(config)!;
      for (const file of changed) this.setText(join(this.root, file), pristineText(file));
      const before = this.errors(service, files);
      for (const file of changed) this.setText(join(this.root, file), undefined);
      const after = this.errors(service, files);
      const remaining = new Map<string, number>();
      for (const error of before) remaining.set(error, (remaining.get(error) ?? 0) + 1);
      for (const error of after) {
        const count = remaining.get(error) ?? 0;
        if (count > 0) remaining.set(error, count - 1);
        else introduced.push(error);
      }
    }
    this.elapsedMs += Date.now() - started;
    return introduced;
  }

  /** The files were given their pristine text back on disk. */
  reset(changed: string[]): void {
    for (const file of changed) this.setText(join(this.root, file), undefined);
  }

  private setText(path: string, text: string | undefined): void {
    if (text === undefined) this.overlay.delete(path);
    else this.overlay.set(path, text);
    this.versions.set(path, (this.versions.get(path) ?? 0) + 1);
  }

  private errors(service: ts.LanguageService, files: Set<string>): string[] {
    const errors: string[] = [];
    for (const file of files) {
      for (const diagnostic of [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)]) {
        if (diagnostic.category !== ts.DiagnosticCategory.Error) continue;
        errors.push(`${relative(this.root, file)}: TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`);
      }
    }
    return errors;
  }

  /** The tsconfig whose program holds an absolute `file`. */
  projectConfigOf(file: string): string | undefined {
    return this.projectOf(file);
  }

  /** The tsconfig whose program holds `file`: the nearest one, or the referenced one of a solution-style config. */
  private projectOf(file: string): string | undefined {
    for (let directory = dirname(file); directory.startsWith(this.root); directory = dirname(directory)) {
      const config = join(directory, 'tsconfig.json');
      if (!existsSync(config)) continue;
      const candidates = [config, ...this.references(config)];
      for (const candidate of candidates) if (this.service(candidate).fileNames.has(file)) return candidate;
      return config;
    }
    return undefined;
  }

  private references(config: string): string[] {
    const json = ts.readConfigFile(config, ts.sys.readFile).config as { references?: { path: string }[] };
    return (json.references ?? []).map((reference) => {
      const target = join(dirname(config), reference.path);
      return target.endsWith('.json') ? target : join(target, 'tsconfig.json');
    });
  }

  private service(config: string): { service: ts.LanguageService; fileNames: Set<string>; options: ts.CompilerOptions } {
    const existing = this.services.get(config);
    if (existing) return existing;
    const parsed = ts.getParsedCommandLineOfConfigFile(config, { noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const options = { ...parsed.options, noEmit: true, incremental: false, composite: false };
    const host: ts.LanguageServiceHost = {
      getScriptFileNames: () => parsed.fileNames,
      getScriptVersion: (path) => String(this.versions.get(path) ?? 0),
      getScriptSnapshot: (path) => {
        const text = this.overlay.get(path) ?? ts.sys.readFile(path);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => dirname(config),
      getCompilationSettings: () => options,
      getDefaultLibFileName: (compilerOptions) => ts.getDefaultLibFilePath(compilerOptions),
      fileExists: (path) => this.overlay.has(path) || ts.sys.fileExists(path),
      readFile: (path) => this.overlay.get(path) ?? ts.sys.readFile(path),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    };
    const entry = { service: ts.createLanguageService(host, ts.createDocumentRegistry()), fileNames: new Set(parsed.fileNames), options };
    this.services.set(config, entry);
    return entry;
  }

  /** Files of the project importing `target`, by TypeScript's resolution of their import specifiers. */
  private importersOf(config: string, target: string): string[] {
    const { fileNames, options } = this.service(config);
    const stem = basename(target).replace(/\.(d\.)?[cm]?[jt]sx?$/, '');
    const names = stem === 'index' ? [stem, basename(dirname(target))] : [stem];
    const importers: string[] = [];
    for (const file of fileNames) {
      if (file === target) continue;
      const text = ts.sys.readFile(file) ?? '';
      if (!names.some((name) => text.includes(name))) continue;
      for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
        if (!names.includes(imported.fileName.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, ''))) continue;
        if (ts.resolveModuleName(imported.fileName, file, options, ts.sys).resolvedModule?.resolvedFileName === target) {
          importers.push(file);
          break;
        }
      }
    }
    return importers;
  }
}
