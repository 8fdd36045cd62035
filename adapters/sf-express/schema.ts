/**
 * SF wire schemas (carrier-wire-formats.md §1). Replies are parsed leniently where integrations
 * disagree (string vs number, string vs parsed `apiResultData`); requests the sandbox reads are
 * parsed as SF documents them.
 */
import { z } from "zod";

/** SF sends most scalars as strings; some integrations send numbers. */
const StringLike = z.union([z.string(), z.number()]).transform((value) => String(value));

/** The platform envelope: all strings, `apiResultData` a JSON string ("" on platform errors). */
export const SfEnvelopeSchema = z.object({
  apiResultCode: z.string(),
  apiErrorMsg: z.string().nullish(),
  apiResponseID: z.string().nullish(),
  // Canonically a JSON string; some endpoints answer an already-parsed object.
  apiResultData: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
});
export type SfEnvelope = z.infer<typeof SfEnvelopeSchema>;

/** The inner business envelope inside `apiResultData`. */
export const SfBusinessEnvelopeSchema = z.object({
  success: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .transform((v) => v === true || v === "true"),
  errorCode: z.string().nullish(),
  // Error text appears under any of these names (open-connector `unwrapSfExpressEnvelope`).
  errorMsg: z.string().nullish(),
  errorMessage: z.string().nullish(),
  message: z.string().nullish(),
  msgData: z.unknown().optional(),
});
export type SfBusinessEnvelope = z.infer<typeof SfBusinessEnvelopeSchema>;

export const SfRouteSchema = z.object({
  acceptTime: z.string(),
  acceptAddress: z.string().nullish(),
  remark: z.string().nullish(),
  opCode: StringLike,
  firstStatusCode: StringLike.nullish(),
  firstStatusName: z.string().nullish(),
  secondaryStatusCode: StringLike.nullish(),
  secondaryStatusName: z.string().nullish(),
});
export type SfRoute = z.infer<typeof SfRouteSchema>;

/** `EXP_RECE_SEARCH_ROUTES` reply msgData. */
export const SfRouteQueryReplySchema = z.object({
  routeResps: z.array(
    z.object({
      mailNo: z.string(),
      routes: z.array(SfRouteSchema).nullish(),
    }),
  ),
});
export type SfRouteQueryReply = z.infer<typeof SfRouteQueryReplySchema>;

/** `EXP_RECE_WANTED_INTERCEPT` reply msgData: null on plain success, a body for fee variants. */
export const SfInterceptReplySchema = z
  .object({
    cusId: StringLike.nullish(),
    amount: z.union([z.number(), z.string()]).nullish(),
    freightAdditionInfoResp: z
      .object({
        interceptionDeptCode: z.string().nullish(),
        transferFlg: z.string().nullish(),
      })
      .nullish(),
  })
  .nullish();
export type SfInterceptReply = z.infer<typeof SfInterceptReplySchema>;

/** One element of a route push (json mode). */
export const SfPushRouteSchema = z.object({
  mailno: z.string().min(1),
  acceptAddress: z.string().nullish(),
  reasonName: z.string().nullish(),
  orderid: z.string().nullish(),
  acceptTime: z.string(),
  remark: z.string().nullish(),
  opCode: StringLike,
  id: StringLike,
  reasonCode: z.string().nullish(),
});
export type SfPushRoute = z.infer<typeof SfPushRouteSchema>;

/** Route push body, json mode: `{"Body":{"WaybillRoute":[…]}}`, at most 10 routes. */
export const SfRoutePushSchema = z.object({
  Body: z.object({ WaybillRoute: z.array(SfPushRouteSchema).min(1) }),
});
export type SfRoutePush = z.infer<typeof SfRoutePushSchema>;

/** `newDestAddress` inside an intercept request (open-connector `readNewDestAddress`). */
export const SfNewDestAddressSchema = z.object({
  province: z.string().min(1),
  city: z.string().min(1),
  county: z.string().min(1),
  address: z.string().min(1),
  contact: z.string().optional(),
  phone: z.string().optional(),
  country: z.string().optional(),
  countryCode: z.string().optional(),
  company: z.string().optional(),
  areaCode: z.string().optional(),
  locationCode: z.string().optional(),
});
export type SfNewDestAddress = z.infer<typeof SfNewDestAddressSchema>;

/** `EXP_RECE_WANTED_INTERCEPT` request msgData (fields we send or the sandbox checks). */
export const SfInterceptRequestSchema = z.object({
  waybillNo: z.string().min(1),
  serviceCode: z.string().min(1),
  role: z.enum(["1", "2", "3"]).optional(),
  payMode: z.enum(["1", "2", "3", "4"]).optional(),
  monthlyCardNo: z.string().optional(),
  newDestAddress: SfNewDestAddressSchema.optional(),
  cancel: z.boolean().optional(),
  cusId: z.string().optional(),
});
export type SfInterceptRequest = z.infer<typeof SfInterceptRequestSchema>;

/** `EXP_RECE_SEARCH_ROUTES` request msgData. */
export const SfRouteQueryRequestSchema = z.object({
  language: StringLike.optional(),
  trackingType: StringLike,
  trackingNumber: z.array(z.string().min(1)).min(1).max(10),
  methodType: StringLike.optional(),
  checkPhoneNo: z.string().optional(),
});
export type SfRouteQueryRequest = z.infer<typeof SfRouteQueryRequestSchema>;
