// Flag health from metrics (Prometheus): the statistics, evaluation, the background loop, rollout steps and
// watch leases, the bump guard and auto-advance decisions.
export * from './prometheus.js';
export * from './sequential.js';
export * from './compare.js';
export * from './evaluate.js';
export * from './guard.js';
export * from './workspaceHealth.js';
export * from './rolloutSteps.js';
export * from './watchLease.js';
export * from './liveUpdates.js';
