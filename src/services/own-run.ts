/**
 * A request runs the first job of the interception it just stored (see jobs.ts), and answers
 * from what that run leaves without reading the interception back.
 *
 * The run's store is the request's store but for one thing: each transition of the request's
 * interception goes through here. One that applies is applied to the record held here too (as
 * the store applied it, see applied-transition.ts); the one that ends the run's job also
 * completes the request's idempotency key with the answer built from the record it leaves, so
 * the outcome and the answer the merchant is given commit together. A transition that does not
 * apply means someone else changed the interception: nothing is held any more, and the caller
 * reads it.
 */
import { appliedTransition } from "../store/applied-transition.ts";
import type {
  IdempotencyCompletion,
  InterceptionRepository,
  InterceptionTransition,
  InterceptionWithEvents,
  JobRecord,
  Store,
  TransitionResult,
} from "../store/store.ts";

export class OwnRun {
  /** The interception as the run left it; null once someone else changed it. */
  record: InterceptionWithEvents | null;
  /** The completion committed with the transition that ended the job, if one did. */
  completedWith: IdempotencyCompletion | null = null;
  /** The store the run uses. */
  readonly store: Store;

  constructor(
    store: Store,
    stored: InterceptionWithEvents,
    private readonly job: JobRecord,
    /** The key's completion for the record a transition would leave. */
    private readonly completion: (record: InterceptionWithEvents) => IdempotencyCompletion,
  ) {
    this.record = stored;
    const interceptions = store.interceptions;
    // Every method but `transition` is the store's own, looked up at each call.
    const own: InterceptionRepository = {
      insert: (input) => interceptions.insert(input),
      parcelOwner: (carrier, trackingNumber) => interceptions.parcelOwner(carrier, trackingNumber),
      get: (merchantId, id) => interceptions.get(merchantId, id),
      getById: (id) => interceptions.getById(id),
      list: (merchantId, filter, page) => interceptions.list(merchantId, filter, page),
      findForParcel: (merchantId, carrier, trackingNumber) =>
        interceptions.findForParcel(merchantId, carrier, trackingNumber),
      redirectsOfOrder: (merchantId, orderId) =>
        interceptions.redirectsOfOrder(merchantId, orderId),
      costLines: (merchantId, range, page) => interceptions.costLines(merchantId, range, page),
      lockedOf: (merchantId, criteria, limit) =>
        interceptions.lockedOf(merchantId, criteria, limit),
      transition: (id, transition) =>
        id === stored.id
          ? this.transition(interceptions, id, transition)
          : interceptions.transition(id, transition),
    };
    this.store = {
      meta: store.meta,
      merchants: store.merchants,
      idempotency: store.idempotency,
      interceptions: own,
      jobs: store.jobs,
      webhooks: store.webhooks,
      dashboardSessions: store.dashboardSessions,
      shipments: store.shipments,
      deadlines: store.deadlines,
      tickets: store.tickets,
      proposals: store.proposals,
      close: () => store.close(),
    };
  }

  private async transition(
    interceptions: InterceptionRepository,
    id: string,
    transition: InterceptionTransition,
  ): Promise<TransitionResult> {
    const after = this.record ? appliedTransition(this.record, transition) : null;
    const endsJob = transition.completeJobId === this.job.id && this.completedWith === null;
    const completion = after && endsJob ? this.completion(after) : null;
    const result = await interceptions.transition(
      id,
      completion ? { ...transition, completeIdempotency: completion } : transition,
    );
    if (result !== "applied") {
      this.record = null;
      return result;
    }
    this.record = after;
    if (completion) {
      this.completedWith = completion;
    }
    return result;
  }
}
