/**
 * ZTO wire schemas (carrier-wire-formats.md §5, new ZOP dialect). Replies are untrusted input:
 * parsed leniently where integrations disagree (string vs number, boolean vs "true"), strictly
 * where a wrong shape would mislead us. Requests the sandbox reads are parsed as ZTO documents
 * them.
 */
import { z } from "zod";

/** ZOP sends most scalars as strings; Java clients may serialise some as numbers. */
const StringLike = z.union([z.string(), z.number()]).transform((value) => String(value));

/** `{result, message, status, statusCode}`: every ZOP reply, success or failure, HTTP 200. */
export const ZtoEnvelopeSchema = z.object({
  result: z.unknown().optional(),
  message: z.string().nullish(),
  status: z
    .union([z.boolean(), z.enum(["true", "false"])])
    .transform((value) => value === true || value === "true"),
  statusCode: StringLike.nullish(),
});
export type ZtoEnvelope = z.infer<typeof ZtoEnvelopeSchema>;

/** A site in a trace (`ScanSiteDTO`, code id 15825668338): only what we read or render. */
export const ZtoScanSiteSchema = z.object({
  name: z.string().nullish(),
  code: StringLike.nullish(),
  phone: z.string().nullish(),
  prov: z.string().nullish(),
  city: z.string().nullish(),
  /** Sorting centre or not: T/F in legacy samples, "F/N" per the DTO comment. */
  isCenter: z.union([z.string(), z.boolean()]).nullish(),
});
export type ZtoScanSite = z.infer<typeof ZtoScanSiteSchema>;

/** One scan of `zto.merchant.waybill.track.query` (`ScanTraceDTO`, code id 15526029623). */
export const ZtoTraceSchema = z.object({
  billCode: z.string().nullish(),
  /** The scan type: a Chinese name (收件, 派件…) or an action code (status.ts). */
  scanType: z.string().min(1),
  /** Epoch milliseconds per the DTO; legacy traces use `yyyy-MM-dd HH:mm:ss` (China time). */
  scanDate: StringLike,
  desc: z.string().nullish(),
  scanSite: ZtoScanSiteSchema.nullish(),
  preOrNextSite: ZtoScanSiteSchema.nullish(),
  signMan: z.string().nullish(),
  returnType: StringLike.nullish(),
});
export type ZtoTrace = z.infer<typeof ZtoTraceSchema>;

/** `result` of the trace query: the scans of one waybill; null or [] when there are none. */
export const ZtoTrackResultSchema = z.array(ZtoTraceSchema).nullish();
export type ZtoTrackResult = z.infer<typeof ZtoTrackResultSchema>;

/** `result` of cancelPreOrder: `{}` in the documented sample; nothing in it is read. */
export const ZtoCancelResultSchema = z.record(z.string(), z.unknown()).nullish();

/** Trace query request body. `mobilePhone` (last 4 phone digits) is optional. */
export const ZtoTrackRequestSchema = z.object({
  billCode: z.string().min(1),
  mobilePhone: z.string().optional(),
});
export type ZtoTrackRequest = z.infer<typeof ZtoTrackRequestSchema>;

/** cancelPreOrder `cancelType`: 1 不想寄了 … 7 态度差 (zto.md). */
export const ZtoCancelTypeSchema = z.enum(["1", "2", "3", "4", "5", "6", "7"]);
export type ZtoCancelType = z.infer<typeof ZtoCancelTypeSchema>;

/** cancelPreOrder request body: `orderCode` or `billCode`, one of the two. */
export const ZtoCancelPreOrderRequestSchema = z.object({
  cancelType: ZtoCancelTypeSchema,
  orderCode: z.string().optional(),
  billCode: z.string().optional(),
});
export type ZtoCancelPreOrderRequest = z.infer<typeof ZtoCancelPreOrderRequestSchema>;
