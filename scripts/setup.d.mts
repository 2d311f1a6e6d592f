// Types for scripts/setup.mjs (what `npm test` installs before the tests), for TypeScript tests.
export declare const repositoryRoot: string;
export declare const DEBIAN_PACKAGES: string[];
export interface SetupStep {
  label: string;
  done(): boolean;
  install(context: { print: (line: string) => void }): void;
}
export declare function missingDebianPackages(packages?: string[]): string[] | undefined;
export declare function aptCommand(packages: string[]): string;
export declare function setupSteps(): SetupStep[];
export declare function runSetup(steps?: SetupStep[], options?: { print?: (line: string) => void; printError?: (text: string) => void }): number;
