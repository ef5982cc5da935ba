// Settings every test project shares. Tests run on sources: the `@klody/source` export condition
// comes first, and Vite's default conditions are kept after it (replacing them breaks resolution of
// ordinary packages). Node-side code resolves through `ssr.resolve`, so both lists are set.
import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

export const sourceCondition = '@klody/source';

const resolveOnSources = {
  resolve: { conditions: [sourceCondition, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [sourceCondition, ...defaultServerConditions] } },
};

/** A package's test project: its name, the shared resolution and time limits, and its own options. */
export function klodyProject(name: string, test: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    ...resolveOnSources,
    test: {
      name,
      environment: 'node',
      // Real processes, real models, real SQLite: generous but bounded.
      testTimeout: 60_000,
      hookTimeout: 60_000,
      ...test,
    },
  });
}

export const rootResolution = resolveOnSources;
