// tollgate's failures as JavaScript errors: one class per stable reason (the
// google.rpc.ErrorInfo `reason` the server attaches to every failing status),
// all deriving from TollgateError, which carries the gRPC code, the reason,
// the ErrorInfo metadata and what the other details say (RetryInfo,
// BadRequest). Applications branch with `instanceof` or on `reason`, never on
// the message.
//
// Nothing here copies a request into an error: the message is the server's,
// and the server never echoes a code, secret or token in it.
//
// The public types here are the package's own and structural (a code is a
// number, trailers anything with get()): @grpc/grpc-js is bundled into the
// package, and an application's own copy of it must fit them too.
import { status as GrpcStatus } from "@grpc/grpc-js";

import { BadRequest, ErrorInfo, RetryInfo } from "./gen/google/rpc/error_details";
import { Status } from "./gen/google/rpc/status";

/** The `ErrorInfo.domain` tollgate puts on every error it sends. */
export const ERROR_DOMAIN = "tollgate";

/** One invalid request field, from the status's google.rpc.BadRequest. */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

/**
 * The trailers of a failed call, as far as errors read them: a @grpc/grpc-js
 * Metadata is one.
 */
export interface GrpcMetadata {
  get(key: string): ReadonlyArray<string | Uint8Array>;
}

/** A failed gRPC call, as far as errors read it: a @grpc/grpc-js ServiceError is one. */
export interface GrpcServiceError extends Error {
  /** The gRPC status code. */
  code: number;
  /** The status message. */
  details?: string;
  /** The trailers, with grpc-status-details-bin. */
  metadata?: GrpcMetadata;
}

/** What a TollgateError is made of (see TollgateError.from for a failed call). */
export interface TollgateErrorInit {
  /** The gRPC status code (3 = INVALID_ARGUMENT, ...). */
  code: number;
  /** The status message (the server's; shown to people at most). */
  message: string;
  /** ErrorInfo.reason, or null when the status carried no ErrorInfo. */
  reason?: string | null;
  /** ErrorInfo.domain ("tollgate"), or null. */
  domain?: string | null;
  /** ErrorInfo.metadata. */
  metadata?: Readonly<Record<string, string>>;
  /** google.rpc.RetryInfo's retry_delay, in milliseconds. */
  retryAfterMs?: number | null;
  /** google.rpc.BadRequest's field violations. */
  fieldViolations?: readonly FieldViolation[];
}

const TYPE_URL_PREFIX = "type.googleapis.com/";
const STATUS_DETAILS_KEY = "grpc-status-details-bin";

/**
 * A failed tollgate call. Every error a client method rejects with is one:
 * the subclass for its reason (CodeMismatchError, LockedOutError, ...), or
 * this class itself for a reason this package does not know (a newer
 * server) and for failures that are not tollgate's answer at all (no
 * ErrorInfo: the server unreachable, a deadline, a cancelled call).
 */
export class TollgateError extends Error {
  /** The reason this class stands for; undefined on TollgateError itself. */
  static readonly reason: string | undefined = undefined;
  /** The gRPC status code tollgate sends with that reason. */
  static readonly grpcCode: number | undefined = undefined;

  /** The gRPC status code (`status` of @grpc/grpc-js, e.g. 3 = INVALID_ARGUMENT). */
  readonly code: number;
  /** The stable reason (ErrorInfo.reason) to branch on, or null without ErrorInfo. */
  readonly reason: string | null;
  /** ErrorInfo.domain: "tollgate" for tollgate's own errors, or null. */
  readonly domain: string | null;
  /** ErrorInfo.metadata, e.g. { attempts_left: "2" } or { locked_until: "2026-..." }. */
  readonly metadata: Readonly<Record<string, string>>;
  /** How long to wait before trying again (google.rpc.RetryInfo), in ms, or null. */
  readonly retryAfterMs: number | null;
  /** The request fields the server refused (google.rpc.BadRequest); empty if none. */
  readonly fieldViolations: readonly FieldViolation[];

  constructor(init: TollgateErrorInit) {
    super(init.message);
    this.name = new.target.name;
    this.code = init.code;
    this.reason = init.reason ?? null;
    this.domain = init.domain ?? null;
    this.metadata = Object.freeze({ ...(init.metadata ?? {}) });
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.fieldViolations = Object.freeze((init.fieldViolations ?? []).map((v) => Object.freeze({ ...v })));
  }

  /** The name of the gRPC code, e.g. "INVALID_ARGUMENT". */
  get codeName(): string {
    return GrpcStatus[this.code] ?? String(this.code);
  }

