// Minimal declarations of LaunchDarkly's React SDK, so the example type-checks without installing it.
declare module 'launchdarkly-react-client-sdk' {
  export type LDFlagValue = any;
  export type LDFlagSet = Record<string, LDFlagValue>;
  export interface LDClient {
    variation(key: string, defaultValue?: LDFlagValue): LDFlagValue;
    boolVariation(key: string, defaultValue: boolean): boolean;
  }
  export function useFlags<T extends LDFlagSet = LDFlagSet>(): T;
  export function useLDClient(): LDClient | undefined;
}
