/** The locks page: the merchant's locked interceptions, released in bulk by one form. */
import type { InterceptionRecord } from "../../store/store.ts";
import { fill } from "../i18n/messages.ts";
import { DataTable } from "./data-table.tsx";
import { chinaTime } from "./format.ts";
import { Layout, Notice, type PageFrame } from "./layout.tsx";

export function LocksPage(props: {
  frame: PageFrame;
  rows: InterceptionRecord[];
  carriers: Map<string, string>;
  notices: Array<{ kind: "ok" | "error"; text: string }>;
}) {
  const { t, session } = props.frame;
  return (
    <Layout frame={props.frame} title={t.locks.title} current="locks">
      <h1>{t.locks.title}</h1>
      <p class="muted">{t.locks.intro}</p>
      {props.notices.map((notice) => (
        <Notice kind={notice.kind} text={notice.text} />
      ))}
      <form method="post" action="/dashboard/locks/release">
        <input type="hidden" name="csrf" value={session?.csrfToken ?? ""} />
        <DataTable
          headers={[
            t.locks.select,
            t.locks.lockedSince,
            t.list.trackingNumber,
            t.list.orderId,
            t.list.carrier,
          ]}
          empty={t.locks.empty}
          rows={props.rows.map((row) => (
            <tr>
              <td>
                <input
                  type="checkbox"
                  name="ids"
                  value={row.id}
                  id={`lock-${row.id}`}
                  aria-label={fill(t.locks.selectRow, { trackingNumber: row.trackingNumber })}
                />
              </td>
              <td>{`${chinaTime(row.createdAt)} (UTC+8)`}</td>
              <td>
                <a class="mono" href={`/dashboard/interceptions/${encodeURIComponent(row.id)}`}>
                  {row.trackingNumber}
                </a>
              </td>
              <td class="mono">{row.orderId}</td>
              <td>{props.carriers.get(row.carrier) ?? row.carrier}</td>
            </tr>
          ))}
        />
        {props.rows.length > 0 ? (
          <div class="pager">
            <button type="submit">{t.locks.release}</button>
          </div>
        ) : null}
      </form>
    </Layout>
  );
}