  /** Wrong codes left before a lockout (metadata attempts_left), or null. */
  get attemptsLeft(): number | null {
    const value = this.metadata["attempts_left"];
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
  }

  /** When a lockout ends (metadata locked_until), or null. */
  get lockedUntil(): Date | null {
    return parseTime(this.metadata["locked_until"]);
  }

  /** When sending is possible again (metadata available_at), or null. */
  get availableAt(): Date | null {
    return parseTime(this.metadata["available_at"]);
  }

  /**
   * The error for a failed call: a @grpc/grpc-js ServiceError (from any
   * copy of @grpc/grpc-js) becomes the class for its reason; a
   * TollgateError is returned as it is; anything else (not a gRPC failure)
   * too.
   */
  static from(error: GrpcServiceError | TollgateError): TollgateError;
  static from(error: unknown): unknown;
  static from(error: unknown): unknown {
    if (error instanceof TollgateError || !isServiceError(error)) return error;
    return fromStatus(error.code, error.details ?? error.message, error.metadata);
  }
}

function isServiceError(error: unknown): error is GrpcServiceError {
  return error instanceof Error && typeof (error as Partial<GrpcServiceError>).code === "number";
}

// The server writes times with chrono's to_rfc3339 ("2026-12-06T10:02:11.303916204+00:00");
// Date.parse wants at most milliseconds, so the fraction is cut to three digits.
function parseTime(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const millis = Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(millis) ? null : new Date(millis);
}

/** Builds the error for a status: its code, message and trailers (grpc-status-details-bin). */
export function fromStatus(code: number, message: string, trailers?: GrpcMetadata): TollgateError {
  const init: TollgateErrorInit = { code, message };
  const [raw] = trailers?.get(STATUS_DETAILS_KEY) ?? [];
  if (raw instanceof Uint8Array) {
    try {
      readDetails(Status.decode(raw), init);
    } catch {
      // A trailer that does not decode carries nothing we can use: the code
      // and message still say what happened.
    }
  }
  const ErrorClass = (init.domain === ERROR_DOMAIN && init.reason && BY_REASON.get(init.reason)) || TollgateError;
  return new ErrorClass(init);
}

function readDetails(status: Status, init: TollgateErrorInit): void {
  for (const detail of status.details) {
    const type = detail.typeUrl.startsWith(TYPE_URL_PREFIX) ? detail.typeUrl.slice(TYPE_URL_PREFIX.length) : detail.typeUrl;
    if (type === "google.rpc.ErrorInfo" && init.reason === undefined) {
      const info = ErrorInfo.decode(detail.value);
      init.reason = info.reason;
      init.domain = info.domain;
      init.metadata = info.metadata;
    } else if (type === "google.rpc.RetryInfo") {
      const delay = RetryInfo.decode(detail.value).retryDelay;
      if (delay) init.retryAfterMs = delay.seconds * 1000 + Math.round(delay.nanos / 1e6);
    } else if (type === "google.rpc.BadRequest") {
      init.fieldViolations = BadRequest.decode(detail.value).fieldViolations.map((v) => ({
        field: v.field,
        description: v.description,
      }));
    }
  }
}

// --- One class per reason (README "Errors"). ---------------------------------------------

