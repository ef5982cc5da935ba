// The registry's swap-aware scheduling settings (src/scheduler/batch-policy.ts): the policy that orders
// requests waiting for different models under a budget that cannot hold them all, and each worker's
// priority.
import { z } from 'zod';

const schedulerSettingsSchema = z
  .object({
    /**
     * `batch`: requests waiting for the resident model are served together (A B A C is served as
     * A A B C: fewer swaps), within the bound below. `fifo`: strict arrival order, one swap per
     * change of model.
     */
    policy: z.enum(['batch', 'fifo']).default('batch'),
    /**
     * The bound on batching: once a request for another model has waited this long, the resident
     * model takes no newcomers, drains, and the waiting model is loaded next.
     */
    maxWaitSeconds: z.number().finite().positive().default(30),
    /** A model just swapped in stays open to its requests this long before another may claim its room. */
    minResidencySeconds: z.number().finite().nonnegative().default(10),
  })
  .strict();

export const schedulerSchema = schedulerSettingsSchema.default(schedulerSettingsSchema.parse({}));

/** Among models waiting within the bound, the higher priority is loaded first (a request may set its own). */
export const workerPrioritySchema = z.number().int().default(0);

export type SchedulerSettings = z.output<typeof schedulerSettingsSchema>;
