/** The frame of every page: head, top bar (navigation, language switch, sign-out), main. */
import type { Child } from "hono/jsx";
import { fill, type Language, type Messages } from "../i18n/messages.ts";
import type { ActiveSession } from "../sessions.ts";

/** A link that switches the page to one language. */
export interface LanguageLink {
  lang: Language;
  name: string;
  href: string;
}

export interface PageFrame {
  t: Messages;
  lang: Language;
  languageLinks: LanguageLink[];
  /** Absent on pages for visitors not signed in. */
  session?: ActiveSession;
}

type Section = "interceptions" | "locks" | "shipments" | "tickets" | "costs" | "webhooks";

export function Layout(props: {
  frame: PageFrame;
  title: string;
  current?: Section;
  children: Child;
}) {
  const { t, lang, session } = props.frame;
  const sections: Array<{ id: Section; href: string; label: string }> = [
    { id: "interceptions", href: "/dashboard/interceptions", label: t.nav.interceptions },
    { id: "locks", href: "/dashboard/locks", label: t.nav.locks },
    { id: "shipments", href: "/dashboard/shipments", label: t.nav.shipments },
    { id: "tickets", href: "/dashboard/tickets", label: t.nav.tickets },
    { id: "costs", href: "/dashboard/costs", label: t.nav.costs },
    { id: "webhooks", href: "/dashboard/webhooks", label: t.nav.webhooks },
  ];
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t.appName}`}</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          {t.skipToContent}
        </a>
        {session ? (
          <header class="top">
            <a class="brand" href="/dashboard/interceptions">
              {t.appName}
            </a>
            <nav aria-label={t.appName}>
              <ul>
                {sections.map((section) => (
                  <li>
                    <a
                      href={section.href}
                      aria-current={section.id === props.current ? "page" : undefined}
                    >
                      {section.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            <div class="session">
              <span>{fill(t.signedInAs, { name: session.merchant.name })}</span>
              <LanguageSwitch frame={props.frame} />
              <form method="post" action="/dashboard/logout">
                <input type="hidden" name="csrf" value={session.csrfToken} />
                <button type="submit" class="link-button">
                  {t.nav.signOut}
                </button>
              </form>
            </div>
          </header>
        ) : null}
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

export function LanguageSwitch(props: { frame: PageFrame }) {
  const { t, lang, languageLinks } = props.frame;
  return (
    <nav class="langs" aria-label={t.nav.language}>
      {languageLinks.map((link) => (
        <a
          href={link.href}
          hreflang={link.lang}
          lang={link.lang}
          aria-current={link.lang === lang ? "true" : undefined}
        >
          {link.name}
        </a>
      ))}
    </nav>
  );
}

/** A one-line message above a page's content. */
export function Notice(props: { kind: "ok" | "error"; text: string }) {
  return (
    <div class={`notice ${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.text}
    </div>
  );
}

/** A status as text in a coloured badge (the text carries it; the colour only helps). */
export function StatusBadge(props: { status: keyof Messages["status"]; t: Messages }) {
  return <span class={`status status-${props.status}`}>{props.t.status[props.status]}</span>;
}
