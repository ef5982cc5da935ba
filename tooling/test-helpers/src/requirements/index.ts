export { findExecutable } from './find-executable.js';
export {
  decideRequirements,
  findMissingRequirements,
  isContinuousIntegration,
  type RequirementContext,
  type RequirementDecision,
  type Requirements,
} from './requirements.js';
