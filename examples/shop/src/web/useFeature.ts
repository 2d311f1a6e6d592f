// The team's flag hook: one place to change how the front end reads a flag (logging, defaults).
import { useLDClient } from 'launchdarkly-react-client-sdk';

export function useFeature(key: string): boolean {
  const client = useLDClient();
  return client ? Boolean(client.variation(key, false)) : false;
}
