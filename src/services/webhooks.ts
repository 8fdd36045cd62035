/**
 * Merchants' webhook endpoints and their delivery logs (API.md "Webhooks to merchants"): register
 * an endpoint (its URL checked by the SSRF guard, its secret made here and shown once), list,
 * delete, rotate its secret (the old one signs for 24 h more), read its deliveries, retry one.
 * Everything is scoped to the merchant: another merchant's id reads as missing.
 */
import { randomBytes } from "node:crypto";
import type { WebhookEndpointCreate } from "../../contracts/webhooks.ts";
import type { Clock } from "../clock.ts";
import { newId } from "../ids.ts";
import type { Store, WebhookDeliveryRecord, WebhookEndpointRecord } from "../store/store.ts";
import { checkWebhookUrl, type Resolve, type WebhookUrlPolicy } from "../webhooks/url-guard.ts";
import { ServiceError } from "./service-error.ts";

/** How long the secret before a rotation still signs deliveries (API.md). */
export const previousSecretSignsForMs = 24 * 60 * 60_000;

/**
 * A new signing secret: `whsec_` and 24 random bytes in base64 (Standard Webhooks keys are
 * 24–64 bytes; 192 bits is far beyond guessing).
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export class WebhookService {
  constructor(
    private readonly store: Store,
    private readonly now: Clock,
    private readonly policy: WebhookUrlPolicy,
    private readonly resolve?: Resolve,
  ) {}

  /** Registers an endpoint; its secret is in the record, shown to the merchant this once. */
  async createEndpoint(
    merchantId: string,
    input: WebhookEndpointCreate,
  ): Promise<WebhookEndpointRecord> {
    const check = await checkWebhookUrl(input.url, this.policy, this.resolve);
    if (!check.ok) {
      throw new ServiceError("validation_failed", `url: ${check.reason}`);
    }
    const endpoint: WebhookEndpointRecord = {
      id: newId("we"),
      merchantId,
      url: input.url,
      // Each type once, in the order given.
      events: input.events ? [...new Set(input.events)] : null,
      description: input.description ?? null,
      secret: newWebhookSecret(),
      previousSecret: null,
      previousSecretUntil: null,
      createdAt: this.now().toISOString(),
      deletedAt: null,
    };
    await this.store.webhooks.createEndpoint(endpoint);
    return endpoint;
  }

  listEndpoints(merchantId: string): Promise<WebhookEndpointRecord[]> {
    return this.store.webhooks.listEndpoints(merchantId);
  }

  async getEndpoint(merchantId: string, id: string): Promise<WebhookEndpointRecord> {
    return found(await this.store.webhooks.getEndpoint(merchantId, id), id);
  }

  async deleteEndpoint(merchantId: string, id: string): Promise<void> {
    const at = this.now().toISOString();
    if (!(await this.store.webhooks.deleteEndpoint(merchantId, id, at))) {
      throw notFound(id);
    }
  }

  /** A new secret for the endpoint; the current one keeps signing for 24 h. */
  async rotateSecret(merchantId: string, id: string): Promise<string> {
    const secret = newWebhookSecret();
    const until = new Date(this.now().getTime() + previousSecretSignsForMs).toISOString();
    found(await this.store.webhooks.rotateSecret(merchantId, id, secret, until), id);
    return secret;
  }

  /** A page of the endpoint's deliveries, newest first (a deleted endpoint's log included). */
  async deliveries(
    merchantId: string,
    endpointId: string,
    page: { limit: number; before?: string },
  ): Promise<WebhookDeliveryRecord[]> {
    return found(
      await this.store.webhooks.listDeliveries(merchantId, endpointId, page),
      endpointId,
    );
  }

  /** Makes the delivery due now (the delivery worker attempts it next). */
  async retryDelivery(merchantId: string, id: string): Promise<WebhookDeliveryRecord> {
    const at = this.now().toISOString();
    return found(await this.store.webhooks.retryDelivery(merchantId, id, at), id);
  }
}

function found<T>(value: T | null, id: string): T {
  if (value === null) {
    throw notFound(id);
  }
  return value;
}

function notFound(id: string): ServiceError {
  return new ServiceError("not_found", `No ${id} for this merchant.`);
}
