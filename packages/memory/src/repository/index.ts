export { languageForPath } from './code-language.js';
export { findGitRepository } from './git.js';
export { codeCitation, type LineRange, lineRange } from './line-range.js';
export {
  type IgnoredFile,
  type IgnoredReason,
  type ListRepositoryOptions,
  listRepositoryFiles,
  type RepositoryFile,
  type RepositoryListing,
} from './repository-files.js';
export { type RepositorySyncOptions, type RepositorySyncReport, syncRepository } from './sync-repository.js';
