/** A page that only says what happened: a refused form, a missing record, a failure. */
import { Layout, type PageFrame } from "./layout.tsx";

export function MessagePage(props: { frame: PageFrame; title: string; body: string }) {
  const { t } = props.frame;
  return (
    <Layout frame={props.frame} title={props.title}>
      <div class="panel" role="alert">
        <h1>{props.title}</h1>
        <p>{props.body}</p>
        <p>
          <a href="/dashboard/interceptions">{t.errors.backToList}</a>
        </p>
      </div>
    </Layout>
  );
}
