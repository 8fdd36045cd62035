/**
 * UPS wire schemas: OAuth (carrier-wire-formats.md §6.1), Delivery Intercept v2
 * (/work/shared/carriers/ups/DeliveryIntercept.yaml), Track API v1 (§6.2) and Track Alert
 * pushes (§6.3). Replies are untrusted: they are parsed with only the fields we read required,
 * requests the sandbox reads are parsed as the spec documents them.
 */
import { z } from "zod";

/** The spec's tracking number pattern: only 1Z numbers are accepted by Delivery Intercept. */
export const UPS_TRACKING_NUMBER = /^1Z[A-Z0-9]{16}$/;
/** The `transId` header pattern of DeliveryIntercept.yaml. */
export const UPS_TRANS_ID = /^[a-zA-Z0-9-.]{3,14}$/;
/** Phone numbers in DI requests: `+` and 1–13 digits. */
export const UPS_PHONE = /^\+[0-9]{1,13}$/;
/** A UPS charge: decimal string with two decimals (`DeliveryInterceptChargeV2`). */
const UpsCharge = z.string().regex(/^\d{1,17}\.\d{2}$/, "a UPS charge like 21.00");

// ---------------------------------------------------------------------------------------------
// OAuth client credentials

/** `tokenSuccessResponse`: every field is a string, `expires_in` in seconds. */
export const UpsTokenResponseSchema = z.object({
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
  client_id: z.string().optional(),
  access_token: z.string().min(1),
  scope: z.string().optional(),
  expires_in: z.string().regex(/^\d+$/, "seconds as a string"),
  refresh_count: z.string().optional(),
  status: z.string().optional(),
});
export type UpsTokenResponse = z.infer<typeof UpsTokenResponseSchema>;

/** The common error body `{response:{errors:[{code,message}]}}` (OAuth, Track, DI 4xx). */
export const UpsErrorResponseSchema = z.object({
  response: z.object({
    transactionId: z.string().nullish(),
    statusCode: z.string().nullish(),
    errors: z.array(z.object({ code: z.string(), message: z.string().nullish() })).min(1),
  }),
});
export type UpsErrorResponse = z.infer<typeof UpsErrorResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Delivery Intercept v2

/** `DeliveryInterceptSuccessErrorV2`: errors inside an HTTP 200 use errorCode/errorMessage. */
export const UpsDiErrorSchema = z.object({
  errorCode: z.string(),
  errorMessage: z.string().nullish(),
  errorSource: z.string().nullish(),
});
export type UpsDiError = z.infer<typeof UpsDiErrorSchema>;

/** Fields common to every DI reply (`DeliveryInterceptCommonResponseV2`). */
const commonReply = {
  transactionId: z.string().nullish(),
  statusCode: z.string(),
  statusMsg: z.string().nullish(),
  subStatusCode: z.string().nullish(),
  success: z.boolean().nullish(),
  errors: z.array(UpsDiErrorSchema).nullish(),
  warnings: z.record(z.string(), z.string()).nullish(),
};

/** `DeliveryInterceptResponseV2`: the flat reply of return / redirect / cancel. */
export const UpsSubmitReplySchema = z.object(commonReply);
export type UpsSubmitReply = z.infer<typeof UpsSubmitReplySchema>;

const EligibilityValue = z.enum(["ELIGIBLE", "NOT_ELIGIBLE", "UNKNOWN"]);

export const UpsEligibilityEntrySchema = z.object({
  interceptFeature: z.string(),
  eligibilityValue: z.object({
    createEligibility: EligibilityValue,
    modifyEligibility: EligibilityValue,
    cancelEligibility: EligibilityValue,
    reasonOptionsForRTS: z.array(z.object({ id: z.string(), value: z.string() })).nullish(),
  }),
});
export type UpsEligibilityEntry = z.infer<typeof UpsEligibilityEntrySchema>;

/** `DeliveryInterceptEligibilityOptionsResponseV2`, wrapped in `response`. */
export const UpsEligibilityReplySchema = z.object({
  response: z.object({
    ...commonReply,
    commonEligibilityMap: z.array(UpsEligibilityEntrySchema).nullish(),
  }),
});
export type UpsEligibilityReply = z.infer<typeof UpsEligibilityReplySchema>;

