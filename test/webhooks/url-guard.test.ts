import { afterEach, describe, expect, it, vi } from "vitest";
import { checkWebhookUrl, type Resolve, type UrlCheck } from "../../src/webhooks/url-guard.ts";

const strict = { allowPrivate: false };
const relaxed = { allowPrivate: true };

/** A resolver that answers every name with `addresses`, counting its calls. */
function resolverOf(...addresses: string[]): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

/** For literal hosts: a DNS lookup would be a bug, so it fails the test. */
const noDns: Resolve = async (hostname) => {
  throw new Error(`unexpected DNS lookup of ${hostname}`);
};

function refusal(check: UrlCheck): string {
  expect(check.ok, JSON.stringify(check)).toBe(false);
  return check.ok ? "" : check.reason;
}

/** [address, words the reason must contain] */
const internalIpv4: Array<[string, string]> = [
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.0.0.1", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["169.254.169.254", "link-local"],
  ["169.254.0.1", "link-local"],
  ["100.64.0.1", "carrier-grade NAT"],
  ["100.127.255.255", "carrier-grade NAT"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["240.0.0.1", "reserved"],
  ["192.0.0.8", "reserved"],
  ["192.0.2.10", "reserved"],
  ["198.51.100.10", "reserved"],
  ["203.0.113.10", "reserved"],
  ["198.18.0.1", "reserved"],
  ["198.19.255.255", "reserved"],
  ["192.88.99.1", "reserved"],
];

const internalIpv6: Array<[string, string]> = [
  ["::", "unspecified"],
  ["::1", "loopback"],
  ["fe80::1", "link-local"],
  ["febf:ffff::1", "link-local"],
  ["fc00::1", "unique-local"],
  ["fd12:3456:789a::1", "unique-local"],
  ["fec0::1", "site-local"],
  ["ff02::1", "multicast"],
  ["ff0e::101", "multicast"],
  // IPv4-mapped: the embedded IPv4 address is what the socket reaches.
  ["::ffff:127.0.0.1", "loopback address inside an IPv6"],
  ["::ffff:10.1.2.3", "private address (RFC 1918) inside an IPv6"],
  ["::ffff:169.254.169.254", "link-local address (169.254.0.0/16) inside an IPv6"],
  ["::ffff:100.64.0.1", "carrier-grade NAT address (100.64.0.0/10) inside an IPv6"],
  ["::ffff:0.0.0.0", "unspecified address (0.0.0.0/8) inside an IPv6"],
  // IPv4-compatible (deprecated), IPv4-translated and the rest of ::/8.
  ["::127.0.0.1", "outside 2000::/3"],
  ["::10.0.0.1", "outside 2000::/3"],
  ["::ffff:0:127.0.0.1", "IPv4-translated"],
  // NAT64 (RFC 6052) with an internal IPv4 address; the local-use prefix always.
  ["64:ff9b::127.0.0.1", "loopback address inside an IPv6"],
  ["64:ff9b::a9fe:a9fe", "link-local address (169.254.0.0/16) inside an IPv6"],
  ["64:ff9b::192.168.0.1", "private address (RFC 1918) inside an IPv6"],
  ["64:ff9b:1::8.8.8.8", "local-use NAT64"],
  // 6to4 (2002:V4ADDR::/48) and Teredo carry an IPv4 address: refused whatever they carry.
  ["2002:7f00:1::1", "6to4"],
  ["2002:a00:1::1", "6to4"],
  ["2002:808:808::1", "6to4"],
  ["2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo"],
  ["2001:0:7f00:1:0:0:80ff:fffe", "Teredo"],
  ["2001:db8::1", "reserved or documentation"],
  ["3fff::1", "reserved or documentation"],
  ["2001:2::1", "benchmarking"],
  ["100::1", "discard-only"],
  ["4000::1", "outside 2000::/3"],
];

const publicAddresses = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.215.14",
  // The neighbours of internal ranges are public.
  "9.255.255.255",
  "11.0.0.0",
  "100.63.255.255",
  "100.128.0.0",
  "172.15.255.255",
  "172.32.0.0",
  "169.253.255.255",
  "192.169.0.1",
  "223.255.255.254",
  "2606:4700:4700::1111",
  "2001:4860:4860::8888",
  "2a00:1450:4001:80b::200e",
  "::ffff:808:808",
  "64:ff9b::808:808",
];

