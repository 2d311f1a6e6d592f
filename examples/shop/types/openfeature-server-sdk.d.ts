// Minimal declarations of the OpenFeature server SDK, so the example type-checks without installing it.
declare module '@openfeature/server-sdk' {
  export interface EvaluationContext {
    targetingKey?: string;
    [attribute: string]: unknown;
  }
  export interface Client {
    getBooleanValue(flagKey: string, defaultValue: boolean, context?: EvaluationContext): Promise<boolean>;
    getStringValue(flagKey: string, defaultValue: string, context?: EvaluationContext): Promise<string>;
    getNumberValue(flagKey: string, defaultValue: number, context?: EvaluationContext): Promise<number>;
    getObjectValue<T extends object>(flagKey: string, defaultValue: T, context?: EvaluationContext): Promise<T>;
  }
  export interface OpenFeatureAPI {
    getClient(domain?: string): Client;
    setProviderAndWait(provider: unknown): Promise<void>;
  }
  export const OpenFeature: OpenFeatureAPI;
}
