// The Flaglens version, read once from package.json at build time (esbuild inlines only this field), so the
// CLI's --version, the language server's serverInfo and the SARIF driver always agree with the published package.
import { version } from '../../package.json';

export const FLAGLENS_VERSION: string = version;

declare const FLAGLENS_BUILD_ID: string | undefined;

/** The bundle's build (inlined by scripts/build.mjs: a hash of the sources it was built from), or `source` when run from sources. */
export function buildIdentity(): string {
  return typeof FLAGLENS_BUILD_ID === 'string' ? FLAGLENS_BUILD_ID : 'source';
}