/** A malformed field; `fieldViolations` names it. */
export class InvalidArgumentError extends TollgateError {
  static override readonly reason = "INVALID_ARGUMENT";
  static override readonly grpcCode: number = GrpcStatus.INVALID_ARGUMENT;
}
/** The code is well-formed but wrong; `attemptsLeft` at sign-in. */
export class CodeMismatchError extends TollgateError {
  static override readonly reason = "CODE_MISMATCH";
  static override readonly grpcCode: number = GrpcStatus.INVALID_ARGUMENT;
}
/** BeginTotp/ConfirmTotp when TOTP is already enabled. */
export class AlreadyEnabledError extends TollgateError {
  static override readonly reason = "ALREADY_ENABLED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** ConfirmTotp without a pending secret, or after it expired. */
export class NoPendingEnrollmentError extends TollgateError {
  static override readonly reason = "NO_PENDING_ENROLLMENT";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** No method is enabled (RegenerateCodes), or none the policy allows (CheckRecentVerification). */
export class NotEnrolledError extends TollgateError {
  static override readonly reason = "NOT_ENROLLED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The TOTP step or recovery code was used before. */
export class CodeAlreadyUsedError extends TollgateError {
  static override readonly reason = "CODE_ALREADY_USED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The challenge is too old: sign in again. */
export class ChallengeExpiredError extends TollgateError {
  static override readonly reason = "CHALLENGE_EXPIRED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** Unknown, another user's, cancelled, or already completed challenge. */
export class ChallengeNotFoundError extends TollgateError {
  static override readonly reason = "CHALLENGE_NOT_FOUND";
  static override readonly grpcCode: number = GrpcStatus.NOT_FOUND;
}
/** The method is not one the challenge offered. */
export class MethodNotAllowedError extends TollgateError {
  static override readonly reason = "METHOD_NOT_ALLOWED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** Too many wrong codes; `lockedUntil` and `retryAfterMs` say until when. */
export class LockedOutError extends TollgateError {
  static override readonly reason = "LOCKED_OUT";
  static override readonly grpcCode: number = GrpcStatus.RESOURCE_EXHAUSTED;
}
/** 2FA is switched off for the tenant, or self-disable is not allowed. */
export class PolicyForbidsError extends TollgateError {
  static override readonly reason = "POLICY_FORBIDS";
  static override readonly grpcCode: number = GrpcStatus.PERMISSION_DENIED;
}
/** EnableMethod/SendCode before the contact is confirmed. */
export class ContactUnconfirmedError extends TollgateError {
  static override readonly reason = "CONTACT_UNCONFIRMED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** No contact of that kind is registered. */
export class ContactNotFoundError extends TollgateError {
  static override readonly reason = "CONTACT_NOT_FOUND";
  static override readonly grpcCode: number = GrpcStatus.NOT_FOUND;
}
/** Confirming (or sending a confirmation to) a confirmed contact. */
export class ContactAlreadyConfirmedError extends TollgateError {
  static override readonly reason = "CONTACT_ALREADY_CONFIRMED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The email/SMS code (or a contact confirmation) expired: send a new one. */
export class CodeExpiredError extends TollgateError {
  static override readonly reason = "CODE_EXPIRED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The policy's hourly sending limit; `scope`, `availableAt`, `retryAfterMs`. */
export class SendLimitReachedError extends TollgateError {
  static override readonly reason = "SEND_LIMIT_REACHED";
  static override readonly grpcCode: number = GrpcStatus.RESOURCE_EXHAUSTED;
  /** Whose limit was reached: "user" or "tenant" (metadata scope), or null. */
  get scope(): string | null {
    return this.metadata["scope"] ?? null;
  }
}
/** A phone number outside the policy's allowed regions. */
export class PhoneRegionNotAllowedError extends TollgateError {
  static override readonly reason = "PHONE_REGION_NOT_ALLOWED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The hashing queue is full; `retryAfterMs` says when to try again. */
export class OverloadedError extends TollgateError {
  static override readonly reason = "OVERLOADED";
  static override readonly grpcCode: number = GrpcStatus.RESOURCE_EXHAUSTED;
}
/** ConfirmContact: the confirmation took its codes; send a new one. */
export class ConfirmationVoidedError extends TollgateError {
  static override readonly reason = "CONFIRMATION_VOIDED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The provider refused the message for good. */
export class DeliveryFailedError extends TollgateError {
  static override readonly reason = "DELIVERY_FAILED";
  static override readonly grpcCode: number = GrpcStatus.UNAVAILABLE;
}
/** The resend cool-down has not passed; `availableAt`. */
export class ResendTooSoonError extends TollgateError {
  static override readonly reason = "RESEND_TOO_SOON";
  static override readonly grpcCode: number = GrpcStatus.RESOURCE_EXHAUSTED;
}
/** AckMessage for an unknown or already acknowledged message. */
export class MessageNotFoundError extends TollgateError {
  static override readonly reason = "MESSAGE_NOT_FOUND";
  static override readonly grpcCode: number = GrpcStatus.NOT_FOUND;
}
/** UpdatePolicy with a stale etag: read the policy again. */
export class EtagMismatchError extends TollgateError {
  static override readonly reason = "ETAG_MISMATCH";
  static override readonly grpcCode: number = GrpcStatus.ABORTED;
}
/** The caller is not admitted, lacks the permission, or may not act for the tenant. */
export class CallerNotAllowedError extends TollgateError {
  static override readonly reason = "CALLER_NOT_ALLOWED";
  static override readonly grpcCode: number = GrpcStatus.PERMISSION_DENIED;
  /** The permission the call needed (metadata permission), when known. */
  get permission(): string | null {
    return this.metadata["permission"] ?? null;
  }
  /** The tenant the call was for (metadata tenant), when known. */
  get tenant(): string | null {
    return this.metadata["tenant"] ?? null;
  }
}
/** A missing, malformed, unknown or revoked API key (one answer for all). */
export class ApiKeyInvalidError extends TollgateError {
  static override readonly reason = "API_KEY_INVALID";
  static override readonly grpcCode: number = GrpcStatus.UNAUTHENTICATED;
}
/** A TCP call with neither a client certificate nor an API key. */
export class NoCredentialError extends TollgateError {
  static override readonly reason = "NO_CREDENTIAL";
  static override readonly grpcCode: number = GrpcStatus.UNAUTHENTICATED;
}
/** An API key name already taken. */
export class ApiKeyExistsError extends TollgateError {
  static override readonly reason = "API_KEY_EXISTS";
  static override readonly grpcCode: number = GrpcStatus.ALREADY_EXISTS;
}
/** No relying party covers the tenant and audience. */
export class WebAuthnNotConfiguredError extends TollgateError {
  static override readonly reason = "WEBAUTHN_NOT_CONFIGURED";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** The browser's response does not match the ceremony. */
export class WebAuthnRejectedError extends TollgateError {
  static override readonly reason = "WEBAUTHN_REJECTED";
  static override readonly grpcCode: number = GrpcStatus.INVALID_ARGUMENT;
}
/** The tenant holds this credential id already. */
export class CredentialExistsError extends TollgateError {
  static override readonly reason = "CREDENTIAL_EXISTS";
  static override readonly grpcCode: number = GrpcStatus.ALREADY_EXISTS;
}
/** The user has no credential with that id. */
export class CredentialNotFoundError extends TollgateError {
  static override readonly reason = "CREDENTIAL_NOT_FOUND";
  static override readonly grpcCode: number = GrpcStatus.NOT_FOUND;
}
/** Phishing resistance is required and the user has no passkey or security key. */
export class NoPhishingResistantMethodError extends TollgateError {
  static override readonly reason = "NO_PHISHING_RESISTANT_METHOD";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
}
/** ImportUser: the user already has a different secret or contact (`part`). */
export class ImportConflictError extends TollgateError {
  static override readonly reason = "IMPORT_CONFLICT";
  static override readonly grpcCode: number = GrpcStatus.FAILED_PRECONDITION;
  /** What differs: "totp", "email" or "phone" (metadata part), or null. */
  get part(): string | null {
    return this.metadata["part"] ?? null;
  }
}
/** The database could not be reached; retry. */
export class StorageUnavailableError extends TollgateError {
  static override readonly reason = "STORAGE_UNAVAILABLE";
  static override readonly grpcCode: number = GrpcStatus.UNAVAILABLE;
}
/** A fault inside tollgate (its log says more; the answer never does). */
export class InternalError extends TollgateError {
  static override readonly reason = "INTERNAL";
  static override readonly grpcCode: number = GrpcStatus.INTERNAL;
}

/** A TollgateError subclass, as a value. */
export type TollgateErrorClass = (new (init: TollgateErrorInit) => TollgateError) & {
  readonly reason: string | undefined;
  readonly grpcCode: number | undefined;
};

const BY_REASON: ReadonlyMap<string, TollgateErrorClass> = new Map(
  [
    InvalidArgumentError,
    CodeMismatchError,
    AlreadyEnabledError,
    NoPendingEnrollmentError,
    NotEnrolledError,
    CodeAlreadyUsedError,
    ChallengeExpiredError,
    ChallengeNotFoundError,
    MethodNotAllowedError,
    LockedOutError,
    PolicyForbidsError,
    ContactUnconfirmedError,
    ContactNotFoundError,
    ContactAlreadyConfirmedError,
    CodeExpiredError,
    SendLimitReachedError,
    PhoneRegionNotAllowedError,
    OverloadedError,
    ConfirmationVoidedError,
    DeliveryFailedError,
    ResendTooSoonError,
    MessageNotFoundError,
    EtagMismatchError,
    CallerNotAllowedError,
    ApiKeyInvalidError,
    NoCredentialError,
    ApiKeyExistsError,
    WebAuthnNotConfiguredError,
    WebAuthnRejectedError,
    CredentialExistsError,
    CredentialNotFoundError,
    NoPhishingResistantMethodError,
    ImportConflictError,
    StorageUnavailableError,
    InternalError,
  ].map((errorClass): [string, TollgateErrorClass] => [errorClass.reason, errorClass]),
);

/** The class for a reason ("CODE_MISMATCH" -> CodeMismatchError), or undefined if unknown. */
export function errorClassFor(reason: string): TollgateErrorClass | undefined {
  return BY_REASON.get(reason);
}