export const UpsChargeDetailSchema = z.object({
  interceptOption: z.string().nullish(),
  totalCharge: UpsCharge.nullish(),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
});

export const UpsChargeInfoSchema = z.object({
  trackingNumber: z.string(),
  accessorialCharge: UpsCharge.nullish(),
  interceptCharge: UpsCharge.nullish(),
  transportationCharge: UpsCharge.nullish(),
  totalCharge: UpsCharge,
  chargeCurrency: z.string().regex(/^[A-Z]{3}$/),
  shipperPaidInterceptCharges: z.boolean().nullish(),
  interceptChargeDetail: z.array(UpsChargeDetailSchema).nullish(),
});
export type UpsChargeInfo = z.infer<typeof UpsChargeInfoSchema>;

/** `DeliveryInterceptChargesResponseV2`, wrapped in `response`. */
export const UpsChargesReplySchema = z.object({
  response: z.object({
    ...commonReply,
    chargeInfo: z.array(UpsChargeInfoSchema).nullish(),
  }),
});
export type UpsChargesReply = z.infer<typeof UpsChargesReplySchema>;

/** Intercept types of `DeliveryInterceptRequestV2.requestType` we send. */
export const UpsRequestTypeSchema = z.enum(["WC", "SC", "FD", "AA", "RS"]);
export type UpsRequestType = z.infer<typeof UpsRequestTypeSchema>;

/** `reasonForReturn` codes (RS only), titles from the spec. */
export const UpsReturnReasonSchema = z.enum(["AM", "AN", "AQ", "AR", "AS", "FA", "KR", "KS", "KV"]);
export type UpsReturnReason = z.infer<typeof UpsReturnReasonSchema>;

export const UpsRequesterContactSchema = z.looseObject({
  name: z.string().min(1).max(30),
  telephone: z.string().regex(UPS_PHONE),
  phoneExt: z
    .string()
    .regex(/^\+[0-9]{1,3}$/)
    .optional(),
  emailAddress: z.string().min(1).max(50).optional(),
});
export type UpsRequesterContact = z.infer<typeof UpsRequesterContactSchema>;

export const UpsNewDeliveryAddressSchema = z.object({
  addressNickName: z.string().min(2).max(20),
  addressInfo: z.looseObject({
    addressLine1: z.string().min(1).max(50),
    addressLine2: z.string().min(1).max(35).optional(),
    addressLine3: z.string().min(1).max(35).optional(),
    city: z.string().min(1).max(30),
    state: z.string().regex(/^[A-Z]{2}$/),
    postalCode: z.string().regex(/^\d{5}(?:[-\s]\d{4})?$/),
    countryCode: z.string().regex(/^[A-Z]{2}$/),
  }),
  nameOrCompanyName: z.string(),
  contactName: z.string().optional(),
  // "Empty String can be passed" (spec) when there is no usable number.
  phoneNumber: z.union([z.literal(""), z.string().max(14).regex(UPS_PHONE)]),
  phoneExt: z.string().optional(),
  emailAddress: z.string().optional(),
});
export type UpsNewDeliveryAddress = z.infer<typeof UpsNewDeliveryAddressSchema>;

/** `DeliveryInterceptRequestV2` (additionalProperties: false in the spec). */
export const UpsSubmitRequestSchema = z.strictObject({
  requestType: UpsRequestTypeSchema,
  requesterContactInfo: UpsRequesterContactSchema,
  // Required by the spec, but nullable.
  specialInstructions: z.string().min(1).max(254).nullable(),
  reasonForReturn: UpsReturnReasonSchema.optional(),
  deliveryDate: z.string().optional(),
  newDeliveryAddress: UpsNewDeliveryAddressSchema.optional(),
});
export type UpsSubmitRequest = z.infer<typeof UpsSubmitRequestSchema>;