describe("checkWebhookUrl: every internal range is refused", () => {
  it.each([...internalIpv4, ...internalIpv6])(
    "%s resolved from a name (%s)",
    async (address, why) => {
      const check = await checkWebhookUrl("https://hooks.example/in", strict, resolverOf(address));
      const reason = refusal(check);
      // The address itself is not echoed: our resolver may know internal names.
      expect(reason).toMatch(/^hooks\.example resolves to (a|an|the) /);
      expect(reason).toContain(why);
    },
  );

  it.each([...internalIpv4, ...internalIpv6])("%s as a literal host (%s)", async (address, why) => {
    const host = address.includes(":") ? `[${address}]` : address;
    const reason = refusal(await checkWebhookUrl(`https://${host}:8443/in`, strict, noDns));
    expect(reason).toContain(why);
  });

  it.each([
    ["https://2130706433/", "loopback"],
    ["https://0x7f.1/", "loopback"],
    ["https://0177.0.0.1/", "loopback"],
    ["https://127.1/", "loopback"],
    ["https://0/", "unspecified"],
    ["https://0xa9fea9fe/", "link-local"],
    ["https://[::1]/", "loopback"],
    ["https://[0:0:0:0:0:ffff:7f00:1]/", "loopback"],
    ["https://[::ffff:7f00:1]/", "loopback"],
    ["https://[0000:0000:0000:0000:0000:0000:0000:0001]/", "loopback"],
  ])("the literal form %s (%s), as WHATWG URL normalises it", async (url, why) => {
    expect(refusal(await checkWebhookUrl(url, strict, noDns))).toContain(why);
  });

  it("refuses a name when any one of its addresses is internal, whatever the order", async () => {
    for (const order of [
      ["8.8.8.8", "10.0.0.1"],
      ["10.0.0.1", "8.8.8.8"],
      ["2606:4700:4700::1111", "::1"],
    ]) {
      const reason = refusal(
        await checkWebhookUrl("https://hooks.example/", strict, resolverOf(...order)),
      );
      expect(reason).toMatch(/resolves to a (private|loopback) address/);
    }
  });

  it("refuses localhost through the system resolver (/etc/hosts)", async () => {
    expect(refusal(await checkWebhookUrl("https://localhost/hook", strict))).toContain("loopback");
  });
});

describe("checkWebhookUrl: public addresses are accepted", () => {
  it.each(publicAddresses)("%s", async (address) => {
    const resolve = resolverOf(address);
    const check = await checkWebhookUrl("https://hooks.example:8443/in?x=1", strict, resolve);
    expect(check).toEqual({
      ok: true,
      url: new URL("https://hooks.example:8443/in?x=1"),
      address,
      family: address.includes(":") ? 6 : 4,
    });
    expect(resolve.calls).toEqual(["hooks.example"]);
  });

  it("accepts a public literal host without a DNS lookup", async () => {
    expect(await checkWebhookUrl("https://[2606:4700:4700::1111]/in", strict, noDns)).toMatchObject(
      {
        ok: true,
        address: "2606:4700:4700::1111",
        family: 6,
      },
    );
    expect(await checkWebhookUrl("https://134744072/in", strict, noDns)).toMatchObject({
      ok: true,
      address: "8.8.8.8",
      family: 4,
    });
  });

  it("pins IPv6 answers in canonical form, the form that was judged", async () => {
    for (const [answer, pinned] of [
      ["::ffff:8.8.8.8", "::ffff:808:808"],
      ["64:ff9b::8.8.8.8", "64:ff9b::808:808"],
      ["2606:4700:4700:0:0:0:0:1111", "2606:4700:4700::1111"],
    ] as const) {
      const check = await checkWebhookUrl("https://hooks.example/", strict, resolverOf(answer));
      expect(check).toMatchObject({ ok: true, address: pinned, family: 6 });
    }
    // ipaddr.js alone would read this IPv4-compatible form as the mapped ::ffff:8.8.8.8.
    const compatible = await checkWebhookUrl("https://h.example/", strict, resolverOf("::8.8.8.8"));
    expect(refusal(compatible)).toContain("outside 2000::/3");
  });

  it("refuses a resolver answer that is not an IP address", async () => {
    for (const answer of ["fe80::1%eth0", "hooks.example", "127.1"]) {
      const check = await checkWebhookUrl("https://h.example/", relaxed, resolverOf(answer));
      expect(refusal(check)).toBe("h.example resolves to something that is not an IP address.");
    }
  });

  it("pins the resolver's first address when all are public", async () => {
    const check = await checkWebhookUrl(
      "https://hooks.example/",
      strict,
      resolverOf("2606:4700:4700::1111", "1.1.1.1"),
    );
    expect(check).toMatchObject({ ok: true, address: "2606:4700:4700::1111", family: 6 });
  });
});

