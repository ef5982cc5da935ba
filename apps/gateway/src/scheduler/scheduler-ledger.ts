// The scheduler's memory of decisions in progress, still with no I/O: loads that were promised room
// (reservations) and workers that a plan is evicting (claims). Two overlapping plans therefore never
// evict the same worker twice nor spend the same free GiB twice, and a cancelled waiter gives its
// room back.
import { type EvictionNeed, type EvictionPlan, planEviction, type SchedulerWorker } from './plan-eviction.js';

export interface Reservation {
  readonly id: number;
  readonly worker: string | null;
  readonly gb: number;
  /** The workers this plan is evicting. */
  readonly evict: readonly string[];
}

export type LedgerDecision =
  | { plan: EvictionPlan & { fits: true }; reservation: Reservation }
  | { plan: EvictionPlan & { fits: false } };

export class SchedulerLedger {
  private readonly reservations = new Map<number, Reservation>();
  private readonly claims = new Set<string>();
  private nextId = 1;

  get reservedGb(): number {
    let total = 0;
    for (const reservation of this.reservations.values()) total += reservation.gb;
    return total;
  }

  get claimed(): ReadonlySet<string> {
    return this.claims;
  }

  /** Plans for `need`; when it fits, the room is reserved and the evicted workers are claimed. */
  decide(workers: readonly SchedulerWorker[], budgetGb: number, need: EvictionNeed): LedgerDecision {
    const plan = planEviction({ workers, budgetGb, need, claimed: this.claims, reservedGb: this.reservedGb });
    if (!plan.fits) return { plan };
    const reservation: Reservation = {
      id: this.nextId++,
      worker: need.worker,
      gb: need.gb,
      evict: plan.evict,
    };
    this.reservations.set(reservation.id, reservation);
    for (const name of plan.evict) this.claims.add(name);
    return { plan, reservation };
  }

  /** The load finished (its worker now counts as running) or its waiter was cancelled. Idempotent. */
  release(reservation: Reservation): void {
    this.reservations.delete(reservation.id);
  }

  /** A claimed worker has stopped (or survived and is running again): the claim ends. */
  releaseClaim(name: string): void {
    this.claims.delete(name);
  }

  get pending(): number {
    return this.reservations.size;
  }
}
