/** What the dashboard's middleware puts on the context for its pages. */
import type { AppEnv } from "../http/env.ts";
import type { Language, Messages } from "./i18n/messages.ts";
import type { ActiveSession, DashboardSessions } from "./sessions.ts";

export type DashboardEnv = {
  Variables: AppEnv["Variables"] & {
    dashboardSessions: DashboardSessions;
    lang: Language;
    t: Messages;
    /** Set once signed in (requireSession); pages behind it read it. */
    session: ActiveSession;
  };
};