describe("checkWebhookUrl: the URL itself", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("refuses http:// unless private URLs are allowed", async () => {
    const resolve = resolverOf("8.8.8.8");
    expect(refusal(await checkWebhookUrl("http://hooks.example/", strict, resolve))).toBe(
      "The URL must use https://.",
    );
    expect(resolve.calls).toEqual([]);
    expect(await checkWebhookUrl("http://hooks.example/", relaxed, resolve)).toMatchObject({
      ok: true,
      address: "8.8.8.8",
    });
  });

  it("refuses other schemes even when private URLs are allowed", async () => {
    for (const url of ["ftp://hooks.example/", "file:///etc/passwd", "ws://hooks.example/"]) {
      expect(refusal(await checkWebhookUrl(url, relaxed, resolverOf("8.8.8.8")))).toBe(
        "The URL must use https://.",
      );
    }
  });

  it("refuses credentials in the URL", async () => {
    for (const url of [
      "https://user:secret@hooks.example/",
      "https://hooks.example@evil.example/",
    ]) {
      expect(refusal(await checkWebhookUrl(url, strict, resolverOf("8.8.8.8")))).toBe(
        "The URL must not contain a user name or password.",
      );
    }
  });

  it("refuses what is not an absolute URL", async () => {
    for (const url of ["", "hooks.example/in", "/in", "https://", "https://exa mple.com/"]) {
      expect(refusal(await checkWebhookUrl(url, strict, resolverOf("8.8.8.8")))).toBe(
        "The URL is not a valid absolute URL.",
      );
    }
  });

  it("refuses a name that does not resolve, or resolves to nothing", async () => {
    const failing: Resolve = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    expect(refusal(await checkWebhookUrl("https://nowhere.example/", strict, failing))).toBe(
      "The host name nowhere.example could not be resolved.",
    );
    expect(refusal(await checkWebhookUrl("https://nowhere.example/", strict, resolverOf()))).toBe(
      "The host name nowhere.example has no address.",
    );
  });

  it("gives up on a name server that does not answer within 5 s", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const silent: Resolve = () => new Promise(() => undefined);
    const check = checkWebhookUrl("https://slow.example/", strict, silent);
    let settled = false;
    void check.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(refusal(await check)).toBe(
      "The host name slow.example could not be resolved within 5 s.",
    );
  });

  it("allows internal addresses when private URLs are allowed (demo, local development)", async () => {
    for (const [url, address] of [
      ["http://localhost:8080/hook", "127.0.0.1"],
      ["https://[::1]/hook", "::1"],
      ["http://10.0.0.5/hook", "10.0.0.5"],
    ] as const) {
      expect(await checkWebhookUrl(url, relaxed, resolverOf("127.0.0.1"))).toMatchObject({
        ok: true,
        address,
      });
    }
  });
});

describe("checkWebhookUrl: DNS rebinding", () => {
  it("resolves once per check, so each delivery's check sees the answer of its own time", async () => {
    const answers = ["93.184.215.14", "127.0.0.1"];
    let calls = 0;
    const rebinding: Resolve = async () => {
      const address = answers[Math.min(calls, answers.length - 1)] ?? "";
      calls += 1;
      return [{ address, family: 4 }];
    };
    const first = await checkWebhookUrl("https://rebind.example/", strict, rebinding);
    expect(first).toMatchObject({ ok: true, address: "93.184.215.14" });
    expect(calls).toBe(1);
    // The next check (the next delivery) sees the new answer and refuses it.
    const second = await checkWebhookUrl("https://rebind.example/", strict, rebinding);
    expect(refusal(second)).toContain("rebind.example resolves to a loopback address");
    expect(calls).toBe(2);
  });
});
