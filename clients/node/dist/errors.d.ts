import { type Metadata, type ServiceError, status as GrpcStatus } from "@grpc/grpc-js";
/** The `ErrorInfo.domain` tollgate puts on every error it sends. */
export declare const ERROR_DOMAIN = "tollgate";
/** One invalid request field, from the status's google.rpc.BadRequest. */
export interface FieldViolation {
    readonly field: string;
    readonly description: string;
}
/** What a TollgateError is made of (see TollgateError.from for a failed call). */
export interface TollgateErrorInit {
    /** The gRPC status code. */
    code: GrpcStatus;
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
/**
 * A failed tollgate call. Every error a client method rejects with is one:
 * the subclass for its reason (CodeMismatchError, LockedOutError, ...), or
 * this class itself for a reason this package does not know (a newer
 * server) and for failures that are not tollgate's answer at all (no
 * ErrorInfo: the server unreachable, a deadline, a cancelled call).
 */
export declare class TollgateError extends Error {
    /** The reason this class stands for; undefined on TollgateError itself. */
    static readonly reason: string | undefined;
    /** The gRPC status code tollgate sends with that reason. */
    static readonly grpcCode: GrpcStatus | undefined;
    /** The gRPC status code (`status` of @grpc/grpc-js, e.g. 3 = INVALID_ARGUMENT). */
    readonly code: GrpcStatus;
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
    constructor(init: TollgateErrorInit);
    /** The name of the gRPC code, e.g. "INVALID_ARGUMENT". */
    get codeName(): string;
    /** Wrong codes left before a lockout (metadata attempts_left), or null. */
    get attemptsLeft(): number | null;
    /** When a lockout ends (metadata locked_until), or null. */
    get lockedUntil(): Date | null;
    /** When sending is possible again (metadata available_at), or null. */
    get availableAt(): Date | null;
    /**
     * The error for a failed call: a @grpc/grpc-js ServiceError becomes the
     * class for its reason; a TollgateError is returned as it is; anything
     * else (not a gRPC failure) too.
     */
    static from(error: ServiceError | TollgateError): TollgateError;
    static from(error: unknown): unknown;
}
/** Builds the error for a status: its code, message and trailers (grpc-status-details-bin). */
export declare function fromStatus(code: GrpcStatus, message: string, trailers?: Metadata): TollgateError;
/** A malformed field; `fieldViolations` names it. */
export declare class InvalidArgumentError extends TollgateError {
    static readonly reason = "INVALID_ARGUMENT";
    static readonly grpcCode: GrpcStatus;
}
/** The code is well-formed but wrong; `attemptsLeft` at sign-in. */
export declare class CodeMismatchError extends TollgateError {
    static readonly reason = "CODE_MISMATCH";
    static readonly grpcCode: GrpcStatus;
}
/** BeginTotp/ConfirmTotp when TOTP is already enabled. */
export declare class AlreadyEnabledError extends TollgateError {
    static readonly reason = "ALREADY_ENABLED";
    static readonly grpcCode: GrpcStatus;
}
/** ConfirmTotp without a pending secret, or after it expired. */
export declare class NoPendingEnrollmentError extends TollgateError {
    static readonly reason = "NO_PENDING_ENROLLMENT";
    static readonly grpcCode: GrpcStatus;
}
/** No method is enabled (RegenerateCodes), or none the policy allows (CheckRecentVerification). */
export declare class NotEnrolledError extends TollgateError {
    static readonly reason = "NOT_ENROLLED";
    static readonly grpcCode: GrpcStatus;
}
/** The TOTP step or recovery code was used before. */
export declare class CodeAlreadyUsedError extends TollgateError {
    static readonly reason = "CODE_ALREADY_USED";
    static readonly grpcCode: GrpcStatus;
}
/** The challenge is too old: sign in again. */
export declare class ChallengeExpiredError extends TollgateError {
    static readonly reason = "CHALLENGE_EXPIRED";
    static readonly grpcCode: GrpcStatus;
}
/** Unknown, another user's, cancelled, or already completed challenge. */
export declare class ChallengeNotFoundError extends TollgateError {
    static readonly reason = "CHALLENGE_NOT_FOUND";
    static readonly grpcCode: GrpcStatus;
}
/** The method is not one the challenge offered. */
export declare class MethodNotAllowedError extends TollgateError {
    static readonly reason = "METHOD_NOT_ALLOWED";
    static readonly grpcCode: GrpcStatus;
}
/** Too many wrong codes; `lockedUntil` and `retryAfterMs` say until when. */
export declare class LockedOutError extends TollgateError {
    static readonly reason = "LOCKED_OUT";
    static readonly grpcCode: GrpcStatus;
}
/** 2FA is switched off for the tenant, or self-disable is not allowed. */
export declare class PolicyForbidsError extends TollgateError {
    static readonly reason = "POLICY_FORBIDS";
    static readonly grpcCode: GrpcStatus;
}
/** EnableMethod/SendCode before the contact is confirmed. */
export declare class ContactUnconfirmedError extends TollgateError {
    static readonly reason = "CONTACT_UNCONFIRMED";
    static readonly grpcCode: GrpcStatus;
}
/** No contact of that kind is registered. */
export declare class ContactNotFoundError extends TollgateError {
    static readonly reason = "CONTACT_NOT_FOUND";
    static readonly grpcCode: GrpcStatus;
}
/** Confirming (or sending a confirmation to) a confirmed contact. */
export declare class ContactAlreadyConfirmedError extends TollgateError {
    static readonly reason = "CONTACT_ALREADY_CONFIRMED";
    static readonly grpcCode: GrpcStatus;
}
/** The email/SMS code (or a contact confirmation) expired: send a new one. */
export declare class CodeExpiredError extends TollgateError {
    static readonly reason = "CODE_EXPIRED";
    static readonly grpcCode: GrpcStatus;
}
/** The policy's hourly sending limit; `scope`, `availableAt`, `retryAfterMs`. */
export declare class SendLimitReachedError extends TollgateError {
    static readonly reason = "SEND_LIMIT_REACHED";
    static readonly grpcCode: GrpcStatus;
    /** Whose limit was reached: "user" or "tenant" (metadata scope), or null. */
    get scope(): string | null;
}
/** A phone number outside the policy's allowed regions. */
export declare class PhoneRegionNotAllowedError extends TollgateError {
    static readonly reason = "PHONE_REGION_NOT_ALLOWED";
    static readonly grpcCode: GrpcStatus;
}
/** The hashing queue is full; `retryAfterMs` says when to try again. */
export declare class OverloadedError extends TollgateError {
    static readonly reason = "OVERLOADED";
    static readonly grpcCode: GrpcStatus;
}
/** ConfirmContact: the confirmation took its codes; send a new one. */
export declare class ConfirmationVoidedError extends TollgateError {
    static readonly reason = "CONFIRMATION_VOIDED";
    static readonly grpcCode: GrpcStatus;
}
/** The provider refused the message for good. */
export declare class DeliveryFailedError extends TollgateError {
    static readonly reason = "DELIVERY_FAILED";
    static readonly grpcCode: GrpcStatus;
}
/** The resend cool-down has not passed; `availableAt`. */
export declare class ResendTooSoonError extends TollgateError {
    static readonly reason = "RESEND_TOO_SOON";
    static readonly grpcCode: GrpcStatus;
}
/** AckMessage for an unknown or already acknowledged message. */
export declare class MessageNotFoundError extends TollgateError {
    static readonly reason = "MESSAGE_NOT_FOUND";
    static readonly grpcCode: GrpcStatus;
}
/** UpdatePolicy with a stale etag: read the policy again. */
export declare class EtagMismatchError extends TollgateError {
    static readonly reason = "ETAG_MISMATCH";
    static readonly grpcCode: GrpcStatus;
}
/** The caller is not admitted, lacks the permission, or may not act for the tenant. */
export declare class CallerNotAllowedError extends TollgateError {
    static readonly reason = "CALLER_NOT_ALLOWED";
    static readonly grpcCode: GrpcStatus;
    /** The permission the call needed (metadata permission), when known. */
    get permission(): string | null;
    /** The tenant the call was for (metadata tenant), when known. */
    get tenant(): string | null;
}
/** A missing, malformed, unknown or revoked API key (one answer for all). */
export declare class ApiKeyInvalidError extends TollgateError {
    static readonly reason = "API_KEY_INVALID";
    static readonly grpcCode: GrpcStatus;
}
/** A TCP call with neither a client certificate nor an API key. */
export declare class NoCredentialError extends TollgateError {
    static readonly reason = "NO_CREDENTIAL";
    static readonly grpcCode: GrpcStatus;
}
/** An API key name already taken. */
export declare class ApiKeyExistsError extends TollgateError {
    static readonly reason = "API_KEY_EXISTS";
    static readonly grpcCode: GrpcStatus;
}
/** No relying party covers the tenant and audience. */
export declare class WebAuthnNotConfiguredError extends TollgateError {
    static readonly reason = "WEBAUTHN_NOT_CONFIGURED";
    static readonly grpcCode: GrpcStatus;
}
/** The browser's response does not match the ceremony. */
export declare class WebAuthnRejectedError extends TollgateError {
    static readonly reason = "WEBAUTHN_REJECTED";
    static readonly grpcCode: GrpcStatus;
}
/** The tenant holds this credential id already. */
export declare class CredentialExistsError extends TollgateError {
    static readonly reason = "CREDENTIAL_EXISTS";
    static readonly grpcCode: GrpcStatus;
}
/** The user has no credential with that id. */
export declare class CredentialNotFoundError extends TollgateError {
    static readonly reason = "CREDENTIAL_NOT_FOUND";
    static readonly grpcCode: GrpcStatus;
}
/** Phishing resistance is required and the user has no passkey or security key. */
export declare class NoPhishingResistantMethodError extends TollgateError {
    static readonly reason = "NO_PHISHING_RESISTANT_METHOD";
    static readonly grpcCode: GrpcStatus;
}
/** ImportUser: the user already has a different secret or contact (`part`). */
export declare class ImportConflictError extends TollgateError {
    static readonly reason = "IMPORT_CONFLICT";
    static readonly grpcCode: GrpcStatus;
    /** What differs: "totp", "email" or "phone" (metadata part), or null. */
    get part(): string | null;
}
/** The database could not be reached; retry. */
export declare class StorageUnavailableError extends TollgateError {
    static readonly reason = "STORAGE_UNAVAILABLE";
    static readonly grpcCode: GrpcStatus;
}
/** A fault inside tollgate (its log says more; the answer never does). */
export declare class InternalError extends TollgateError {
    static readonly reason = "INTERNAL";
    static readonly grpcCode: GrpcStatus;
}
/** A TollgateError subclass, as a value. */
export type TollgateErrorClass = (new (init: TollgateErrorInit) => TollgateError) & {
    readonly reason: string | undefined;
    readonly grpcCode: GrpcStatus | undefined;
};
/** The class for a reason ("CODE_MISMATCH" -> CodeMismatchError), or undefined if unknown. */
export declare function errorClassFor(reason: string): TollgateErrorClass | undefined;
