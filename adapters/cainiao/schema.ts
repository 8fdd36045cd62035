/**
 * Cainiao / TOP wire schemas (carrier-wire-formats.md §4, bububa/opentaobao metadata). Replies
 * are untrusted: parsed leniently where TOP's JSON modes differ (wrapped vs simplified lists,
 * booleans and numbers as strings), strictly where a field decides something.
 */
import { z } from "zod";

/** TOP sends scalars as JSON numbers or strings depending on the API and mode. */
const StringLike = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** Booleans sometimes arrive as "true"/"false" strings. */
const BooleanLike = z
  .union([z.boolean(), z.enum(["true", "false"])])
  .transform((v) => v === true || v === "true");

/**
 * A TOP list. In the default JSON mode a list is wrapped in an object keyed by its element
 * type (`"result":{"transit_step_result":[…]}`, as the XML `result>transit_step_result`);
 * with `simplify=true` it is a bare array. Both read as an array; absent reads as empty.
 */
function topList<T extends z.ZodType>(item: T, wrapper: string) {
  return z
    .union([z.array(item), z.object({ [wrapper]: z.array(item).nullish() }), z.null()])
    .optional()
    .transform((value): z.infer<T>[] => {
      if (value === undefined || value === null) {
        return [];
      }
      if (Array.isArray(value)) {
        return value;
      }
      const inner = (value as Record<string, z.infer<T>[] | null | undefined>)[wrapper];
      return inner ?? [];
    });
}

/** `error_response` (opentaobao `model/response.go`): `code` is an int, `sub_code` the detail. */
export const TopErrorResponseSchema = z.object({
  error_response: z.object({
    code: StringLike,
    msg: z.string().nullish(),
    sub_code: z.string().nullish(),
    sub_msg: z.string().nullish(),
    request_id: z.string().nullish(),
  }),
});
export type TopErrorResponse = z.infer<typeof TopErrorResponseSchema>;

/**
 * `logistics_erp_delivery_cut_response` (API 66686). The metadata swaps the descriptions of
 * `biz_error_code` and `biz_error_message`; we read them by name.
 */
export const DeliveryCutReplySchema = z.object({
  suc: BooleanLike,
  biz_error_code: StringLike.nullish(),
  biz_error_message: z.string().nullish(),
  retry: BooleanLike.nullish(),
  request_id: z.string().nullish(),
});
export type DeliveryCutReply = z.infer<typeof DeliveryCutReplySchema>;

/** One `TransitStepInfo`: `action` is the node code (揽收、派送、签收…). */
export const TransitStepInfoSchema = z.object({
  status_time: z.string(),
  status_desc: z.string().nullish(),
  action: z.string().nullish(),
});
export type TransitStepInfo = z.infer<typeof TransitStepInfoSchema>;

/** One `TransitStepResult` of `taobao.logistics.trace.get`. */
export const TransitStepResultSchema = z.object({
  out_sid: StringLike,
  company_name: z.string().nullish(),
  tid: StringLike.nullish(),
  status: z.string().nullish(),
  trace_list: topList(TransitStepInfoSchema, "transit_step_info"),
});
export type TransitStepResult = z.infer<typeof TransitStepResultSchema>;

/** `logistics_trace_get_response` body. */
export const TraceGetReplySchema = z.object({
  result: topList(TransitStepResultSchema, "transit_step_result"),
  request_id: z.string().nullish(),
});
export type TraceGetReply = z.infer<typeof TraceGetReplySchema>;

/** `cut_off_delivery_process_request` (API 66686 request object). */
export const CutOffDeliveryProcessRequestSchema = z.object({
  mail_no: z.string().min(1),
  outer_order_id: z.string().optional(),
  intercept_time: z.string().min(1),
  intercept_reason: z.string().min(1),
  tms_cp_code: z.string().min(1),
});
export type CutOffDeliveryProcessRequest = z.infer<typeof CutOffDeliveryProcessRequestSchema>;

/** The trace query params (ASSUMED keys, see README: the documented key is `tid`). */
export const TraceQueryRequestSchema = z.object({
  mail_no: z.string().min(1),
  tms_cp_code: z.string().optional(),
});
export type TraceQueryRequest = z.infer<typeof TraceQueryRequestSchema>;

/** `notify_cut_off_delivery_process_status_request` (API 66638): 1 success, 2 failed, 3 cancelled. */
export const NotifyCutOffStatusRequestSchema = z.object({
  mail_no: z.string().min(1),
  outer_order_id: z.string().nullish(),
  intercept_status: z
    .union([z.enum(["1", "2", "3"]), z.literal(1), z.literal(2), z.literal(3)])
    .transform((v) => String(v) as "1" | "2" | "3"),
  tms_cp_code: z.string().min(1),
  intercept_status_message: z.string().nullish(),
});
export type NotifyCutOffStatusRequest = z.infer<typeof NotifyCutOffStatusRequestSchema>;
