/**
 * The dashboard's HTTP plumbing: security headers, the page language, the session cookie, the
 * CSRF check, and writing a page.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Child } from "hono/jsx";
import type { DashboardEnv } from "./env.ts";
import { isLanguage, type Language, languageFromHeader, languages } from "./i18n/messages.ts";
import { messageTables } from "./i18n/tables.ts";
import { csrfTokenMatches, sessionLifetimeMs } from "./sessions.ts";
import type { PageFrame } from "./views/layout.tsx";
import { MessagePage } from "./views/message-page.tsx";

export const sessionCookie = "gw_session";
const languageCookie = "gw_lang";
const cookiePath = "/dashboard";

/**
 * No script runs and nothing loads from elsewhere: the pages need neither, so the policy forbids
 * both. Nothing is cached: pages show one merchant's data.
 */
export function securityHeaders(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    await next();
    c.header(
      "content-security-policy",
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    c.header("x-content-type-options", "nosniff");
    // Not `no-referrer`: under it a browser sends `Origin: null` with the forms' posts, which
    // the origin check (sameOrigin) must refuse.
    c.header("referrer-policy", "same-origin");
    c.header("x-frame-options", "DENY");
    if (!c.res.headers.has("cache-control")) {
      c.header("cache-control", "no-store");
    }
  };
}

/** The page language: `?lang=` (remembered in a cookie), else the cookie, else Accept-Language. */
export function chooseLanguage(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const asked = c.req.query("lang");
    let lang: Language;
    if (isLanguage(asked)) {
      lang = asked;
      setCookie(c, languageCookie, lang, {
        path: cookiePath,
        httpOnly: true,
        sameSite: "Strict",
        secure: overHttps(c),
        maxAge: 365 * 24 * 60 * 60,
      });
    } else {
      const remembered = getCookie(c, languageCookie);
      lang = isLanguage(remembered)
        ? remembered
        : languageFromHeader(c.req.header("accept-language"));
    }
    c.set("lang", lang);
    c.set("t", messageTables[lang]);
    await next();
    c.header("content-language", lang);
    c.header("vary", "Accept-Language, Cookie");
  };
}

/** Whether cookies must be `Secure`: the request came over https, or the gateway is public on it. */
export function overHttps(c: Context<DashboardEnv>): boolean {
  return (
    new URL(c.req.url).protocol === "https:" || c.get("services").publicUrl.startsWith("https:")
  );
}

export function setSessionCookie(c: Context<DashboardEnv>, token: string): void {
  setCookie(c, sessionCookie, token, {
    path: cookiePath,
    httpOnly: true,
    sameSite: "Strict",
    secure: overHttps(c),
    maxAge: Math.floor(sessionLifetimeMs / 1000),
  });
}

export function clearSessionCookie(c: Context<DashboardEnv>): void {
  deleteCookie(c, sessionCookie, { path: cookiePath, secure: overHttps(c) });
}

/**
 * Pages behind sign-in: a live session (its key still valid) or a redirect to the sign-in page.
 * The merchant comes from the session and nowhere else.
 */
export function requireSession(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const token = getCookie(c, sessionCookie);
    const session = token ? await c.get("dashboardSessions").resume(token) : null;
    if (!session) {
      if (token) {
        clearSessionCookie(c);
      }
      return c.redirect(token ? "/dashboard/login?ended=1" : "/dashboard/login", 303);
    }
    c.set("session", session);
    c.set("merchant", session.merchant);
    c.set("apiKeyId", session.apiKeyId);
    await next();
  };
}

/**
 * Forms that change something: sent from this dashboard (an `Origin`, when the browser sends
 * one, of this host) and carrying this session's CSRF token. Anything else is refused with a
 * page saying nothing changed, before the handler runs.
 */
export function requireCsrf(): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const body = await c.req.parseBody();
    const token = typeof body.csrf === "string" ? body.csrf : "";
    if (!sameOrigin(c) || !csrfTokenMatches(c.get("session"), token)) {
      const { t } = c.var;
      return renderPage(
        c,
        <MessagePage frame={frameOf(c)} title={t.errors.csrfTitle} body={t.errors.csrfBody} />,
        403,
      );
    }
    await next();
  };
}

/** A form post from a page of another site says so in `Origin`; one without it is let through. */
export function sameOrigin(c: Context<DashboardEnv>): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) {
    return true;
  }
  try {
    return new URL(origin).host === c.req.header("host");
  } catch {
    return false;
  }
}

/**
 * What every page's frame needs. Language links point at the page as fetched; a page answered to
 * a form post links to `getPath` (the page a GET shows), as the post's own path has no page.
 */
export function frameOf(c: Context<DashboardEnv>, getPath?: string): PageFrame {
  const lang = c.get("lang");
  const url = new URL(c.req.url);
  const base = c.req.method === "GET" ? url.pathname : (getPath ?? "/dashboard/interceptions");
  const languageLinks = languages.map((other) => {
    const query = new URLSearchParams(c.req.method === "GET" ? url.search : "");
    query.set("lang", other);
    return { lang: other, name: messageTables[other].languageName, href: `${base}?${query}` };
  });
  const session = c.get("session");
  return { t: c.get("t"), lang, languageLinks, ...(session ? { session } : {}) };
}

/** Writes a page as HTML with its doctype. */
export function renderPage(c: Context<DashboardEnv>, page: Child, status = 200): Response {
  return c.html(`<!doctype html>${String(page)}`, status as 200);
}
