/**
 * A value of a source's top-level metadata field. Scalars are matched by equality in a retrieval
 * filter's `metadata`; lists of strings (a note's tags and links) by `metadataIncludes`.
 */
export type MetadataValue = string | number | boolean | null | readonly string[];

/** The scalar values, which a `metadata` equality filter compares. */
export type ScalarMetadataValue = string | number | boolean | null;

/** A source's metadata as loaders and callers give it. */
export type SourceMetadata = Record<string, MetadataValue>;
