/**
 * JD wire schemas (carrier-wire-formats.md §2). Replies are untrusted input, parsed leniently
 * where SDKs disagree (codes as numbers or strings); requests the sandbox reads are parsed as
 * the official SDK request classes define them.
 */
import { z } from "zod";

/** JOS codes appear as strings in samples and as numbers in SDK types; read both. */
const CodeString = z.union([z.string(), z.number()]).transform((value) => String(value));
const CodeNumber = z
  .union([z.number().int(), z.string().regex(/^-?\d+$/)])
  .transform((value) => Number(value));

/** `{"error_response":{"code","zh_desc","en_desc"}}` (JD .NET SDK base response, id 13130133615). */
export const JdErrorEnvelopeSchema = z.object({
  error_response: z.object({
    code: CodeString,
    zh_desc: z.string().nullish(),
    en_desc: z.string().nullish(),
  }),
});
export type JdErrorEnvelope = z.infer<typeof JdErrorEnvelopeSchema>;

/**
 * The `<method>_responce` object around the business result. `code` is "0" on success (our
 * inference; one fixture shows `{"code":"103","zh_desc":"invalid app"}` in this place).
 */
export const JdResponceSchema = z
  .object({
    code: CodeString.nullish(),
    zh_desc: z.string().nullish(),
    en_desc: z.string().nullish(),
  })
  .loose();
export type JdResponce = z.infer<typeof JdResponceSchema>;

/** `resultInfo` = `OrderInfoOperateResponse {stateCode, stateMessage}` (ids 67445249750, 15993733421). */
export const JdInterceptResultSchema = z.object({
  resultInfo: z.object({
    stateCode: CodeNumber,
    stateMessage: z.string().nullish(),
  }),
});
export type JdInterceptResult = z.infer<typeof JdInterceptResultSchema>;

/** One trace (`TraceDTO`): `opeTime` is a string in the SDK, `yyyy-MM-dd HH:mm:ss` assumed. */
export const JdTraceSchema = z.object({
  opeTitle: z.string(),
  opeRemark: z.string().nullish(),
  opeName: z.string().nullish(),
  opeTime: z.string(),
  waybillCode: z.string().nullish(),
  courier: z.string().nullish(),
  courierTel: z.string().nullish(),
});
export type JdTrace = z.infer<typeof JdTraceSchema>;

/** `querytraceResult {code, messsage [sic], data[]}` (`TraceQueryResultDTO`, id 35292785748). */
export const JdTraceResultSchema = z.object({
  querytraceResult: z.object({
    code: CodeNumber,
    // JD's own spelling; `message` accepted too in case an SDK copy "fixed" it.
    messsage: z.string().nullish(),
    message: z.string().nullish(),
    data: z.array(JdTraceSchema).nullish(),
  }),
});
export type JdTraceResult = z.infer<typeof JdTraceResultSchema>;

/**
 * `jingdong.ldop.receive.order.intercept` business parameters (`LdopReceiveOrderInterceptRequest`:
 * vendorCode, deliveryId, interceptReason, cancelOperatorCodeType, cancelTime, cancelOperator).
 * Lengths from JD's newer JDL cancel API, which carries the same fields (id 9749096612).
 */
export const JdInterceptRequestSchema = z.object({
  vendorCode: z.string().min(1).max(50),
  deliveryId: z.string().min(1).max(50),
  interceptReason: z.string().min(1).max(200),
  /** 1 = 京东pin, 2 = ERP account (id 9749096612). */
  cancelOperatorCodeType: z.union([z.literal(1), z.literal(2)]).nullish(),
  cancelTime: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
    .nullish(),
  cancelOperator: z.string().max(50).nullish(),
});
export type JdInterceptRequest = z.infer<typeof JdInterceptRequestSchema>;

/** `jingdong.ldop.receive.trace.get` business parameters (`LdopReceiveTraceGetRequest`). */
export const JdTraceRequestSchema = z.object({
  customerCode: z.string().min(1),
  waybillCode: z.string().min(1),
});
export type JdTraceRequest = z.infer<typeof JdTraceRequestSchema>;
