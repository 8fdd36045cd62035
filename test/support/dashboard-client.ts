/**
 * A browser stand-in for the dashboard's route tests: sends requests to the app in-process, keeps
 * the cookies it is given (as a browser keeps them for /dashboard), and reads the CSRF token the
 * pages put in their forms.
 */
import type { TestGateway } from "../harness.ts";

export class DashboardClient {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: TestGateway["app"],
    private readonly headers: Record<string, string> = {},
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.send("GET", path, undefined, headers);
  }

  /** Posts a form, urlencoded as a browser sends it; repeated names for arrays. */
  async post(
    path: string,
    form: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ): Promise<Page> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) {
      for (const one of [value].flat()) {
        body.append(name, one);
      }
    }
    return this.send("POST", path, body.toString(), {
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    });
  }

  /** Signs in with a key; the response is the redirect to the interceptions page. */
  signIn(apiKey: string): Promise<Page> {
    return this.post("/dashboard/login", { apiKey });
  }

  /** The CSRF token of the session's forms, read from a page that has one. */
  async csrfToken(): Promise<string> {
    const page = await this.get("/dashboard/locks");
    const token = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) {
      throw new Error(`No CSRF token on the page (${page.status}):\n${page.text}`);
    }
    return token;
  }

  private async send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<Page> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await this.app.request(`http://127.0.0.1${path}`, {
      method,
      headers: { host: "127.0.0.1", ...this.headers, ...(cookie ? { cookie } : {}), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const [name = "", value = ""] = pair.split("=");
      if (/max-age=0/i.test(line) || value === "") {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
    return {
      status: response.status,
      location: response.headers.get("location"),
      headers: response.headers,
      text: await response.text(),
    };
  }
}

export interface Page {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}