/** `DeliveryInterceptChargesRequestV2` as far as the sandbox reads it. */
export const UpsChargesRequestSchema = z.looseObject({
  ratingRequest: z
    .array(
      z.looseObject({
        trackInfo: z.object({ interceptOption: z.enum(["WC", "SC", "FD", "AA", "RS", "AL"]) }),
      }),
    )
    .min(1),
});
export type UpsChargesRequest = z.infer<typeof UpsChargesRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Track API v1

export const UpsStatusSchema = z.object({
  type: z.string().nullish(),
  code: z.string().nullish(),
  description: z.string().nullish(),
  simplifiedTextDescription: z.string().nullish(),
  statusCode: z.string().nullish(),
});
export type UpsStatus = z.infer<typeof UpsStatusSchema>;

export const UpsTrackAddressSchema = z.object({
  addressLine1: z.string().nullish(),
  city: z.string().nullish(),
  stateProvince: z.string().nullish(),
  postalCode: z.string().nullish(),
  country: z.string().nullish(),
  countryCode: z.string().nullish(),
});

export const UpsActivitySchema = z.object({
  date: z.string().nullish(),
  time: z.string().nullish(),
  gmtDate: z.string().nullish(),
  gmtTime: z.string().nullish(),
  gmtOffset: z.string().nullish(),
  location: z.object({ address: UpsTrackAddressSchema.nullish() }).nullish(),
  status: UpsStatusSchema.nullish(),
});
export type UpsActivity = z.infer<typeof UpsActivitySchema>;

export const UpsPackageSchema = z.object({
  trackingNumber: z.string().nullish(),
  currentStatus: UpsStatusSchema.nullish(),
  activity: z.array(UpsActivitySchema).nullish(),
  packageAddress: z
    .array(
      z.object({
        type: z.string().nullish(),
        name: z.string().nullish(),
        address: UpsTrackAddressSchema.nullish(),
      }),
    )
    .nullish(),
});
export type UpsPackage = z.infer<typeof UpsPackageSchema>;

export const UpsTrackReplySchema = z.object({
  trackResponse: z.object({
    shipment: z.array(
      z.object({
        inquiryNumber: z.string().nullish(),
        package: z.array(UpsPackageSchema).nullish(),
        warnings: z.array(z.object({ code: z.string(), message: z.string().nullish() })).nullish(),
      }),
    ),
  }),
});
export type UpsTrackReply = z.infer<typeof UpsTrackReplySchema>;

// ---------------------------------------------------------------------------------------------
// Track Alert

/** Subscription request (`POST /api/track/v1/subscription/standard/package`). */
export const UpsSubscriptionRequestSchema = z.looseObject({
  locale: z.string(),
  countryCode: z.string(),
  trackingNumberList: z.array(z.string()).min(1).max(100),
});
export type UpsSubscriptionRequest = z.infer<typeof UpsSubscriptionRequestSchema>;

export const UpsSubscriptionReplySchema = z.object({
  validTrackingNumbers: z.array(z.string()).nullish(),
  invalidTrackingNumbers: z.array(z.string()).nullish(),
});

/** The webhook body `TrackingEventRequest` (one event per POST). */
export const UpsTrackingEventSchema = z.looseObject({
  trackingNumber: z.string().regex(/^1Z[0-9A-Z]{16}$|^1R/),
  localActivityDate: z.string().nullish(),
  localActivityTime: z.string().nullish(),
  gmtActivityDate: z.string().nullish(),
  gmtActivityTime: z.string().nullish(),
  gmtOffset: z.string().nullish(),
  activityLocation: z
    .object({
      city: z.string().nullish(),
      stateProvince: z.string().nullish(),
      postalCode: z.string().nullish(),
      country: z.string().nullish(),
    })
    .nullish(),
  activityStatus: z.object({
    type: z.string(),
    code: z.string().nullish(),
    description: z.string().nullish(),
    // The spec example has a number (17); accept both.
    descriptionCode: z
      .union([z.string(), z.number()])
      .transform((value) => String(value))
      .nullish(),
  }),
  actualDeliveryDate: z.string().nullish(),
  actualDeliveryTime: z.string().nullish(),
});
export type UpsTrackingEvent = z.infer<typeof UpsTrackingEventSchema>;
