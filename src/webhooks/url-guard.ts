/**
 * The SSRF guard for merchants' webhook URLs: a merchant chooses where the gateway POSTs, so a URL
 * must not reach anything inside our network (loopback, private ranges, cloud metadata at
 * 169.254.169.254, …). The host is resolved once here and every address checked; the caller then
 * connects to the returned address only (see post.ts), so a DNS answer that changes between the
 * check and the connection (rebinding) cannot move the request inside.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export interface WebhookUrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_URLS=true or demo mode: also `http:` and internal addresses. */
  allowPrivate: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to, in the resolver's order. */
export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>;

export type UrlCheck =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

/** The system resolver (getaddrinfo, so /etc/hosts counts), every address in its own order. */
export const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Checks a webhook URL and pins the address to connect to. `reason` is plain English for the
 * merchant (a 400 `validation_failed` at registration, a failed attempt at delivery).
 */
export async function checkWebhookUrl(
  url: string,
  policy: WebhookUrlPolicy,
  resolve: Resolve = systemResolve,
): Promise<UrlCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "The URL is not a valid absolute URL." };
  }
  if (parsed.protocol !== "https:" && !(policy.allowPrivate && parsed.protocol === "http:")) {
    return { ok: false, reason: "The URL must use https://." };
  }
  // Receivers authenticate us by the signature, not by credentials in the URL; credentials here
  // would be stored and listed back in clear, and `https://trusted@evil/` misleads the reader.
  if (parsed.username !== "" || parsed.password !== "") {
    return { ok: false, reason: "The URL must not contain a user name or password." };
  }

  // WHATWG URL has already normalised IPv4 literals (2130706433, 0x7f.1 → 127.0.0.1); IPv6
  // literals keep their brackets in `hostname`.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  let answers: ResolvedAddress[];
  if (isIP(host) !== 0) {
    answers = [{ address: host, family: isIP(host) }];
  } else {
    try {
      answers = await withDeadline(resolve(host), resolveTimeoutMs);
    } catch (error) {
      return {
        ok: false,
        reason:
          error === timedOut
            ? `The host name ${host} could not be resolved within ${resolveTimeoutMs / 1000} s.`
            : `The host name ${host} could not be resolved.`,
      };
    }
  }

  const vetted: Array<{ address: string; family: 4 | 6 }> = [];
  for (const answer of answers) {
    // A resolved address is not echoed: our resolver may know internal names, and the reason
    // goes back to the merchant. A literal host is the merchant's own text.
    const where = answer.address === host ? `${host} is` : `${host} resolves to`;
    const address = canonicalIp(answer.address);
    if (address === null) {
      return { ok: false, reason: `${where} something that is not an IP address.` };
    }
    const internal = policy.allowPrivate ? null : internalRange(address.address);
    if (internal !== null) {
      return { ok: false, reason: `${where} ${internal}; webhooks go to public addresses only.` };
    }
    vetted.push(address);
  }
  const first = vetted[0];
  if (first === undefined) {
    return { ok: false, reason: `The host name ${host} has no address.` };
  }
  return { ok: true, url: parsed, ...first };
}

/**
 * getaddrinfo has no deadline of its own (resolv.conf's retries can take 30 s), and a merchant's
 * slow name server must not hold a registration or a delivery attempt that long. The lookup
 * itself runs on to its end in libuv's pool; only our wait is cut.
 */
const resolveTimeoutMs = 5_000;
const timedOut = new Error("lookup timed out");

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(timedOut), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The address in the form that was judged and will be connected to. ipaddr.js reads the
 * IPv4-compatible "::127.0.0.1" as the mapped ::ffff:127.0.0.1, which is not what a socket
 * reaches; WHATWG URL's IPv6 serialiser is exact ("::7f00:1").
 */
function canonicalIp(address: string): { address: string; family: 4 | 6 } | null {
  const family = isIP(address);
  if (family === 4) {
    return { address, family };
  }
  if (family === 6) {
    try {
      return { address: new URL(`http://[${address}]/`).hostname.slice(1, -1), family };
    } catch {
      return null; // a zone id ("fe80::1%eth0"), which URL refuses and no webhook needs
    }
  }
  return null;
}

/**
 * Why an address is not a public one (e.g. "a loopback address"), or null when it is public.
 * Default deny: an address is public only if ipaddr.js classes it plain `unicast` (IPv6 also
 * inside 2000::/3, the only block IANA has allocated for global unicast); the special ranges are
 * ipaddr.js's (RFC 6890 and successors), named here for the merchant.
 */
function internalRange(address: string): string | null {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv4") {
    return describeIpv4(parsed as ipaddr.IPv4);
  }
  return describeIpv6(parsed as ipaddr.IPv6);
}

const ipv4Names: Record<string, string> = {
  unspecified: "an unspecified address (0.0.0.0/8)",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address (169.254.0.0/16)",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  private: "a private address (RFC 1918)",
  reserved: "a reserved, documentation or benchmarking address",
  as112: "an AS112 DNS sink address",
  amt: "an AMT relay address",
};

function describeIpv4(address: ipaddr.IPv4): string | null {
  const range = address.range();
  if (range === "unicast") {
    return null;
  }
  return ipv4Names[range] ?? `a special-purpose address (${range})`;
}

const ipv6Names: Record<string, string> = {
  unspecified: "the unspecified address (::)",
  linkLocal: "a link-local address (fe80::/10)",
  multicast: "a multicast address",
  loopback: "a loopback address (::1)",
  uniqueLocal: "a unique-local address (fc00::/7)",
  deprecatedSiteLocal: "a site-local address (fec0::/10)",
  discard: "a discard-only address (100::/64)",
  rfc6145: "an IPv4-translated address (::ffff:0:0:0/96)",
  rfc6052: "a local-use NAT64 address (64:ff9b:1::/48)",
  "6to4": "a 6to4 address (2002::/16), which can reach an internal IPv4 address",
  teredo: "a Teredo address (2001::/32), which can reach an internal IPv4 address",
  benchmarking: "a benchmarking address (2001:2::/48)",
  reserved: "a reserved or documentation address",
};

/** Well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 address reached. */
const nat64 = ipaddr.parseCIDR("64:ff9b::/96");
/** The only block allocated for global unicast; anything else is reserved by the IETF. */
const globalUnicast = ipaddr.parseCIDR("2000::/3");

function describeIpv6(address: ipaddr.IPv6): string | null {
  // Forms that carry an IPv4 address and reach it: judge the IPv4 address itself, so
  // ::ffff:127.0.0.1 and 64:ff9b::10.0.0.1 are refused and ::ffff:<public> is not.
  if (address.isIPv4MappedAddress() || address.match(nat64)) {
    const embedded = ipaddr.fromByteArray(address.toByteArray().slice(12)) as ipaddr.IPv4;
    const reason = describeIpv4(embedded);
    return reason === null ? null : `${reason} inside an IPv6 address`;
  }
  const range = address.range();
  if (range === "unicast") {
    return address.match(globalUnicast) ? null : "a reserved IPv6 address (outside 2000::/3)";
  }
  return ipv6Names[range] ?? `a special-purpose address (${range})`;
}
