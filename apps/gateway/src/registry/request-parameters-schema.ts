// A worker's request parameters in the registry: fields removed from requests (`strip`), fields added
// where the client set none (`defaults`), fields forced over the client's (`set`), and variants: more
// aliases of the same process, each with its own parameters on top of the worker's (a thinking and a
// non-thinking flavour of one model, one process, one load).
import { z } from 'zod';
import { samplingParameterSchemas } from '../openai/sampling-parameters.js';

// The model name is the gateway's routing key and `upstreamModel`'s business: a parameter may not touch it.
const notModel = (key: string) => key !== 'model';
const notModelMessage = '"model" cannot be set, stripped or defaulted here (use "upstreamModel")';

/**
 * Request fields: the parameters the gateway knows are checked with the ranges a request's are
 * (sampling-parameters.ts), plus `stop`; any other key takes any JSON value (`chat_template_kwargs`,
 * a server's own sampler), since servers keep adding their own.
 */
export const requestFieldsSchema = z
  .object({ ...samplingParameterSchemas, stop: z.array(z.string()) })
  .partial()
  .catchall(z.json())
  .refine((fields) => Object.keys(fields).every(notModel), { message: notModelMessage });

/** Field names removed from every JSON request before it reaches the worker. */
export const stripSchema = z
  .array(z.string().min(1))
  .refine((names) => names.every(notModel), { message: notModelMessage });

/** The parameter fields a worker and each of its variants carry (registry-schema.ts spreads them in). */
export const requestParameterFields = {
  /** Fields forced on every JSON request, over the client's; objects merge key by key. */
  set: requestFieldsSchema.default({}),
  /** Fields removed from every JSON request (before defaults and set apply). */
  strip: stripSchema.default([]),
  /** Fields added to generation requests that do not set them (e.g. `stop` for a model whose EOS is wrong). */
  defaults: requestFieldsSchema.default({}),
};

/** Another alias of the same worker process, with its own parameters on top of the worker's. */
export const variantSchema = z
  .object({
    alias: z.string().min(1),
    ...requestParameterFields,
    /** Handed to the scheduler with the variant's requests; stored only until the scheduler takes it. */
    priority: z.number().int().min(-1000).max(1000).optional(),
  })
  .strict();

export type RequestFields = z.output<typeof requestFieldsSchema>;
export type VariantConfig = z.output<typeof variantSchema>;
