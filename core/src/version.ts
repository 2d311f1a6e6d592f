// The Flaglens version, read once from package.json at build time (esbuild inlines only this field), so the
// CLI's --version, the language server's serverInfo and the SARIF driver always agree with the published package.
import { version } from '../../package.json';

export const FLAGLENS_VERSION: string = version;
