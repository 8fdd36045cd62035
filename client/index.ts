/**
 * The gateway's typed client for storefront backends: `createGatewayClient` for the API,
 * `verifyWebhook` for the webhooks it sends. It imports nothing of the gateway's code, only the
 * types generated from its OpenAPI document (`npm run client:generate`).
 */
export {
  type CarrierList,
  createGatewayClient,
  type EligibilityResult,
  type GatewayClient,
  type GatewayClientOptions,
  type Interception,
  type InterceptionList,
  type InterceptionRequest,
  type ListInterceptionsQuery,
  unwrap,
} from "./client.ts";
export type { components, operations, paths } from "./openapi.ts";
export { GatewayProblemError, type Problem, unexpectedResponse } from "./problem.ts";
export { defaultRetryOptions, type RetryOptions } from "./retry.ts";
export {
  type InterceptionEventType,
  interceptionEventTypes,
  type OtherEventType,
  type ShipmentEventType,
  shipmentEventTypes,
  verifyWebhook,
  type WebhookEvent,
  type WebhookHeaders,
  WebhookVerificationError,
} from "./webhooks.ts";
