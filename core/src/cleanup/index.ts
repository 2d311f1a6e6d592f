// Automated removal of flags: the public API of the cleanup engine (see ARCHITECTURE.md). `planFlagRemoval`
// is the protocol-free core (texts in, minimal edits and per-site outcomes out); `planWorkspaceCleanup`
// adds scanning, the before/after type check and the state-file definition, for the CLI.
export { planFlagRemoval, parseFlagValue, lineColumnEdits } from './plan.js';
export type { LineColumnEdit, FlagRemovalRequest, FlagRemovalPlan, FlagValue, SiteOutcome, SiteStatus, FileChange, CleanupStatus } from './plan.js';
export { planWorkspaceCleanup, planWithPerSiteRefusal, defaultFlagValue } from './workspace.js';
export type { WorkspaceCleanupOptions, WorkspaceCleanupResult, FlagCleanupResult, DefinitionOutcome } from './workspace.js';
export { checkChangeTypes } from './typecheck.js';
export type { TypeCheckOptions, TypeCheckResult, TypeDiagnostic } from './typecheck.js';
export { formatChangedRanges } from './format.js';
export type { RangeFormatter } from './format.js';
export { removeFlagDefinition } from './definition.js';
export type { DefinitionRemoval } from './definition.js';
export { applyTextEdits, computeTextEdits, lineAndColumn } from './textEdits.js';
export type { TextEdit } from './textEdits.js';
export { planRemoveFlagFixes } from './quickFixes.js';
export type { RemoveFlagFix, RemoveFlagFixRequest } from './quickFixes.js';
