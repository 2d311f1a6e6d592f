// The bundles tests run the way users do (dist/cli.js, dist/server.js): built again when one is missing or any
// source it is built from is newer, so a test never passes against a stale build. One setup for every such test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const REPOSITORY = join(__dirname, '..');

/** What the bundles are built from (scripts/build.mjs): the sources of every part, the build script, the dependencies. */
export const BUNDLE_INPUTS = {
  folders: ['core/src', 'cli/src', 'server/src', 'protocol/src', 'client/src'],
  files: ['package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/generate-config-validator.mjs', 'syntaxes/flaglens.schema.json'],
};

/** Why `bundle` must be built again (missing, or the first input newer than it), or undefined when it is fresh. */
export function bundleStaleness(root: string, bundle: string, inputs: { folders: string[]; files: string[] } = BUNDLE_INPUTS): string | undefined {
  const bundlePath = join(root, bundle);
  if (!existsSync(bundlePath)) return `${bundle} is missing`;
  const builtAt = statSync(bundlePath).mtimeMs;
  const newer = (path: string): string | undefined => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) {
        const found = newer(join(path, name));
        if (found) return found;
      }
      return undefined;
    }
    return stat.mtimeMs > builtAt ? path : undefined;
  };
  for (const input of [...inputs.files, ...inputs.folders]) {
    const path = join(root, input);
    if (!existsSync(path)) continue;
    const found = newer(path);
    if (found) return `${found.slice(root.length + 1)} is newer than ${bundle}`;
  }
  return undefined;
}

/** The absolute path of `dist/<name>`, built first (all bundles at once) when it is stale. */
export function freshBundle(name: 'cli.js' | 'server.js'): string {
  const bundle = join('dist', name);
  const reason = bundleStaleness(REPOSITORY, bundle);
  if (reason) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPOSITORY, encoding: 'utf8' });
    assert.equal(build.status, 0, `building because ${reason} failed: ${build.stderr}`);
    assert.equal(bundleStaleness(REPOSITORY, bundle), undefined, `${bundle} is still stale after the build`);
  }
  return join(REPOSITORY, bundle);
}
