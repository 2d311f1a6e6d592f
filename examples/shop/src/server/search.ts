// Product search: the new index rolls out gradually, recommendations are in canary, and the old engine
// is still wired in behind a flag that was removed from flags.flagd.yaml.
import { OpenFeature } from '@openfeature/server-sdk';
import { FLAGS } from '../flags';

const flags = OpenFeature.getClient('search');

export interface SearchResult {
  engine: 'legacy' | 'fast' | 'standard';
  query: string;
  recommendations: boolean;
}

export async function search(query: string, userId: string): Promise<SearchResult> {
  const context = { targetingKey: userId };
  const recommendations = await flags.getBooleanValue(FLAGS.RECOMMENDATIONS_V2, false, context);
  if (await flags.getBooleanValue(FLAGS.LEGACY_SEARCH, false, context)) {
    return { engine: 'legacy', query, recommendations };
  }
  const fast = await flags.getBooleanValue(FLAGS.FAST_SEARCH, false, context);
  return { engine: fast ? 'fast' : 'standard', query, recommendations };
}

/** Search experiments are named at run time, so their keys cannot be known statically. */
export async function isSearchExperimentOn(name: string, userId: string): Promise<boolean> {
  return flags.getBooleanValue(`search-experiment-${name}`, false, { targetingKey: userId });
}
