"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InternalError = exports.StorageUnavailableError = exports.ImportConflictError = exports.NoPhishingResistantMethodError = exports.CredentialNotFoundError = exports.CredentialExistsError = exports.WebAuthnRejectedError = exports.WebAuthnNotConfiguredError = exports.ApiKeyExistsError = exports.NoCredentialError = exports.ApiKeyInvalidError = exports.CallerNotAllowedError = exports.EtagMismatchError = exports.MessageNotFoundError = exports.ResendTooSoonError = exports.DeliveryFailedError = exports.ConfirmationVoidedError = exports.OverloadedError = exports.PhoneRegionNotAllowedError = exports.SendLimitReachedError = exports.CodeExpiredError = exports.ContactAlreadyConfirmedError = exports.ContactNotFoundError = exports.ContactUnconfirmedError = exports.PolicyForbidsError = exports.LockedOutError = exports.MethodNotAllowedError = exports.ChallengeNotFoundError = exports.ChallengeExpiredError = exports.CodeAlreadyUsedError = exports.NotEnrolledError = exports.NoPendingEnrollmentError = exports.AlreadyEnabledError = exports.CodeMismatchError = exports.InvalidArgumentError = exports.TollgateError = exports.ERROR_DOMAIN = void 0;
exports.fromStatus = fromStatus;
exports.errorClassFor = errorClassFor;
// tollgate's failures as JavaScript errors: one class per stable reason (the
// google.rpc.ErrorInfo `reason` the server attaches to every failing status),
// all deriving from TollgateError, which carries the gRPC code, the reason,
// the ErrorInfo metadata and what the other details say (RetryInfo,
// BadRequest). Applications branch with `instanceof` or on `reason`, never on
// the message.
//
// Nothing here copies a request into an error: the message is the server's,
// and the server never echoes a code, secret or token in it.
const grpc_js_1 = require("@grpc/grpc-js");
const error_details_1 = require("./gen/google/rpc/error_details");
const status_1 = require("./gen/google/rpc/status");
/** The `ErrorInfo.domain` tollgate puts on every error it sends. */
exports.ERROR_DOMAIN = "tollgate";
const TYPE_URL_PREFIX = "type.googleapis.com/";
const STATUS_DETAILS_KEY = "grpc-status-details-bin";
/**
 * A failed tollgate call. Every error a client method rejects with is one:
 * the subclass for its reason (CodeMismatchError, LockedOutError, ...), or
 * this class itself for a reason this package does not know (a newer
 * server) and for failures that are not tollgate's answer at all (no
 * ErrorInfo: the server unreachable, a deadline, a cancelled call).
 */
