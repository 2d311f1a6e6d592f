// Types for scripts/installLog.mjs (quiet installs of the test setup), for TypeScript tests.
export declare const setupLogDirectory: string;
export declare class InstallError extends Error {}
export declare function runLogged(
  label: string,
  command: string,
  args: string[],
  options: { logName: string; cwd?: string; env?: Record<string, string | undefined>; print?: (line: string) => void; logDirectory?: string },
): void;
