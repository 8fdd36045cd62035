/**
 * The dashboard's one stylesheet, served by the gateway itself (/dashboard/assets/dashboard.css):
 * no third-party stylesheet or font. Kept in a module, not a .css file, so the build ships it
 * with the code. System fonts, with the CJK faces of each platform for Chinese.
 */
export const stylesheet = `
:root {
  --ink: #1f2933;
  --muted: #5f6b7a;
  --line: #d9dee5;
  --surface: #ffffff;
  --canvas: #f4f6f8;
  --brand: #1d4ed8;
  --brand-ink: #ffffff;
  --danger: #b42318;
  --focus: #f59e0b;
  color-scheme: light;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Open Sans", "Noto Sans",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans SC", "Noto Sans CJK SC",
    "Source Han Sans SC", "Noto Sans S Chinese", sans-serif;
  font-size: 15px;
  line-height: 1.5;
  color: var(--ink);
  background: var(--canvas);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--brand); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--surface); padding: 8px 12px; }
.skip:focus { left: 8px; z-index: 10; }

header.top {
  display: flex; align-items: center; gap: 24px; flex-wrap: wrap;
  padding: 0 28px; min-height: 56px; background: #0f172a; color: #e2e8f0;
}
header.top .brand { font-weight: 600; font-size: 16px; color: #ffffff; text-decoration: none; }
header.top nav ul { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0; }
header.top nav a {
  display: block; padding: 16px 12px; color: #cbd5e1; text-decoration: none;
  border-bottom: 3px solid transparent;
}
header.top nav a:hover { color: #ffffff; }
header.top nav a[aria-current="page"] { color: #ffffff; border-bottom-color: #60a5fa; }
header.top .session { margin-left: auto; display: flex; align-items: center; gap: 16px; font-size: 14px; }
header.top .session a { color: #cbd5e1; }
header.top .session a[aria-current="true"] { color: #ffffff; font-weight: 600; text-decoration: none; }
header.top .langs { display: flex; gap: 10px; }
header.top form { margin: 0; }
header.top .link-button {
  background: none; border: 1px solid #475569; color: #e2e8f0; border-radius: 6px;
  padding: 5px 12px; font: inherit; cursor: pointer;
}

main { max-width: 1180px; margin: 0 auto; padding: 28px; }
h1 { font-size: 24px; margin: 0 0 20px; font-weight: 600; }
h2 { font-size: 17px; margin: 0 0 14px; font-weight: 600; }
.muted { color: var(--muted); }
/* Ids and numbers: same-width digits, in the page's own face so rows keep one baseline. */
.mono { font-variant-numeric: tabular-nums; letter-spacing: 0.01em; }

.panel {
  background: var(--surface); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 22px; margin-bottom: 20px;
}
.notice { border-radius: 8px; padding: 12px 16px; margin-bottom: 20px; border: 1px solid; }
.notice.ok { background: #ecfdf3; border-color: #abefc6; color: #05603a; }
.notice.error { background: #fef3f2; border-color: #fecdca; color: var(--danger); }

form.filters { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px 16px; align-items: end; }
form.filters .buttons { grid-column: span 2; display: flex; gap: 10px; align-items: center; }
@media (max-width: 760px) {
  form.filters { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
label { display: block; font-size: 13px; font-weight: 600; color: var(--muted); margin-bottom: 5px; }
input[type="text"], input[type="password"], input[type="date"], input[type="url"], select, textarea {
  width: 100%; font: inherit; padding: 7px 10px; border: 1px solid #b8c0cc; border-radius: 6px;
  background: #ffffff; color: var(--ink);
}
fieldset.choices { border: none; margin: 0; padding: 0; grid-column: span 2; }
fieldset.choices legend { font-size: 13px; font-weight: 600; color: var(--muted); margin-bottom: 8px; padding: 0; }
label.choice { display: inline-flex; align-items: center; gap: 6px; margin: 0 18px 8px 0; font-size: 15px; font-weight: 400; color: var(--ink); }
label.choice input { width: 16px; height: 16px; margin: 0; }
.hint { font-size: 13px; color: var(--muted); margin: 6px 0 0; }

button, .button {
  display: inline-block; white-space: nowrap; font: inherit; font-weight: 600; padding: 8px 16px; border-radius: 6px;
  border: 1px solid var(--brand); background: var(--brand); color: var(--brand-ink); cursor: pointer;
  text-decoration: none;
}
button.secondary, .button.secondary { background: #ffffff; color: var(--brand); }
button.danger { background: var(--danger); border-color: var(--danger); }

table { width: 100%; border-collapse: collapse; background: var(--surface); }
.table-wrap { border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; background: var(--surface); }
th, td { text-align: left; padding: 10px 14px; border-bottom: 1px solid #edf0f3; white-space: nowrap; }
th { font-size: 12.5px; text-transform: uppercase; letter-spacing: 0.03em; color: var(--muted); background: #f9fafb; font-weight: 600; }
tbody tr:last-child td { border-bottom: none; }
tbody tr:hover { background: #f8fafc; }
td.empty { text-align: center; color: var(--muted); padding: 28px; }

.status { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 13px; font-weight: 600; border: 1px solid; }
.status-pending, .status-submitted { background: #eff6ff; color: #1e40af; border-color: #bfdbfe; }
.status-succeeded, .status-delivered { background: #ecfdf3; color: #05603a; border-color: #abefc6; }
.status-failed { background: #fef3f2; color: #b42318; border-color: #fecdca; }
.status-cancelled, .status-released { background: #f2f4f7; color: #344054; border-color: #d0d5dd; }
.status-locked { background: #fffaeb; color: #93370d; border-color: #fedf89; }

.pager { display: flex; gap: 12px; justify-content: flex-end; margin-top: 14px; }

.grid { display: grid; grid-template-columns: 2fr 1fr; gap: 20px; align-items: start; }
@media (max-width: 860px) { .grid { grid-template-columns: 1fr; } }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 8px 20px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.title-row { display: flex; align-items: center; gap: 14px; margin-bottom: 20px; }
.title-row h1 { margin: 0; }
.back { display: inline-block; margin-bottom: 12px; }

ol.timeline { list-style: none; margin: 0; padding: 0; }
ol.timeline li { position: relative; padding: 0 0 18px 22px; border-left: 2px solid var(--line); margin-left: 6px; }
ol.timeline li:last-child { border-left-color: transparent; padding-bottom: 0; }
ol.timeline li::before {
  content: ""; position: absolute; left: -7px; top: 4px; width: 12px; height: 12px;
  border-radius: 50%; background: var(--surface); border: 2px solid var(--brand);
}
ol.timeline .when { font-size: 13px; color: var(--muted); }
ol.timeline .what { margin: 2px 0; }
ol.timeline .who { font-size: 13px; color: var(--muted); }

.actions form { margin: 0 0 12px; }
.failure { border-color: #fecdca; background: #fffbfa; }
.secret { border-color: #abefc6; background: #f6fef9; }
.secret code { display: block; margin: 10px 0; padding: 10px 12px; background: #ffffff; border: 1px solid var(--line); border-radius: 6px; font-size: 15px; word-break: break-all; user-select: all; }
td.error-text { max-width: 280px; overflow-wrap: anywhere; }
td form { margin: 0; }
form.endpoint fieldset.choices { margin: 16px 0; }
form.endpoint .hint { margin-bottom: 4px; }
.table-wrap + .panel { margin-top: 20px; }
button.small { padding: 4px 12px; font-size: 13px; }

/* Shipments and tickets: statuses, and deadlines marked in words first, colour second. */
.intro { color: var(--muted); margin: -8px 0 20px; max-width: 760px; }
.status-awaiting_shipment, .status-shipped, .status-awaiting_buyer, .status-proposal-awaiting_buyer { background: #eff6ff; color: #1e40af; border-color: #bfdbfe; }
.status-collected, .status-resolved, .status-proposal-accepted { background: #ecfdf3; color: #05603a; border-color: #abefc6; }
.status-refunded, .status-proposal-rejected, .status-proposal-expired { background: #f2f4f7; color: #344054; border-color: #d0d5dd; }
.status-awaiting_merchant, .status-under_review { background: #fffaeb; color: #93370d; border-color: #fedf89; }
.status-overdue { background: #fef3f2; color: #b42318; border-color: #fecdca; }
.title-row .status + .status, td .status + .status { margin-left: 6px; }
.deadline .left { font-size: 13px; font-weight: 600; white-space: nowrap; }
.deadline.due-later .left { color: var(--muted); font-weight: 400; }
.deadline.due-soon .left { color: #93370d; background: #fffaeb; border-radius: 4px; padding: 1px 6px; }
.deadline.overdue .left { color: var(--brand-ink); background: var(--danger); border-radius: 4px; padding: 1px 6px; }
.deadline-kind { font-size: 13px; color: var(--muted); }
tr.overdue-row td:first-child { box-shadow: inset 4px 0 0 var(--danger); }
tr.overdue-row { background: #fffbfa; }
textarea { resize: vertical; min-height: 72px; }
.actions h3 { font-size: 15px; margin: 18px 0 10px; }
.actions h4 { font-size: 14px; margin: 14px 0 8px; }
.actions form { border-top: 1px solid #edf0f3; padding-top: 4px; }
.actions form:first-of-type { border-top: none; padding-top: 0; }
.actions label:not(.choice) { margin-top: 10px; }
.actions button { margin-top: 12px; }
.actions fieldset.choices label.choice { display: flex; margin: 0 0 6px; }
.money-fields { display: grid; grid-template-columns: 2fr 1fr; gap: 10px; }
dl.facts.reply { margin-bottom: 12px; }

.login { max-width: 440px; margin: 72px auto; }
.login h1 { font-size: 22px; }
.login .brand-line { font-weight: 600; color: var(--brand); margin-bottom: 8px; }
.login button { width: 100%; margin-top: 16px; padding: 10px; }
.login .langs { text-align: center; margin-top: 16px; font-size: 14px; display: flex; gap: 14px; justify-content: center; }
.login .langs a[aria-current="true"] { color: var(--ink); font-weight: 600; text-decoration: none; }
`;
