/**
 * `GET /v1/costs`: the merchant's cost ledger over a period (src/domain/cost-ledger.ts), its
 * lines read a page at a time so a long period never sits in memory whole.
 */
import type { CostDimension } from "../../contracts/costs.ts";
import { CostLedger, type LedgerRow } from "../domain/cost-ledger.ts";
import type { CostLineCursor, Store } from "../store/store.ts";

/** Lines read per query: large enough for few round trips, small enough to hold lightly. */
const pageSize = 1000;

export interface CostLedgerQuery {
  /** Included; any ISO-8601 date-time. */
  from: string;
  /** Excluded. */
  to: string;
  groupBy: readonly CostDimension[];
}

export interface CostLedgerResult {
  /** The period in UTC, as the stored creation times are written. */
  from: string;
  to: string;
  groupBy: CostDimension[];
  rows: LedgerRow[];
}

export async function costLedger(
  store: Store,
  merchantId: string,
  query: CostLedgerQuery,
): Promise<CostLedgerResult> {
  // Creation times are stored as `toISOString()` text and compared as text: the period must be
  // written the same way (an offset or missing milliseconds would compare wrongly).
  const range = {
    from: new Date(query.from).toISOString(),
    to: new Date(query.to).toISOString(),
  };
  const ledger = new CostLedger(query.groupBy);
  let after: CostLineCursor | undefined;
  for (;;) {
    const page = await store.interceptions.costLines(merchantId, range, {
      limit: pageSize,
      ...(after ? { after } : {}),
    });
    ledger.add(page);
    after = page.at(-1);
    if (page.length < pageSize || after === undefined) {
      break;
    }
  }
  return { ...range, groupBy: [...query.groupBy], rows: ledger.rows() };
}
