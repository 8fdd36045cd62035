/**
 * The dashboard's words: one table per language (en.ts, zh-CN.ts) of this shape, so a string
 * missing from one language fails the type check. Components take every word from here.
 * `{name}` marks a value filled in by `fill`.
 */
import type {
  Action,
  CostMode,
  InterceptionStatus,
  ParcelState,
  Payer,
  Reason,
  Settlement,
  SuccessLikelihood,
} from "../../../contracts/normalized.ts";
import type { WebhookDeliveryStatus } from "../../store/store.ts";
import type { ObligationMessages } from "./obligations.ts";

export const languages = ["en", "zh-CN"] as const;
export type Language = (typeof languages)[number];

/** The shipments and tickets pages' words are in ObligationMessages (obligations.ts). */
export interface Messages extends ObligationMessages {
  /** The language's own name, for the switch. */
  languageName: string;
  appName: string;
  skipToContent: string;
  nav: {
    interceptions: string;
    locks: string;
    costs: string;
    webhooks: string;
    shipments: string;
    tickets: string;
    language: string;
    signOut: string;
  };
  signedInAs: string;
  login: {
    title: string;
    intro: string;
    apiKey: string;
    apiKeyHint: string;
    submit: string;
    failed: string;
    throttled: string;
    signedOut: string;
    ended: string;
  };
  list: {
    title: string;
    filters: string;
    status: string;
    anyStatus: string;
    carrier: string;
    anyCarrier: string;
    orderId: string;
    trackingNumber: string;
    from: string;
    to: string;
    datesNote: string;
    badDate: string;
    apply: string;
    clear: string;
    empty: string;
    next: string;
    first: string;
    created: string;
    action: string;
    payer: string;
  };
  detail: {
    heading: string;
    back: string;
    summary: string;
    reason: string;
    parcelState: string;
    successLikelihood: string;
    carrierReference: string;
    redirectTo: string;
    note: string;
    createdAt: string;
    updatedAt: string;
    cost: string;
    paidBy: string;
    mode: string;
    quoted: string;
    final: string;
    settlement: string;
    failure: string;
    advice: string;
    timeline: string;
    by: string;
    actions: string;
    cancel: string;
    cancelHint: string;
    release: string;
    releaseHint: string;
    noActions: string;
  };
  notices: {
    cancelled: string;
    cancelAsked: string;
    released: string;
    refused: string;
  };
  locks: {
    title: string;
    intro: string;
    select: string;
    selectRow: string;
    lockedSince: string;
    release: string;
    empty: string;
    released: string;
    skipped: string;
    noneSelected: string;
  };
  costs: {
    title: string;
    intro: string;
    from: string;
    to: string;
    groupBy: string;
    show: string;
    download: string;
    count: string;
    quoted: string;
    final: string;
    all: string;
    empty: string;
    badPeriod: string;
  };
  webhooks: {
    title: string;
    intro: string;
    url: string;
    events: string;
    allEvents: string;
    description: string;
    created: string;
    empty: string;
    add: string;
    urlHint: string;
    eventsHint: string;
    submit: string;
    badUrl: string;
    badForm: string;
    deleted: string;
    back: string;
    endpoint: string;
    secretTitle: string;
    secretCreated: string;
    secretRotated: string;
    copyNow: string;
    rotate: string;
    rotateHint: string;
    delete: string;
    deleteHint: string;
    deliveries: string;
    deliveriesEmpty: string;
    event: string;
    status: string;
    attempts: string;
    lastStatusCode: string;
    lastError: string;
    nextAttempt: string;
    retry: string;
    retryLabel: string;
    retried: string;
    next: string;
    first: string;
  };
  deliveryStatus: Record<WebhookDeliveryStatus, string>;
  errors: {
    csrfTitle: string;
    csrfBody: string;
    notFoundTitle: string;
    notFoundBody: string;
    internalTitle: string;
    internalBody: string;
    backToList: string;
  };
  status: Record<InterceptionStatus, string>;
  action: Record<Action, string>;
  reason: Record<Reason, string>;
  parcelState: Record<ParcelState, string>;
  likelihood: Record<SuccessLikelihood, string>;
  payer: Record<Payer, string>;
  mode: Record<CostMode, string>;
  settlement: Record<Settlement, string>;
  actor: Record<"api_key" | "carrier" | "gateway", string>;
}

/** Fills `{name}` placeholders; a value missing from `values` stays visible as `{name}`. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/**
 * The language of the first `Accept-Language` entry, by weight, that the dashboard speaks:
 * any `zh…` is Simplified Chinese, any `en…` English. English when none matches.
 */
export function languageFromHeader(header: string | undefined): Language {
  const ranges = (header ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((range) => range.tag !== "" && range.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranges) {
    if (tag === "zh" || tag.startsWith("zh-")) {
      return "zh-CN";
    }
    if (tag === "en" || tag.startsWith("en-")) {
      return "en";
    }
  }
  return "en";
}

export function isLanguage(value: string | undefined): value is Language {
  return (languages as readonly string[]).includes(value ?? "");
}
