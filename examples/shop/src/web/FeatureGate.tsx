// Renders its children only when a flag is on; configured in flaglens.yaml as a check (jsx: FeatureGate).
import type { ReactNode } from 'react';
import { useFeature } from './useFeature';

export function FeatureGate(props: { flag: string; children: ReactNode }) {
  const enabled = useFeature(props.flag);
  return enabled ? <>{props.children}</> : null;
}
