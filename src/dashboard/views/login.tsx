/** The sign-in page: one labelled field for the API key. */
import { LanguageSwitch, Layout, Notice, type PageFrame } from "./layout.tsx";

export function LoginPage(props: {
  frame: PageFrame;
  notice?: { kind: "ok" | "error"; text: string };
}) {
  const { t } = props.frame;
  return (
    <Layout frame={props.frame} title={t.login.title}>
      <div class="login">
        <div class="brand-line">{t.appName}</div>
        <div class="panel">
          <h1>{t.login.title}</h1>
          <p class="muted">{t.login.intro}</p>
          {props.notice ? <Notice kind={props.notice.kind} text={props.notice.text} /> : null}
          <form method="post" action="/dashboard/login">
            <label for="apiKey">{t.login.apiKey}</label>
            <input
              type="password"
              id="apiKey"
              name="apiKey"
              required
              autocomplete="off"
              spellcheck={false}
              aria-describedby="apiKey-hint"
              autofocus
            />
            <p class="hint" id="apiKey-hint">
              {t.login.apiKeyHint}
            </p>
            <button type="submit">{t.login.submit}</button>
          </form>
        </div>
        <LanguageSwitch frame={props.frame} />
      </div>
    </Layout>
  );
}
