/**
 * Kuaidi100 wire schemas (carrier-wire-formats.md §3; java-demo `InterceptOrderReq`, `ManInfo`,
 * `QueryTrackParam`, `QueryTrackResp`, `QueryTrackData`, `labelV2.Result`). Replies are untrusted:
 * parsed leniently where Kuaidi100's own SDK is loose (string vs number), strictly on the
 * fields we act on.
 */
import { z } from "zod";

/** Kuaidi100 sends most scalars as strings; some replies carry numbers. */
const StringLike = z.union([z.string(), z.number()]).transform((value) => String(value));

/** `interceptType` values (`InterceptOrderReq` comment). */
export const InterceptTypeSchema = z.enum([
  "RETURN_SEND_STATION",
  "RETURN_SEND_ADDR",
  "MODIFY_ADDR",
]);
export type InterceptType = z.infer<typeof InterceptTypeSchema>;

/** `interceptPayType` values (`InterceptOrderReq` comment). */
export const InterceptPayTypeSchema = z.enum(["SHIPPER", "CONSIGNEE", "THIRDPARTY", "MONTHLY"]);
export type InterceptPayType = z.infer<typeof InterceptPayTypeSchema>;

/** `ManInfo`: name, mobile or tel, and printAddr or province/city/district/addr. */
export const ManInfoSchema = z.object({
  name: z.string().min(1),
  mobile: z.string().optional(),
  tel: z.string().optional(),
  printAddr: z.string().optional(),
  company: z.string().optional(),
  province: z.string().optional(),
  city: z.string().optional(),
  district: z.string().optional(),
  addr: z.string().optional(),
});
export type ManInfo = z.infer<typeof ManInfoSchema>;

/**
 * `interceptOrder` param (fields we send or the sandbox checks). The SDK spells `orderId`; an
 * older doc reading says `orderid`, so the sandbox accepts both (carrier-wire-formats.md §3.1).
 */
export const InterceptOrderParamSchema = z.object({
  kuaidicom: z.string().min(1),
  kuaidinum: z.string().min(1),
  interceptType: InterceptTypeSchema,
  orderId: z.string().optional(),
  orderid: z.string().optional(),
  reason: z.string().optional(),
  recManInfo: ManInfoSchema.optional(),
  orderRole: z.enum(["1", "2", "3"]).optional(),
  interceptPayType: InterceptPayTypeSchema.optional(),
  salt: z.string().optional(),
  callbackUrl: z.string().optional(),
});
export type InterceptOrderParam = z.infer<typeof InterceptOrderParamSchema>;

/** Synchronous label API reply: `{code (200 = ok), message, data, time}` (`labelV2.Result`). */
export const LabelReplySchema = z.object({
  code: StringLike,
  message: z.string().nullish(),
  // The intercept `data` type is unknown (the SDK's declared type is a copy-paste bug): opaque.
  data: z.unknown().optional(),
  time: z.union([z.number(), z.string()]).nullish(),
});
export type LabelReply = z.infer<typeof LabelReplySchema>;

/** Real-time query param (`QueryTrackParam`). */
export const QueryParamSchema = z.object({
  com: z.string().min(1),
  num: z.string().min(1),
  phone: z.string().optional(),
  resultv2: StringLike.optional(),
  show: StringLike.optional(),
  order: z.enum(["desc", "asc"]).optional(),
});
export type QueryParam = z.infer<typeof QueryParamSchema>;

/** One track entry (`QueryTrackData`). `status` is a Chinese label, `statusCode` a code. */
export const QueryTrackDataSchema = z.object({
  time: z.string(),
  ftime: z.string().nullish(),
  context: z.string().nullish(),
  status: z.string().nullish(),
  statusCode: StringLike.nullish(),
  areaCode: z.string().nullish(),
  areaName: z.string().nullish(),
});
export type QueryTrackData = z.infer<typeof QueryTrackDataSchema>;

/** A successful real-time query reply (`QueryTrackResp`). */
export const QueryReplySchema = z.object({
  message: z.string().nullish(),
  nu: z.string().nullish(),
  ischeck: StringLike.nullish(),
  com: z.string().nullish(),
  status: StringLike.nullish(),
  state: StringLike.nullish(),
  condition: z.string().nullish(),
  data: z.array(QueryTrackDataSchema),
});
export type QueryReply = z.infer<typeof QueryReplySchema>;

/** A refused real-time query: `{result:false, returnCode, message}` (`QueryTrackResp`). */
export const QueryErrorReplySchema = z.object({
  result: z.literal(false),
  returnCode: StringLike,
  message: z.string().nullish(),
});
export type QueryErrorReply = z.infer<typeof QueryErrorReplySchema>;

/**
 * ASSUMED intercept result callback `param` (the real format was not found,
 * carrier-wire-formats.md §3.3): the waybill, our orderId, a status and a message; `state`
 * (the tracking state code at that moment) and `time` are optional extras.
 */
export const InterceptCallbackParamSchema = z.object({
  kuaidicom: z.string().nullish(),
  kuaidinum: z.string().min(1),
  orderId: z.string().min(1),
  interceptType: InterceptTypeSchema.nullish(),
  status: z.enum(["success", "failure", "cancelled"]),
  message: z.string().nullish(),
  state: StringLike.nullish(),
  time: z.string().nullish(),
});
export type InterceptCallbackParam = z.infer<typeof InterceptCallbackParamSchema>;
