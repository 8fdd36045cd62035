/**
 * Sign-in and sign-out. Every key that does not sign in (unknown, revoked, malformed) gets the
 * same page, so the form tells nothing about which keys exist; attempts per key id are limited by
 * the API's own rate limiter, so a key cannot be guessed at through the form either.
 */
import type { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { apiKeyId } from "../../auth/api-keys.ts";
import type { DashboardEnv } from "../env.ts";
import { fill } from "../i18n/messages.ts";
import {
  clearSessionCookie,
  frameOf,
  renderPage,
  requireCsrf,
  requireSession,
  sameOrigin,
  sessionCookie,
  setSessionCookie,
} from "../middleware.tsx";
import { LoginPage } from "../views/login.tsx";
import { MessagePage } from "../views/message-page.tsx";

export function registerLoginRoutes(dashboard: Hono<DashboardEnv>): void {
  dashboard.get("/login", (c) => {
    const { t } = c.var;
    const notice =
      c.req.query("signedOut") !== undefined
        ? { kind: "ok" as const, text: t.login.signedOut }
        : c.req.query("ended") !== undefined
          ? { kind: "error" as const, text: t.login.ended }
          : undefined;
    return renderPage(c, <LoginPage frame={frameOf(c)} {...(notice ? { notice } : {})} />);
  });

  dashboard.post("/login", async (c) => {
    const { t } = c.var;
    if (!sameOrigin(c)) {
      return renderPage(
        c,
        <MessagePage
          frame={frameOf(c, "/dashboard/login")}
          title={t.errors.csrfTitle}
          body={t.errors.csrfBody}
        />,
        403,
      );
    }
    const body = await c.req.parseBody();
    const apiKey = typeof body.apiKey === "string" ? body.apiKey.trim() : "";
    const { rateLimiter } = c.get("services");
    const { retryAfterMs } = await rateLimiter.take(
      `dashboard-login:${apiKeyId(apiKey) ?? "malformed"}`,
    );
    if (retryAfterMs > 0) {
      const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      c.header("retry-after", String(seconds));
      const text = fill(t.login.throttled, { seconds });
      return renderPage(
        c,
        <LoginPage frame={frameOf(c, "/dashboard/login")} notice={{ kind: "error", text }} />,
        429,
      );
    }
    const token = await c.get("dashboardSessions").signIn(apiKey);
    if (!token) {
      return renderPage(
        c,
        <LoginPage
          frame={frameOf(c, "/dashboard/login")}
          notice={{ kind: "error", text: t.login.failed }}
        />,
        401,
      );
    }
    setSessionCookie(c, token);
    return c.redirect("/dashboard/interceptions", 303);
  });

  dashboard.post("/logout", requireSession(), requireCsrf(), async (c) => {
    const token = getCookie(c, sessionCookie);
    if (token) {
      await c.get("dashboardSessions").signOut(token);
    }
    clearSessionCookie(c);
    return c.redirect("/dashboard/login?signedOut=1", 303);
  });
}
