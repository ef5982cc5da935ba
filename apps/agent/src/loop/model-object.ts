import type { LanguageModel } from 'ai';

/** A model the loop accepts: a provider instance, never a model id string. */
export type ModelObject = Exclude<LanguageModel, string>;

/**
 * Refuses a bare model id at run time too (a JavaScript caller, or `as any`): the AI SDK would resolve
 * it through its global provider, Vercel's cloud gateway, and Klody makes no call outside loopback.
 */
export function requireModelObject(model: unknown): ModelObject {
  if (typeof model === 'string') {
    throw new TypeError(
      `the agent needs a language model object (createGatewayModel(...)), not the model id "${model}": the AI SDK would resolve a bare id through its global provider, Vercel's cloud gateway`,
    );
  }
  if (
    typeof model !== 'object' ||
    model === null ||
    typeof (model as { doStream?: unknown }).doStream !== 'function' ||
    typeof (model as { specificationVersion?: unknown }).specificationVersion !== 'string'
  ) {
    throw new TypeError('the agent needs a language model object (createGatewayModel(...))');
  }
  return model as ModelObject;
}
