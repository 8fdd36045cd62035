/**
 * `verifyWebhook` against deliveries signed with the standardwebhooks library, as the gateway
 * signs them: a round trip, a tampered body, an old timestamp, and secret rotation.
 */
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { verifyWebhook, WebhookVerificationError } from "../../client/index.ts";

const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

const event = {
  id: "evt_01JD3Q2K6W6R8Z7Y5X4V3T2S1R",
  type: "interception.succeeded",
  createdAt: "2026-12-01T10:00:00.000Z",
  data: { id: "icp_01", status: "succeeded", updatedAt: "2026-12-01T10:00:00.000Z" },
};

/** The headers of a delivery of `body`, signed with each of `secrets` at `at`. */
function signed(secrets: string[], body: string, at = new Date()): Record<string, string> {
  const signature = secrets.map((secret) => new Webhook(secret).sign(event.id, at, body)).join(" ");
  return {
    "webhook-id": event.id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

describe("verifyWebhook", () => {
  it("returns the typed event of a delivery signed with the secret", () => {
    const secret = newSecret();
    const body = JSON.stringify(event);
    const verified = verifyWebhook(secret, signed([secret], body), body);
    expect(verified).toEqual(event);
    if (verified.type === "interception.succeeded") {
      // Narrowed on `type`: `data` is an Interception.
      expect(verified.data.status).toBe("succeeded");
    }
  });

  it("reads fetch Headers and Node's header objects alike (any case, arrays)", () => {
    const secret = newSecret();
    const body = JSON.stringify(event);
    const headers = signed([secret], body);
    expect(verifyWebhook(secret, new Headers(headers), body).id).toBe(event.id);
    const node = Object.fromEntries(
      Object.entries(headers).map(([name, value]) => [name.toUpperCase(), [value]]),
    );
    expect(verifyWebhook(secret, node, body).id).toBe(event.id);
  });

  it("refuses a tampered body", () => {
    const secret = newSecret();
    const body = JSON.stringify(event);
    const tampered = body.replace("succeeded", "failed");
    expect(() => verifyWebhook(secret, signed([secret], body), tampered)).toThrow(
      WebhookVerificationError,
    );
  });

  it("refuses another secret's signature", () => {
    const body = JSON.stringify(event);
    expect(() => verifyWebhook(newSecret(), signed([newSecret()], body), body)).toThrow(
      WebhookVerificationError,
    );
  });

  it("refuses a delivery signed ten minutes ago (a replay), even with a valid signature", () => {
    const secret = newSecret();
    const body = JSON.stringify(event);
    const old = new Date(Date.now() - 10 * 60_000);
    expect(() => verifyWebhook(secret, signed([secret], body, old), body)).toThrow(
      /timestamp too old/i,
    );
  });

  it("verifies during a rotation: the gateway signs with both, the receiver holds either or both", () => {
    const [previous, next] = [newSecret(), newSecret()];
    const body = JSON.stringify(event);
    const headers = signed([next, previous], body);
    expect(verifyWebhook(previous, headers, body).id).toBe(event.id);
    expect(verifyWebhook(next, headers, body).id).toBe(event.id);
    // A receiver that already moved to the new secret still takes the old one's deliveries.
    const onlyOld = signed([previous], body);
    expect(verifyWebhook([next, previous], onlyOld, body).id).toBe(event.id);
    expect(() => verifyWebhook([next], onlyOld, body)).toThrow(WebhookVerificationError);
  });

  it("refuses a delivery without the signature headers", () => {
    const body = JSON.stringify(event);
    expect(() => verifyWebhook(newSecret(), {}, body)).toThrow(WebhookVerificationError);
  });
});
