// `flaglens init`'s core: candidate checks found in the code (candidates.ts), judged and ranked (propose.ts),
// and written as a commented flaglens.yaml (configText.ts). Shared by the CLI and the language server.
export { proposeChecks, judgeCandidates, describeShape, type ChecksProposal, type ProposedCheck, type ProposeChecksOptions, type CandidateEvidence } from './propose.js';
export { proposalConfigText, checkEntry, type ConfigTextOptions } from './configText.js';
export { collectCandidateSites, isTestFile, looksLikeKey, readsAsFlagCheck, hasFlagWord, usedAsCondition, type CandidateSite } from './candidates.js';