class TollgateError extends Error {
    /** The reason this class stands for; undefined on TollgateError itself. */
    static reason = undefined;
    /** The gRPC status code tollgate sends with that reason. */
    static grpcCode = undefined;
    /** The gRPC status code (`status` of @grpc/grpc-js, e.g. 3 = INVALID_ARGUMENT). */
    code;
    /** The stable reason (ErrorInfo.reason) to branch on, or null without ErrorInfo. */
    reason;
    /** ErrorInfo.domain: "tollgate" for tollgate's own errors, or null. */
    domain;
    /** ErrorInfo.metadata, e.g. { attempts_left: "2" } or { locked_until: "2026-..." }. */
    metadata;
    /** How long to wait before trying again (google.rpc.RetryInfo), in ms, or null. */
    retryAfterMs;
    /** The request fields the server refused (google.rpc.BadRequest); empty if none. */
    fieldViolations;
    constructor(init) {
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
    get codeName() {
        return grpc_js_1.status[this.code] ?? String(this.code);
    }
    /** Wrong codes left before a lockout (metadata attempts_left), or null. */
    get attemptsLeft() {
        const value = this.metadata["attempts_left"];
        return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
    }
    /** When a lockout ends (metadata locked_until), or null. */
    get lockedUntil() {
        return parseTime(this.metadata["locked_until"]);
    }
    /** When sending is possible again (metadata available_at), or null. */
    get availableAt() {
        return parseTime(this.metadata["available_at"]);
    }
    static from(error) {
        if (error instanceof TollgateError || !isServiceError(error))
            return error;
        return fromStatus(error.code, error.details, error.metadata);
    }
}
exports.TollgateError = TollgateError;
function isServiceError(error) {
    return error instanceof Error && typeof error.code === "number";
}
// The server writes times with chrono's to_rfc3339 ("2026-12-06T10:02:11.303916204+00:00");
// Date.parse wants at most milliseconds, so the fraction is cut to three digits.
function parseTime(value) {
    if (value === undefined)
        return null;
    const millis = Date.parse(value.replace(/(\.\d{3})\d+/, "$1"));
    return Number.isNaN(millis) ? null : new Date(millis);
}
/** Builds the error for a status: its code, message and trailers (grpc-status-details-bin). */
function fromStatus(code, message, trailers) {
    const init = { code, message };
    const [raw] = trailers?.get(STATUS_DETAILS_KEY) ?? [];
    if (raw instanceof Uint8Array) {
        try {
            readDetails(status_1.Status.decode(raw), init);
        }
        catch {
            // A trailer that does not decode carries nothing we can use: the code
            // and message still say what happened.
        }
    }
    const ErrorClass = (init.domain === exports.ERROR_DOMAIN && init.reason && BY_REASON.get(init.reason)) || TollgateError;
    return new ErrorClass(init);
}
function readDetails(status, init) {
    for (const detail of status.details) {
        const type = detail.typeUrl.startsWith(TYPE_URL_PREFIX) ? detail.typeUrl.slice(TYPE_URL_PREFIX.length) : detail.typeUrl;
        if (type === "google.rpc.ErrorInfo" && init.reason === undefined) {
            const info = error_details_1.ErrorInfo.decode(detail.value);
            init.reason = info.reason;
            init.domain = info.domain;
            init.metadata = info.metadata;
        }
        else if (type === "google.rpc.RetryInfo") {
            const delay = error_details_1.RetryInfo.decode(detail.value).retryDelay;
            if (delay)
                init.retryAfterMs = delay.seconds * 1000 + Math.round(delay.nanos / 1e6);
        }
        else if (type === "google.rpc.BadRequest") {
            init.fieldViolations = error_details_1.BadRequest.decode(detail.value).fieldViolations.map((v) => ({
                field: v.field,
                description: v.description,
            }));
        }
    }
}
// --- One class per reason (README "Errors"). ---------------------------------------------
/** A malformed field; `fieldViolations` names it. */
class InvalidArgumentError extends TollgateError {
    static reason = "INVALID_ARGUMENT";
    static grpcCode = grpc_js_1.status.INVALID_ARGUMENT;
}
exports.InvalidArgumentError = InvalidArgumentError;
/** The code is well-formed but wrong; `attemptsLeft` at sign-in. */
class CodeMismatchError extends TollgateError {
    static reason = "CODE_MISMATCH";
    static grpcCode = grpc_js_1.status.INVALID_ARGUMENT;
}
exports.CodeMismatchError = CodeMismatchError;
/** BeginTotp/ConfirmTotp when TOTP is already enabled. */
class AlreadyEnabledError extends TollgateError {
    static reason = "ALREADY_ENABLED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.AlreadyEnabledError = AlreadyEnabledError;
/** ConfirmTotp without a pending secret, or after it expired. */
class NoPendingEnrollmentError extends TollgateError {
    static reason = "NO_PENDING_ENROLLMENT";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.NoPendingEnrollmentError = NoPendingEnrollmentError;
/** No method is enabled (RegenerateCodes), or none the policy allows (CheckRecentVerification). */
class NotEnrolledError extends TollgateError {
    static reason = "NOT_ENROLLED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.NotEnrolledError = NotEnrolledError;
/** The TOTP step or recovery code was used before. */
class CodeAlreadyUsedError extends TollgateError {
    static reason = "CODE_ALREADY_USED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.CodeAlreadyUsedError = CodeAlreadyUsedError;
/** The challenge is too old: sign in again. */
class ChallengeExpiredError extends TollgateError {
    static reason = "CHALLENGE_EXPIRED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.ChallengeExpiredError = ChallengeExpiredError;
/** Unknown, another user's, cancelled, or already completed challenge. */
class ChallengeNotFoundError extends TollgateError {
    static reason = "CHALLENGE_NOT_FOUND";
    static grpcCode = grpc_js_1.status.NOT_FOUND;
}
exports.ChallengeNotFoundError = ChallengeNotFoundError;
/** The method is not one the challenge offered. */
class MethodNotAllowedError extends TollgateError {
    static reason = "METHOD_NOT_ALLOWED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.MethodNotAllowedError = MethodNotAllowedError;
/** Too many wrong codes; `lockedUntil` and `retryAfterMs` say until when. */
class LockedOutError extends TollgateError {
    static reason = "LOCKED_OUT";
    static grpcCode = grpc_js_1.status.RESOURCE_EXHAUSTED;
}
exports.LockedOutError = LockedOutError;
/** 2FA is switched off for the tenant, or self-disable is not allowed. */
class PolicyForbidsError extends TollgateError {
    static reason = "POLICY_FORBIDS";
    static grpcCode = grpc_js_1.status.PERMISSION_DENIED;
}
exports.PolicyForbidsError = PolicyForbidsError;
/** EnableMethod/SendCode before the contact is confirmed. */
class ContactUnconfirmedError extends TollgateError {
    static reason = "CONTACT_UNCONFIRMED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.ContactUnconfirmedError = ContactUnconfirmedError;
/** No contact of that kind is registered. */
class ContactNotFoundError extends TollgateError {
    static reason = "CONTACT_NOT_FOUND";
    static grpcCode = grpc_js_1.status.NOT_FOUND;
}
exports.ContactNotFoundError = ContactNotFoundError;
/** Confirming (or sending a confirmation to) a confirmed contact. */
class ContactAlreadyConfirmedError extends TollgateError {
    static reason = "CONTACT_ALREADY_CONFIRMED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.ContactAlreadyConfirmedError = ContactAlreadyConfirmedError;
/** The email/SMS code (or a contact confirmation) expired: send a new one. */
class CodeExpiredError extends TollgateError {
    static reason = "CODE_EXPIRED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.CodeExpiredError = CodeExpiredError;
/** The policy's hourly sending limit; `scope`, `availableAt`, `retryAfterMs`. */
class SendLimitReachedError extends TollgateError {
    static reason = "SEND_LIMIT_REACHED";
    static grpcCode = grpc_js_1.status.RESOURCE_EXHAUSTED;
    /** Whose limit was reached: "user" or "tenant" (metadata scope), or null. */
    get scope() {
        return this.metadata["scope"] ?? null;
    }
}
exports.SendLimitReachedError = SendLimitReachedError;
/** A phone number outside the policy's allowed regions. */
class PhoneRegionNotAllowedError extends TollgateError {
    static reason = "PHONE_REGION_NOT_ALLOWED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.PhoneRegionNotAllowedError = PhoneRegionNotAllowedError;
/** The hashing queue is full; `retryAfterMs` says when to try again. */
class OverloadedError extends TollgateError {
    static reason = "OVERLOADED";
    static grpcCode = grpc_js_1.status.RESOURCE_EXHAUSTED;
}
exports.OverloadedError = OverloadedError;
/** ConfirmContact: the confirmation took its codes; send a new one. */
class ConfirmationVoidedError extends TollgateError {
    static reason = "CONFIRMATION_VOIDED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.ConfirmationVoidedError = ConfirmationVoidedError;
/** The provider refused the message for good. */
class DeliveryFailedError extends TollgateError {
    static reason = "DELIVERY_FAILED";
    static grpcCode = grpc_js_1.status.UNAVAILABLE;
}
exports.DeliveryFailedError = DeliveryFailedError;
/** The resend cool-down has not passed; `availableAt`. */
class ResendTooSoonError extends TollgateError {
    static reason = "RESEND_TOO_SOON";
    static grpcCode = grpc_js_1.status.RESOURCE_EXHAUSTED;
}
exports.ResendTooSoonError = ResendTooSoonError;
/** AckMessage for an unknown or already acknowledged message. */
class MessageNotFoundError extends TollgateError {
    static reason = "MESSAGE_NOT_FOUND";
    static grpcCode = grpc_js_1.status.NOT_FOUND;
}
exports.MessageNotFoundError = MessageNotFoundError;
/** UpdatePolicy with a stale etag: read the policy again. */
class EtagMismatchError extends TollgateError {
    static reason = "ETAG_MISMATCH";
    static grpcCode = grpc_js_1.status.ABORTED;
}
exports.EtagMismatchError = EtagMismatchError;
/** The caller is not admitted, lacks the permission, or may not act for the tenant. */
class CallerNotAllowedError extends TollgateError {
    static reason = "CALLER_NOT_ALLOWED";
    static grpcCode = grpc_js_1.status.PERMISSION_DENIED;
    /** The permission the call needed (metadata permission), when known. */
    get permission() {
        return this.metadata["permission"] ?? null;
    }
    /** The tenant the call was for (metadata tenant), when known. */
    get tenant() {
        return this.metadata["tenant"] ?? null;
    }
}
exports.CallerNotAllowedError = CallerNotAllowedError;
/** A missing, malformed, unknown or revoked API key (one answer for all). */
class ApiKeyInvalidError extends TollgateError {
    static reason = "API_KEY_INVALID";
    static grpcCode = grpc_js_1.status.UNAUTHENTICATED;
}
exports.ApiKeyInvalidError = ApiKeyInvalidError;
/** A TCP call with neither a client certificate nor an API key. */
class NoCredentialError extends TollgateError {
    static reason = "NO_CREDENTIAL";
    static grpcCode = grpc_js_1.status.UNAUTHENTICATED;
}
exports.NoCredentialError = NoCredentialError;
/** An API key name already taken. */
class ApiKeyExistsError extends TollgateError {
    static reason = "API_KEY_EXISTS";
    static grpcCode = grpc_js_1.status.ALREADY_EXISTS;
}
exports.ApiKeyExistsError = ApiKeyExistsError;
/** No relying party covers the tenant and audience. */
class WebAuthnNotConfiguredError extends TollgateError {
    static reason = "WEBAUTHN_NOT_CONFIGURED";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.WebAuthnNotConfiguredError = WebAuthnNotConfiguredError;
/** The browser's response does not match the ceremony. */
class WebAuthnRejectedError extends TollgateError {
    static reason = "WEBAUTHN_REJECTED";
    static grpcCode = grpc_js_1.status.INVALID_ARGUMENT;
}
exports.WebAuthnRejectedError = WebAuthnRejectedError;
/** The tenant holds this credential id already. */
class CredentialExistsError extends TollgateError {
    static reason = "CREDENTIAL_EXISTS";
    static grpcCode = grpc_js_1.status.ALREADY_EXISTS;
}
exports.CredentialExistsError = CredentialExistsError;
/** The user has no credential with that id. */
class CredentialNotFoundError extends TollgateError {
    static reason = "CREDENTIAL_NOT_FOUND";
    static grpcCode = grpc_js_1.status.NOT_FOUND;
}
exports.CredentialNotFoundError = CredentialNotFoundError;
/** Phishing resistance is required and the user has no passkey or security key. */
class NoPhishingResistantMethodError extends TollgateError {
    static reason = "NO_PHISHING_RESISTANT_METHOD";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
}
exports.NoPhishingResistantMethodError = NoPhishingResistantMethodError;
/** ImportUser: the user already has a different secret or contact (`part`). */
class ImportConflictError extends TollgateError {
    static reason = "IMPORT_CONFLICT";
    static grpcCode = grpc_js_1.status.FAILED_PRECONDITION;
    /** What differs: "totp", "email" or "phone" (metadata part), or null. */
    get part() {
        return this.metadata["part"] ?? null;
    }
}
exports.ImportConflictError = ImportConflictError;
/** The database could not be reached; retry. */
class StorageUnavailableError extends TollgateError {
    static reason = "STORAGE_UNAVAILABLE";
    static grpcCode = grpc_js_1.status.UNAVAILABLE;
}
exports.StorageUnavailableError = StorageUnavailableError;
/** A fault inside tollgate (its log says more; the answer never does). */
class InternalError extends TollgateError {
    static reason = "INTERNAL";
    static grpcCode = grpc_js_1.status.INTERNAL;
}
exports.InternalError = InternalError;
const BY_REASON = new Map([
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
].map((errorClass) => [errorClass.reason, errorClass]));
/** The class for a reason ("CODE_MISMATCH" -> CodeMismatchError), or undefined if unknown. */
function errorClassFor(reason) {
    return BY_REASON.get(reason);
}
