/**
 * The dashboard's one table: column headings, the rows, and a single row saying so when there
 * are none. Every list page and record page uses it, so they look and read alike (screen readers
 * get `scope="col"` headings everywhere).
 */
import type { Child } from "hono/jsx";

export function DataTable(props: { headers: Child[]; empty: string; rows: Child[] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            {props.headers.map((header) => (
              <th scope="col">{header}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td class="empty" colspan={props.headers.length}>
                {props.empty}
              </td>
            </tr>
          ) : (
            props.rows
          )}
        </tbody>
      </table>
    </div>
  );
}
