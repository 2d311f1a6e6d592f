// The workspace's own Prettier as a range formatter for `flaglens cleanup`: used only when the workspace both
// configures Prettier (a .prettierrc*, prettier.config.*, or a "prettier" key in package.json) and has it
// installed where the workspace resolves its packages. Flaglens never brings a Prettier of its own.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { RangeFormatter } from '../../core/src/cleanup/format.js';

interface PrettierApi {
  resolveConfigFile(filePath?: string): Promise<string | null>;
  resolveConfig(filePath: string, options?: { editorconfig?: boolean }): Promise<Record<string, unknown> | null>;
  format(source: string, options: Record<string, unknown>): Promise<string>;
}

/** The workspace's Prettier, or undefined when it is not both configured and installed there. */
export async function workspacePrettier(root: string): Promise<RangeFormatter | undefined> {
  let prettier: PrettierApi;
  try {
    const workspaceRequire = createRequire(join(root, 'package.json'));
    prettier = workspaceRequire(workspaceRequire.resolve('prettier')) as PrettierApi;
  } catch {
    return undefined;
  }
  if (typeof prettier.format !== 'function' || !(await prettier.resolveConfigFile(join(root, 'package.json')))) return undefined;
  return async (text, range, file) => {
    const filepath = join(root, file);
    const config = (await prettier.resolveConfig(filepath, { editorconfig: true })) ?? {};
    return prettier.format(text, { ...config, filepath, rangeStart: range.start, rangeEnd: range.end });
  };
}
