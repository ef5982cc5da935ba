/**
 * A module imported on first use, then kept. `import '@klody/memory'` must stay light (a CLI that only
 * searches should not pay for pdf.js or ONNX Runtime), so the heavy dependencies are imported by the
 * functions that need them. The promise is kept so that each call after the first skips resolution
 * (which goes through every loader hook, tsx's included); a failed import is forgotten, so a later call
 * tries again instead of repeating a stale failure.
 */
export function lazyImport<Module>(load: () => Promise<Module>): () => Promise<Module> {
  let loading: Promise<Module> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
