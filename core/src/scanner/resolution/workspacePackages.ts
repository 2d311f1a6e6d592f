// The workspace's own packages, found from its declarations without node_modules: package.json
// `workspaces` (array or `{ packages }`), pnpm-workspace.yaml, lerna.json and Nx (nx.json's layout
// folders). Maps each package name to its folder; globs that match nothing, package.json files that are
// not JSON and names used twice are kept as problems, for the references whose resolution they affect.
import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import type { CachedFileSystem } from './cachedFileSystem.js';

export interface WorkspacePackage {
  name: string;
  /** Absolute folder. */
  directory: string;
}

export interface WorkspacePackages {
  /** Package name → its folders (more than one: the name is ambiguous). */
  byName: Map<string, WorkspacePackage[]>;
  /** Workspace-level problems, one line each (`workspace glob 'libs/*' (package.json) matches no folder`). */
  problems: string[];
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);
const MAX_GLOB_DEPTH = 5;

/** Reads the workspace declarations under `root` and the package.json of every folder they name. */
export function discoverWorkspacePackages(files: CachedFileSystem, root: string): WorkspacePackages {
  const byName = new Map<string, WorkspacePackage[]>();
  const problems: string[] = [];
  const globs: Array<{ pattern: string; source: string }> = [];

  const rootManifest = readJson(files, `${root}/package.json`, root, problems);
  const workspaces = rootManifest?.workspaces;
  const workspaceGlobs = Array.isArray(workspaces) ? workspaces : isRecord(workspaces) && Array.isArray(workspaces.packages) ? workspaces.packages : [];
  for (const pattern of workspaceGlobs) if (typeof pattern === 'string') globs.push({ pattern, source: 'package.json' });

  const pnpm = files.readFile(`${root}/pnpm-workspace.yaml`);
  if (pnpm !== undefined) {
    try {
      const parsed = parseYaml(pnpm) as { packages?: unknown } | null;
      for (const pattern of Array.isArray(parsed?.packages) ? parsed.packages : []) if (typeof pattern === 'string') globs.push({ pattern, source: 'pnpm-workspace.yaml' });
    } catch (error) {
      problems.push(`pnpm-workspace.yaml is not valid YAML: ${firstLine(error)}`);
    }
  }

  const lerna = readJson(files, `${root}/lerna.json`, root, problems);
  for (const pattern of Array.isArray(lerna?.packages) ? lerna.packages : []) if (typeof pattern === 'string') globs.push({ pattern, source: 'lerna.json' });

  const nx = files.fileExists(`${root}/nx.json`) ? readJson(files, `${root}/nx.json`, root, problems) : undefined;
  if (nx) {
    // Nx finds projects by their project.json/package.json; its layout folders say where they live.
    const layout = isRecord(nx.workspaceLayout) ? nx.workspaceLayout : {};
    const folders = [layout.appsDir, layout.libsDir].filter((folder): folder is string => typeof folder === 'string');
    for (const folder of folders.length ? folders : ['apps', 'libs', 'packages']) {
      // One or two levels deep (`libs/shared`, `libs/shared/ui`): walking every folder below would read the world.
      if (files.directoryExists(`${root}/${folder}`)) globs.push({ pattern: `${folder}/*`, source: 'nx.json' }, { pattern: `${folder}/*/*`, source: 'nx.json' });
    }
  }

  const seenDirectories = new Set<string>();
  const exclusions = globs.filter((glob) => glob.pattern.startsWith('!')).map((glob) => picomatch(glob.pattern.slice(1).replace(/^\.\//, '')));
  for (const { pattern, source } of globs) {
    if (pattern.startsWith('!')) continue;
    const directories = expandDirectoryGlob(files, root, pattern.replace(/^\.\//, '').replace(/\/$/, ''));
    let matched = 0;
    for (const directory of directories) {
      const relative = directory.slice(root.length + 1);
      if (exclusions.some((isExcluded) => isExcluded(relative))) continue;
      const manifestPath = `${directory}/package.json`;
      if (!files.fileExists(manifestPath)) continue;
      matched++;
      if (seenDirectories.has(directory)) continue;
      seenDirectories.add(directory);
      const manifest = readJson(files, manifestPath, root, problems);
      if (!manifest || typeof manifest.name !== 'string') continue;
      const list = byName.get(manifest.name) ?? [];
      list.push({ name: manifest.name, directory });
      byName.set(manifest.name, list);
    }
    if (matched === 0 && source !== 'nx.json') problems.push(`workspace glob '${pattern}' (${source}) matches no package folder`);
  }
  for (const [name, list] of byName) {
    if (list.length > 1) problems.push(`two workspace packages are named ${name}: ${list.map((p) => p.directory.slice(root.length + 1)).join(', ')}`);
  }
  return { byName, problems };
}

/** Folders under `root` matching a workspace glob (`packages/*`, `apps/**`, `libs/*\/feature-*`). */
function expandDirectoryGlob(files: CachedFileSystem, root: string, pattern: string): string[] {
  const segments = pattern.split('/').filter(Boolean);
  const out: string[] = [];
  const visit = (directory: string, index: number, depth: number): void => {
    if (depth > MAX_GLOB_DEPTH + segments.length) return;
    if (index === segments.length) {
      out.push(directory);
      return;
    }
    const segment = segments[index];
    if (segment === '**') {
      visit(directory, index + 1, depth); // `**` matches no folder too.
      for (const name of files.directories(directory)) if (!SKIPPED_DIRECTORIES.has(name) && !name.startsWith('.')) visit(`${directory}/${name}`, index, depth + 1);
      return;
    }
    if (!/[*?[{]/.test(segment)) {
      if (files.directoryExists(`${directory}/${segment}`)) visit(`${directory}/${segment}`, index + 1, depth + 1);
      return;
    }
    const matches = picomatch(segment);
    for (const name of files.directories(directory)) if (!SKIPPED_DIRECTORIES.has(name) && matches(name)) visit(`${directory}/${name}`, index + 1, depth + 1);
  };
  visit(root, 0, 0);
  return out;
}

/** A JSON object from a file; a file that is not JSON is a problem (with its position), not an error. */
export function readJson(files: CachedFileSystem, path: string, root: string, problems: string[]): Record<string, unknown> | undefined {
  const text = files.readFile(path);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return isRecord(value) ? value : undefined;
  } catch (error) {
    problems.push(`${path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path} is not valid JSON: ${firstLine(error)}`);
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
