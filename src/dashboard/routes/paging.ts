/** Paging of the dashboard's lists: newest first, one page at a time, by the last row's id. */
import type { Context } from "hono";
import type { DashboardEnv } from "../env.ts";

/** Rows per page. */
export const pageSize = 50;

/** A list's address with the same filters and another cursor (none: the first page). */
export function pageHref(c: Context<DashboardEnv>, base: string, cursor: string | null): string {
  const query = new URLSearchParams(new URL(c.req.url).search);
  query.delete("cursor");
  query.delete("lang");
  if (cursor) {
    query.set("cursor", cursor);
  }
  const search = query.toString();
  return `${base}${search ? `?${search}` : ""}`;
}

/**
 * A page of rows fetched with one extra (which tells whether another page exists, without a
 * count query), and the links to the first and the next page.
 */
export function pageOf<T extends { id: string }>(
  c: Context<DashboardEnv>,
  base: string,
  rows: T[],
  cursor: string,
): { page: T[]; firstHref: string | null; nextHref: string | null } {
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  return {
    page,
    firstHref: cursor ? pageHref(c, base, null) : null,
    nextHref: rows.length > pageSize && last ? pageHref(c, base, last.id) : null,
  };
}
