declare enum WireType {
	/**
	 * Used for int32, int64, uint32, uint64, sint32, sint64, bool, enum
	 */
	Varint = 0,
	/**
	 * Used for fixed64, sfixed64, double.
	 * Always 8 bytes with little-endian byte order.
	 */
	Bit64 = 1,
	/**
	 * Used for string, bytes, embedded messages, packed repeated fields
	 *
	 * Only repeated numeric types (types which use the varint, 32-bit,
	 * or 64-bit wire types) can be packed. In proto3, such fields are
	 * packed by default.
	 */
	LengthDelimited = 2,
	/**
	 * Start of a tag-delimited aggregate, such as a proto2 group, or a message
	 * in editions with message_encoding = DELIMITED.
	 */
	StartGroup = 3,
	/**
	 * End of a tag-delimited aggregate.
	 */
	EndGroup = 4,
	/**
	 * Used for fixed32, sfixed32, float.
	 * Always 4 bytes with little-endian byte order.
	 */
	Bit32 = 5
}
declare class BinaryWriter {
	/**
	 * Growable byte buffer. We allocate a reasonably sized
	 * initial buffer and double its capacity when needed.
	 */
	private buffer;
	/**
	 * Cached DataView for fixed-width writes. Read it via `view()`, which
	 * rebuilds it if `buffer` has since grown.
	 */
	private viewCache;
	/**
	 * Current write position in the buffer.
	 */
	private pos;
	/**
	 * Previous fork positions (the write position at the time
	 * `fork()` was called).
	 */
	private stackPos;
	/**
	 * UTF-8 codec used by `string()`. Uses the text encoding's `encodeUtf8Into`,
	 * or emulates it if a custom `encodeUtf8` was passed to the constructor.
	 */
	private readonly encodeUtf8Into;
	constructor(encodeUtf8?: (text: string) => Uint8Array);
	private ensureCapacity;
	/**
	 * The DataView over `buffer`, rebuilt only if the buffer has grown since it
	 * was last used.
	 */
	private view;
	/**
	 * Return all bytes written and reset this writer.
	 */
	finish(): Uint8Array<ArrayBuffer>;
	/**
	 * Start a new fork for length-delimited data like a message
	 * or a packed repeated field.
	 *
	 * Must be joined later with `join()`.
	 */
	fork(): this;
	/**
	 * Join the last fork. Write its length and bytes, then
	 * return to the previous state.
	 */
	join(): this;
	/**
	 * Writes a tag (field number and wire type).
	 *
	 * Equivalent to `uint32( (fieldNo << 3 | type) >>> 0 )`.
	 *
	 * Generated code should compute the tag ahead of time and call `uint32()`.
	 */
	tag(fieldNo: number, type: WireType): this;
	/**
	 * Write a chunk of raw bytes.
	 */
	raw(chunk: Uint8Array): this;
	/**
	 * Write a `uint32` value, an unsigned 32 bit varint.
	 */
	uint32(value: number): this;
	/**
	 * Write a `int32` value, a signed 32 bit varint.
	 */
	int32(value: number): this;
	/**
	 * Write a `bool` value, a varint.
	 */
	bool(value: boolean): this;
	/**
	 * Write a `bytes` value, length-delimited arbitrary data.
	 */
	bytes(value: Uint8Array): this;
	/**
	 * Write a `string` value, length-delimited data converted to UTF-8 text.
	 */
	string(value: string): this;
	/**
	 * Write a `float` value, 32-bit floating point number.
	 */
	float(value: number): this;
	/**
	 * Write a `double` value, a 64-bit floating point number.
	 */
	double(value: number): this;
	/**
	 * Write a `fixed32` value, an unsigned, fixed-length 32-bit integer.
	 */
	fixed32(value: number): this;
	/**
	 * Write a `sfixed32` value, a signed, fixed-length 32-bit integer.
	 */
	sfixed32(value: number): this;
	/**
	 * Write a `sint32` value, a signed, zigzag-encoded 32-bit varint.
	 */
	sint32(value: number): this;
	/**
	 * Write a `sfixed64` value, a signed, fixed-length 64-bit integer.
	 */
	sfixed64(value: string | number | bigint): this;
	/**
	 * Write a `fixed64` value, an unsigned, fixed-length 64 bit integer.
	 */
	fixed64(value: string | number | bigint): this;
	/**
	 * Write a `int64` value, a signed 64-bit varint.
	 */
	int64(value: string | number | bigint): this;
	/**
	 * Write a `sint64` value, a signed, zig-zag-encoded 64-bit varint.
	 */
	sint64(value: string | number | bigint): this;
	/**
	 * Write a `uint64` value, an unsigned 64-bit varint.
	 */
	uint64(value: string | number | bigint): this;
	/**
	 * Write a 64-bit varint directly into the buffer. Accepts the value as
	 * split low/high 32-bit words.
	 *
	 * Ported from varint64write() to avoid the intermediate number[] buffer.
	 * See https://github.com/protocolbuffers/protobuf/blob/8a71927d74a4ce34efe2d8769fda198f52d20d12/js/experimental/runtime/kernel/writer.js#L344
	 */
	private writeVarint64;
}
declare class BinaryReader {
	private readonly decodeUtf8;
	/**
	 * Current position.
	 */
	pos: number;
	/**
	 * Number of bytes available in this reader.
	 */
	readonly len: number;
	private readonly buf;
	private readonly view;
	constructor(buf: Uint8Array, decodeUtf8?: (bytes: Uint8Array, strict?: boolean) => string);
	/**
	 * Reads a tag - field number and wire type. Tags are uint32 varints; values
	 * that do not fit in uint32 are rejected.
	 */
	tag(): [
		number,
		WireType
	];
	/**
	 * Skip one element and return the skipped data.
	 *
	 * When skipping StartGroup, provide the tags field number to check for
	 * matching field number in the EndGroup tag. Recursion into nested groups
	 * is guarded by the `recursionLimit` argument: When the limit is reached,
	 * this method throws.
	 */
	skip(wireType: WireType, fieldNo?: number, recursionLimit?: number): Uint8Array;
	private varint64Lo;
	private varint64Hi;
	private varint64;
	/**
	 * Throws error if position in byte array is out of range.
	 */
	private assertBounds;
	/**
	 * Read a `uint32` field, an unsigned 32 bit varint.
	 */
	uint32: () => number;
	/**
	 * Read a `int32` field, a signed 32 bit varint.
	 */
	int32(): number;
	/**
	 * Read a `sint32` field, a signed, zigzag-encoded 32-bit varint.
	 */
	sint32(): number;
	/**
	 * Read a `int64` field, a signed 64-bit varint.
	 */
	int64(): bigint | string;
	/**
	 * Read a `uint64` field, an unsigned 64-bit varint.
	 */
	uint64(): bigint | string;
	/**
	 * Read a `sint64` field, a signed, zig-zag-encoded 64-bit varint.
	 */
	sint64(): bigint | string;
	/**
	 * Read a `bool` field, a variant.
	 */
	bool(): boolean;
	/**
	 * Read a `fixed32` field, an unsigned, fixed-length 32-bit integer.
	 */
	fixed32(): number;
	/**
	 * Read a `sfixed32` field, a signed, fixed-length 32-bit integer.
	 */
	sfixed32(): number;
	/**
	 * Read a `fixed64` field, an unsigned, fixed-length 64 bit integer.
	 */
	fixed64(): bigint | string;
	/**
	 * Read a `fixed64` field, a signed, fixed-length 64-bit integer.
	 */
	sfixed64(): bigint | string;
	/**
	 * Read a `float` field, 32-bit floating point number.
	 */
	float(): number;
	/**
	 * Read a `double` field, a 64-bit floating point number.
	 */
	double(): number;
	/**
	 * Read a `bytes` field, length-delimited arbitrary data.
	 */
	bytes(): Uint8Array;
	/**
	 * Read a `string` field, length-delimited data converted to UTF-8 text. If
	 * `strict` is true, throw on invalid UTF-8 instead of substituting U+FFFD.
	 */
	string(strict?: boolean): string;
}
/**
 * A Duration represents a signed, fixed-length span of time represented
 * as a count of seconds and fractions of seconds at nanosecond
 * resolution. It is independent of any calendar and concepts like "day"
 * or "month". It is related to Timestamp in that the difference between
 * two Timestamp values is a Duration and it can be added or subtracted
 * from a Timestamp. Range is approximately +-10,000 years.
 *
 * # Examples
 *
 * Example 1: Compute Duration from two Timestamps in pseudo code.
 *
 *     Timestamp start = ...;
 *     Timestamp end = ...;
 *     Duration duration = ...;
 *
 *     duration.seconds = end.seconds - start.seconds;
 *     duration.nanos = end.nanos - start.nanos;
 *
 *     if (duration.seconds < 0 && duration.nanos > 0) {
 *       duration.seconds += 1;
 *       duration.nanos -= 1000000000;
 *     } else if (duration.seconds > 0 && duration.nanos < 0) {
 *       duration.seconds -= 1;
 *       duration.nanos += 1000000000;
 *     }
 *
 * Example 2: Compute Timestamp from Timestamp + Duration in pseudo code.
 *
 *     Timestamp start = ...;
 *     Duration duration = ...;
 *     Timestamp end = ...;
 *
 *     end.seconds = start.seconds + duration.seconds;
 *     end.nanos = start.nanos + duration.nanos;
 *
 *     if (end.nanos < 0) {
 *       end.seconds -= 1;
 *       end.nanos += 1000000000;
 *     } else if (end.nanos >= 1000000000) {
 *       end.seconds += 1;
 *       end.nanos -= 1000000000;
 *     }
 *
 * Example 3: Compute Duration from datetime.timedelta in Python.
 *
 *     td = datetime.timedelta(days=3, minutes=10)
 *     duration = Duration()
 *     duration.FromTimedelta(td)
 *
 * # JSON Mapping
 *
 * In JSON format, the Duration type is encoded as a string rather than an
 * object, where the string ends in the suffix "s" (indicating seconds) and
 * is preceded by the number of seconds, with nanoseconds expressed as
 * fractional seconds. For example, 3 seconds with 0 nanoseconds should be
 * encoded in JSON format as "3s", while 3 seconds and 1 nanosecond should
 * be expressed in JSON format as "3.000000001s", and 3 seconds and 1
 * microsecond should be expressed in JSON format as "3.000001s".
 */
export interface Duration {
	/**
	 * Signed seconds of the span of time. Must be from -315,576,000,000
	 * to +315,576,000,000 inclusive. Note: these bounds are computed from:
	 * 60 sec/min * 60 min/hr * 24 hr/day * 365.25 days/year * 10000 years
	 */
	seconds: number;
	/**
	 * Signed fractions of a second at nanosecond resolution of the span
	 * of time. Durations less than one second are represented with a 0
	 * `seconds` field and a positive or negative `nanos` field. For durations
	 * of one second or more, a non-zero value for the `nanos` field must be
	 * of the same sign as the `seconds` field. Must be from -999,999,999
	 * to +999,999,999 inclusive.
	 */
	nanos: number;
}
export declare const Duration: MessageFns<Duration>;
type Builtin = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial<T> = T extends Builtin ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial<T[K]>;
} : Partial<T>;
interface MessageFns<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial<T>): T;
	fromPartial(object: DeepPartial<T>): T;
}
/**
 * Types shared by every tollgate service.
 *
 * Errors: every failing call returns a google.rpc.Status whose details carry a
 * google.rpc.ErrorInfo with domain "tollgate" and a stable `reason`; clients
 * branch on the reason, never on the message. Reasons in use:
 *   INVALID_ARGUMENT (with google.rpc.BadRequest field violations),
 *   ALREADY_ENABLED, IMPORT_CONFLICT, NO_PENDING_ENROLLMENT, CODE_MISMATCH, CODE_EXPIRED,
 *   CODE_ALREADY_USED, CHALLENGE_EXPIRED, CHALLENGE_NOT_FOUND, LOCKED_OUT
 *   (with google.rpc.RetryInfo), NOT_ENROLLED, CONTACT_UNCONFIRMED,
 *   METHOD_NOT_ALLOWED, POLICY_FORBIDS, RESEND_TOO_SOON, DELIVERY_FAILED,
 *   STORAGE_UNAVAILABLE.
 *   Step-up: NO_PHISHING_RESISTANT_METHOD.
 */
/** A second factor. */
export declare const Method: {
	readonly METHOD_UNSPECIFIED: "METHOD_UNSPECIFIED";
	/** METHOD_TOTP - An authenticator app (RFC 6238 TOTP). */
	readonly METHOD_TOTP: "METHOD_TOTP";
	/** METHOD_EMAIL - A one-time code sent to the user's confirmed email address. */
	readonly METHOD_EMAIL: "METHOD_EMAIL";
	/** METHOD_SMS - A one-time code sent to the user's confirmed phone number. */
	readonly METHOD_SMS: "METHOD_SMS";
	/** METHOD_RECOVERY_CODE - One of the user's single-use recovery codes. */
	readonly METHOD_RECOVERY_CODE: "METHOD_RECOVERY_CODE";
	/** METHOD_WEBAUTHN - A passkey or security key (WebAuthn): phishing-resistant. */
	readonly METHOD_WEBAUTHN: "METHOD_WEBAUTHN";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type Method = typeof Method[keyof typeof Method];
export declare namespace Method {
	type METHOD_UNSPECIFIED = typeof Method.METHOD_UNSPECIFIED;
	type METHOD_TOTP = typeof Method.METHOD_TOTP;
	type METHOD_EMAIL = typeof Method.METHOD_EMAIL;
	type METHOD_SMS = typeof Method.METHOD_SMS;
	type METHOD_RECOVERY_CODE = typeof Method.METHOD_RECOVERY_CODE;
	type METHOD_WEBAUTHN = typeof Method.METHOD_WEBAUTHN;
	type UNRECOGNIZED = typeof Method.UNRECOGNIZED;
}
export declare function methodFromJSON(object: any): Method;
export declare function methodToNumber(object: Method): number;
/** Where a user's authenticator-app enrolment stands. */
export declare const TotpState: {
	readonly TOTP_STATE_UNSPECIFIED: "TOTP_STATE_UNSPECIFIED";
	/** TOTP_STATE_NOT_CONFIGURED - No secret, or a pending one that has expired. */
	readonly TOTP_STATE_NOT_CONFIGURED: "TOTP_STATE_NOT_CONFIGURED";
	/**
	 * TOTP_STATE_PENDING - A secret was minted by BeginTotp and awaits ConfirmTotp. It does not
	 * protect the account.
	 */
	readonly TOTP_STATE_PENDING: "TOTP_STATE_PENDING";
	/** TOTP_STATE_ENABLED - Confirmed with a code: the authenticator app is a second factor. */
	readonly TOTP_STATE_ENABLED: "TOTP_STATE_ENABLED";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type TotpState = typeof TotpState[keyof typeof TotpState];
export declare namespace TotpState {
	type TOTP_STATE_UNSPECIFIED = typeof TotpState.TOTP_STATE_UNSPECIFIED;
	type TOTP_STATE_NOT_CONFIGURED = typeof TotpState.TOTP_STATE_NOT_CONFIGURED;
	type TOTP_STATE_PENDING = typeof TotpState.TOTP_STATE_PENDING;
	type TOTP_STATE_ENABLED = typeof TotpState.TOTP_STATE_ENABLED;
	type UNRECOGNIZED = typeof TotpState.UNRECOGNIZED;
}
export declare function totpStateFromJSON(object: any): TotpState;
export declare function totpStateToNumber(object: TotpState): number;
/** How a user stands against the organisation's policy. */
export declare const ComplianceState: {
	readonly COMPLIANCE_STATE_UNSPECIFIED: "COMPLIANCE_STATE_UNSPECIFIED";
	/** COMPLIANCE_STATE_NOT_REQUIRED - Policy does not require 2FA of this user. */
	readonly COMPLIANCE_STATE_NOT_REQUIRED: "COMPLIANCE_STATE_NOT_REQUIRED";
	/** COMPLIANCE_STATE_COMPLIANT - Policy requires 2FA and the user has a method enabled. */
	readonly COMPLIANCE_STATE_COMPLIANT: "COMPLIANCE_STATE_COMPLIANT";
	/** COMPLIANCE_STATE_IN_GRACE - Policy requires 2FA, the user has none, and grace logins remain. */
	readonly COMPLIANCE_STATE_IN_GRACE: "COMPLIANCE_STATE_IN_GRACE";
	/** COMPLIANCE_STATE_MUST_ENROLL - Policy requires 2FA, the user has none, and no grace logins remain. */
	readonly COMPLIANCE_STATE_MUST_ENROLL: "COMPLIANCE_STATE_MUST_ENROLL";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type ComplianceState = typeof ComplianceState[keyof typeof ComplianceState];
export declare namespace ComplianceState {
	type COMPLIANCE_STATE_UNSPECIFIED = typeof ComplianceState.COMPLIANCE_STATE_UNSPECIFIED;
	type COMPLIANCE_STATE_NOT_REQUIRED = typeof ComplianceState.COMPLIANCE_STATE_NOT_REQUIRED;
	type COMPLIANCE_STATE_COMPLIANT = typeof ComplianceState.COMPLIANCE_STATE_COMPLIANT;
	type COMPLIANCE_STATE_IN_GRACE = typeof ComplianceState.COMPLIANCE_STATE_IN_GRACE;
	type COMPLIANCE_STATE_MUST_ENROLL = typeof ComplianceState.COMPLIANCE_STATE_MUST_ENROLL;
	type UNRECOGNIZED = typeof ComplianceState.UNRECOGNIZED;
}
export declare function complianceStateFromJSON(object: any): ComplianceState;
export declare function complianceStateToNumber(object: ComplianceState): number;
/** Why policy does or does not require 2FA of a user. */
export declare const RequirementReason: {
	readonly REQUIREMENT_REASON_UNSPECIFIED: "REQUIREMENT_REASON_UNSPECIFIED";
	/** REQUIREMENT_REASON_TWO_FACTOR_DISABLED - The tenant's master switch is off. */
	readonly REQUIREMENT_REASON_TWO_FACTOR_DISABLED: "REQUIREMENT_REASON_TWO_FACTOR_DISABLED";
	/** REQUIREMENT_REASON_OPTIONAL - Enforcement is OPTIONAL. */
	readonly REQUIREMENT_REASON_OPTIONAL: "REQUIREMENT_REASON_OPTIONAL";
	/** REQUIREMENT_REASON_NOT_YET_EFFECTIVE - Enforcement has an effective date in the future. */
	readonly REQUIREMENT_REASON_NOT_YET_EFFECTIVE: "REQUIREMENT_REASON_NOT_YET_EFFECTIVE";
	/** REQUIREMENT_REASON_NOT_ADMIN - REQUIRED_FOR_ADMINS and the user holds none of the admin roles. */
	readonly REQUIREMENT_REASON_NOT_ADMIN: "REQUIREMENT_REASON_NOT_ADMIN";
	/** REQUIREMENT_REASON_ADMIN_ROLE - REQUIRED_FOR_ADMINS and the user holds an admin role. */
	readonly REQUIREMENT_REASON_ADMIN_ROLE: "REQUIREMENT_REASON_ADMIN_ROLE";
	/** REQUIREMENT_REASON_REQUIRED_FOR_ALL - REQUIRED_FOR_ALL. */
	readonly REQUIREMENT_REASON_REQUIRED_FOR_ALL: "REQUIREMENT_REASON_REQUIRED_FOR_ALL";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type RequirementReason = typeof RequirementReason[keyof typeof RequirementReason];
export declare namespace RequirementReason {
	type REQUIREMENT_REASON_UNSPECIFIED = typeof RequirementReason.REQUIREMENT_REASON_UNSPECIFIED;
	type REQUIREMENT_REASON_TWO_FACTOR_DISABLED = typeof RequirementReason.REQUIREMENT_REASON_TWO_FACTOR_DISABLED;
	type REQUIREMENT_REASON_OPTIONAL = typeof RequirementReason.REQUIREMENT_REASON_OPTIONAL;
	type REQUIREMENT_REASON_NOT_YET_EFFECTIVE = typeof RequirementReason.REQUIREMENT_REASON_NOT_YET_EFFECTIVE;
	type REQUIREMENT_REASON_NOT_ADMIN = typeof RequirementReason.REQUIREMENT_REASON_NOT_ADMIN;
	type REQUIREMENT_REASON_ADMIN_ROLE = typeof RequirementReason.REQUIREMENT_REASON_ADMIN_ROLE;
	type REQUIREMENT_REASON_REQUIRED_FOR_ALL = typeof RequirementReason.REQUIREMENT_REASON_REQUIRED_FOR_ALL;
	type UNRECOGNIZED = typeof RequirementReason.UNRECOGNIZED;
}
export declare function requirementReasonFromJSON(object: any): RequirementReason;
export declare function requirementReasonToNumber(object: RequirementReason): number;
/** The policy's verdict for one user. */
export interface PolicyVerdict {
	required: boolean;
	reason: RequirementReason;
	state: ComplianceState;
	/** Set when state is IN_GRACE. */
	graceLoginsLeft: number;
	/** A message the application may show as is; empty when nothing need be said. */
	message: string;
	/** When enforcement starts, if it has a date. */
	effectiveAt: Date | undefined;
}
export declare const PolicyVerdict: MessageFns$1<PolicyVerdict>;
type Builtin$1 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$1<T> = T extends Builtin$1 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$1<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$1<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$1<T[K]>;
} : Partial<T>;
interface MessageFns$1<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$1<T>): T;
	fromPartial(object: DeepPartial$1<T>): T;
}
/**
 * ChallengeService: the sign-in step after the application accepted the
 * password.
 */
export declare const Decision: {
	readonly DECISION_UNSPECIFIED: "DECISION_UNSPECIFIED";
	/** DECISION_ALLOW - Sign the user in: no second factor needed now. */
	readonly DECISION_ALLOW: "DECISION_ALLOW";
	/** DECISION_CHALLENGE - Ask for a second factor, then call VerifyChallenge. */
	readonly DECISION_CHALLENGE: "DECISION_CHALLENGE";
	/** DECISION_ENROLLMENT_REQUIRED - Policy requires 2FA and the user has none: send them to set-up. */
	readonly DECISION_ENROLLMENT_REQUIRED: "DECISION_ENROLLMENT_REQUIRED";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type Decision = typeof Decision[keyof typeof Decision];
export declare namespace Decision {
	type DECISION_UNSPECIFIED = typeof Decision.DECISION_UNSPECIFIED;
	type DECISION_ALLOW = typeof Decision.DECISION_ALLOW;
	type DECISION_CHALLENGE = typeof Decision.DECISION_CHALLENGE;
	type DECISION_ENROLLMENT_REQUIRED = typeof Decision.DECISION_ENROLLMENT_REQUIRED;
	type UNRECOGNIZED = typeof Decision.UNRECOGNIZED;
}
export declare function decisionFromJSON(object: any): Decision;
export declare function decisionToNumber(object: Decision): number;
export declare const AllowReason: {
	readonly ALLOW_REASON_UNSPECIFIED: "ALLOW_REASON_UNSPECIFIED";
	readonly ALLOW_REASON_NOT_REQUIRED: "ALLOW_REASON_NOT_REQUIRED";
	readonly ALLOW_REASON_TRUSTED_DEVICE: "ALLOW_REASON_TRUSTED_DEVICE";
	readonly ALLOW_REASON_GRACE_LOGIN: "ALLOW_REASON_GRACE_LOGIN";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type AllowReason = typeof AllowReason[keyof typeof AllowReason];
export declare namespace AllowReason {
	type ALLOW_REASON_UNSPECIFIED = typeof AllowReason.ALLOW_REASON_UNSPECIFIED;
	type ALLOW_REASON_NOT_REQUIRED = typeof AllowReason.ALLOW_REASON_NOT_REQUIRED;
	type ALLOW_REASON_TRUSTED_DEVICE = typeof AllowReason.ALLOW_REASON_TRUSTED_DEVICE;
	type ALLOW_REASON_GRACE_LOGIN = typeof AllowReason.ALLOW_REASON_GRACE_LOGIN;
	type UNRECOGNIZED = typeof AllowReason.UNRECOGNIZED;
}
export declare function allowReasonFromJSON(object: any): AllowReason;
export declare function allowReasonToNumber(object: AllowReason): number;
export interface BeginChallengeRequest {
	tenantId: string;
	userId: string;
	/** The user's roles in the application (for REQUIRED_FOR_ADMINS). */
	roles: string[];
	/**
	 * Which audience's policy applies (e.g. "staff", "patients"); empty: the
	 * tenant's own.
	 */
	audience: string;
	/** A token from an earlier VerifyChallenge with remember_device. */
	trustedDeviceToken: string;
	clientIp: string;
	userAgent: string;
}
export interface BeginChallengeResponse {
	decision: Decision;
	/** ALLOW only. */
	allowReason: AllowReason;
	/** ALLOW with GRACE_LOGIN: grace logins left after this one. */
	graceLoginsLeft: number;
	/**
	 * CHALLENGE only: pass it to SendCode / VerifyChallenge / CancelChallenge
	 * (44 hex digits: the time it was begun, then 128 random bits; bound to
	 * this tenant and user).
	 */
	challengeId: string;
	/** CHALLENGE only: the methods the user may answer with, default first. */
	methods: Method[];
	defaultMethod: Method;
	expiresAt: Date | undefined;
	/** A message the application may show as is (ENROLLMENT_REQUIRED, grace). */
	message: string;
	/**
	 * CHALLENGE offering METHOD_WEBAUTHN: PublicKeyCredentialRequestOptions as
	 * JSON ({"publicKey": {...}}), for navigator.credentials.get.
	 */
	webauthnRequestOptionsJson: string;
}
export interface SendCodeRequest {
	tenantId: string;
	userId: string;
	challengeId: string;
	/** METHOD_EMAIL or METHOD_SMS. */
	method: Method;
}
export interface SendCodeResponse {
	maskedDestination: string;
	codeExpiresAt: Date | undefined;
	resendAvailableAt: Date | undefined;
}
export interface VerifyChallengeRequest {
	tenantId: string;
	userId: string;
	challengeId: string;
	method: Method;
	code: string;
	/** "Trust this browser": ask for a trusted-device token. */
	rememberDevice: boolean;
	clientIp: string;
	userAgent: string;
	/**
	 * METHOD_WEBAUTHN: the browser's PublicKeyCredential as JSON
	 * (credential.toJSON()), instead of a code.
	 */
	webauthnAssertionJson: string;
	/**
	 * Optional: the application's own session id (opaque, at most 256 bytes;
	 * stored only as a keyed hash). On success tollgate records that this
	 * session passed a second factor now, and by which method, for
	 * CheckRecentVerification. A step-up challenge is bound to its session:
	 * leave this empty or repeat the same id (another id is refused with
	 * INVALID_ARGUMENT before the answer is looked at).
	 */
	sessionId: string;
}
export interface VerifyChallengeResponse {
	/** Set when remember_device was asked and policy allows trusted devices. */
	trustedDeviceToken: string;
	trustedDeviceExpiresAt: Date | undefined;
	recoveryCodesRemaining: number;
	methodsUsed: Method[];
	/** Identifies the trusted device for RevokeTrustedDevices (not a secret). */
	trustedDeviceId: string;
}
export interface CancelChallengeRequest {
	tenantId: string;
	userId: string;
	challengeId: string;
}
export interface CancelChallengeResponse {
}
export interface RevokeTrustedDevicesRequest {
	tenantId: string;
	userId: string;
	/** One device; empty revokes all of the user's trusted devices. */
	deviceId: string;
}
export interface RevokeTrustedDevicesResponse {
	revokedCount: number;
}
export interface CheckRecentVerificationRequest {
	tenantId: string;
	userId: string;
	/**
	 * The application's own session id, as passed to VerifyChallenge
	 * (required, at most 256 bytes; stored only as a keyed hash).
	 */
	sessionId: string;
	/** How recent the second factor must be: more than 0, at most 24 hours. */
	maxAge: Duration | undefined;
	/**
	 * Only a passkey or security key counts, and only one is offered. Policy
	 * can require it too (phishing_resistant).
	 */
	requirePhishingResistant: boolean;
	/**
	 * The user's roles and the audience, as for BeginChallenge: which policy
	 * (allowed methods, phishing resistance) applies.
	 */
	roles: string[];
	audience: string;
	clientIp: string;
	userAgent: string;
}
export interface CheckRecentVerificationResponse {
	/**
	 * True: the session passed a second factor within max_age; nothing else
	 * to do. False: a step-up challenge was begun (the fields below); answer
	 * it with VerifyChallenge, then go on.
	 */
	satisfied: boolean;
	/**
	 * Satisfied only: when the session last passed (a phishing-resistant
	 * method, when that was asked) and with which method.
	 */
	verifiedAt: Date | undefined;
	verifiedMethod: Method;
	/**
	 * Not satisfied only: the step-up challenge, as BeginChallenge returns
	 * one. Pass challenge_id to SendCode / VerifyChallenge / CancelChallenge.
	 */
	challengeId: string;
	/**
	 * The methods the user may answer with, default first (METHOD_WEBAUTHN
	 * alone when phishing resistance is required).
	 */
	methods: Method[];
	defaultMethod: Method;
	expiresAt: Date | undefined;
	/**
	 * With METHOD_WEBAUTHN offered: PublicKeyCredentialRequestOptions as JSON,
	 * for navigator.credentials.get.
	 */
	webauthnRequestOptionsJson: string;
}
export interface EndSessionRequest {
	tenantId: string;
	userId: string;
	/** The application's session id, as passed to VerifyChallenge. */
	sessionId: string;
}
export interface EndSessionResponse {
}
export declare const BeginChallengeRequest: MessageFns$2<BeginChallengeRequest>;
export declare const BeginChallengeResponse: MessageFns$2<BeginChallengeResponse>;
export declare const SendCodeRequest: MessageFns$2<SendCodeRequest>;
export declare const SendCodeResponse: MessageFns$2<SendCodeResponse>;
export declare const VerifyChallengeRequest: MessageFns$2<VerifyChallengeRequest>;
export declare const VerifyChallengeResponse: MessageFns$2<VerifyChallengeResponse>;
export declare const CancelChallengeRequest: MessageFns$2<CancelChallengeRequest>;
export declare const CancelChallengeResponse: MessageFns$2<CancelChallengeResponse>;
export declare const RevokeTrustedDevicesRequest: MessageFns$2<RevokeTrustedDevicesRequest>;
export declare const RevokeTrustedDevicesResponse: MessageFns$2<RevokeTrustedDevicesResponse>;
export declare const CheckRecentVerificationRequest: MessageFns$2<CheckRecentVerificationRequest>;
export declare const CheckRecentVerificationResponse: MessageFns$2<CheckRecentVerificationResponse>;
export declare const EndSessionRequest: MessageFns$2<EndSessionRequest>;
export declare const EndSessionResponse: MessageFns$2<EndSessionResponse>;
export type ChallengeServiceDefinition = typeof ChallengeServiceDefinition;
export declare const ChallengeServiceDefinition: {
	readonly name: "ChallengeService";
	readonly fullName: "tollgate.v1.ChallengeService";
	readonly methods: {
		/**
		 * What to do with a user whose password was just accepted: ALLOW,
		 * CHALLENGE, or ENROLLMENT_REQUIRED.
		 */
		readonly beginChallenge: {
			readonly name: "BeginChallenge";
			readonly requestType: typeof BeginChallengeRequest;
			readonly requestStream: false;
			readonly responseType: typeof BeginChallengeResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * EMAIL/SMS: sends a fresh code for the challenge. Too early:
		 * RESOURCE_EXHAUSTED / RESEND_TOO_SOON.
		 */
		readonly sendCode: {
			readonly name: "SendCode";
			readonly requestType: typeof SendCodeRequest;
			readonly requestStream: false;
			readonly responseType: typeof SendCodeResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Checks the user's answer. Failures: INVALID_ARGUMENT / CODE_MISMATCH
		 * (ErrorInfo metadata attempts_left), FAILED_PRECONDITION / CODE_EXPIRED,
		 * CODE_ALREADY_USED, CHALLENGE_EXPIRED, METHOD_NOT_ALLOWED, NOT_FOUND /
		 * CHALLENGE_NOT_FOUND (unknown, cancelled or already completed),
		 * RESOURCE_EXHAUSTED / LOCKED_OUT (metadata locked_until, RetryInfo).
		 */
		readonly verifyChallenge: {
			readonly name: "VerifyChallenge";
			readonly requestType: typeof VerifyChallengeRequest;
			readonly requestStream: false;
			readonly responseType: typeof VerifyChallengeResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Ends the challenge ("sign in as a different user"). */
		readonly cancelChallenge: {
			readonly name: "CancelChallenge";
			readonly requestType: typeof CancelChallengeRequest;
			readonly requestStream: false;
			readonly responseType: typeof CancelChallengeResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Revokes one trusted device, or all of a user's. */
		readonly revokeTrustedDevices: {
			readonly name: "RevokeTrustedDevices";
			readonly requestType: typeof RevokeTrustedDevicesRequest;
			readonly requestStream: false;
			readonly responseType: typeof RevokeTrustedDevicesResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Step-up ("confirm it's you"): has this application session passed a
		 * second factor within max_age (phishing-resistantly, when asked)? If
		 * not, begins a step-up challenge bound to the session (a trusted device
		 * never skips it). No usable method: FAILED_PRECONDITION / NOT_ENROLLED;
		 * phishing resistance required and no passkey or security key:
		 * FAILED_PRECONDITION / NO_PHISHING_RESISTANT_METHOD.
		 */
		readonly checkRecentVerification: {
			readonly name: "CheckRecentVerification";
			readonly requestType: typeof CheckRecentVerificationRequest;
			readonly requestStream: false;
			readonly responseType: typeof CheckRecentVerificationResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Forgets an application session's verification record (at sign-out).
		 * Idempotent: an unknown session is not an error.
		 */
		readonly endSession: {
			readonly name: "EndSession";
			readonly requestType: typeof EndSessionRequest;
			readonly requestStream: false;
			readonly responseType: typeof EndSessionResponse;
			readonly responseStream: false;
			readonly options: {};
		};
	};
};
type Builtin$2 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$2<T> = T extends Builtin$2 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$2<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$2<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$2<T[K]>;
} : Partial<T>;
interface MessageFns$2<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$2<T>): T;
	fromPartial(object: DeepPartial$2<T>): T;
}
/**
 * DeliveryService: users' email addresses and phone numbers, their
 * confirmation, and the outbox for applications that send messages
 * themselves.
 */
export declare const ContactKind: {
	readonly CONTACT_KIND_UNSPECIFIED: "CONTACT_KIND_UNSPECIFIED";
	readonly CONTACT_KIND_EMAIL: "CONTACT_KIND_EMAIL";
	readonly CONTACT_KIND_PHONE: "CONTACT_KIND_PHONE";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type ContactKind = typeof ContactKind[keyof typeof ContactKind];
export declare namespace ContactKind {
	type CONTACT_KIND_UNSPECIFIED = typeof ContactKind.CONTACT_KIND_UNSPECIFIED;
	type CONTACT_KIND_EMAIL = typeof ContactKind.CONTACT_KIND_EMAIL;
	type CONTACT_KIND_PHONE = typeof ContactKind.CONTACT_KIND_PHONE;
	type UNRECOGNIZED = typeof ContactKind.UNRECOGNIZED;
}
export declare function contactKindFromJSON(object: any): ContactKind;
export declare function contactKindToNumber(object: ContactKind): number;
export declare const MessageKind: {
	readonly MESSAGE_KIND_UNSPECIFIED: "MESSAGE_KIND_UNSPECIFIED";
	/** MESSAGE_KIND_SIGN_IN_CODE - A sign-in code for a challenge. */
	readonly MESSAGE_KIND_SIGN_IN_CODE: "MESSAGE_KIND_SIGN_IN_CODE";
	/** MESSAGE_KIND_CONTACT_CONFIRMATION - A contact confirmation (link and/or code). */
	readonly MESSAGE_KIND_CONTACT_CONFIRMATION: "MESSAGE_KIND_CONTACT_CONFIRMATION";
	/**
	 * MESSAGE_KIND_TWO_FACTOR_ENABLED - Security notifications (policy security_notifications), by email, with
	 * no code or link; `notice` says what happened.
	 * The user's first second factor was turned on.
	 */
	readonly MESSAGE_KIND_TWO_FACTOR_ENABLED: "MESSAGE_KIND_TWO_FACTOR_ENABLED";
	/**
	 * MESSAGE_KIND_TWO_FACTOR_DISABLED - The user's last second factor was turned off, or an administrator reset
	 * the user's 2FA.
	 */
	readonly MESSAGE_KIND_TWO_FACTOR_DISABLED: "MESSAGE_KIND_TWO_FACTOR_DISABLED";
	readonly MESSAGE_KIND_METHOD_ADDED: "MESSAGE_KIND_METHOD_ADDED";
	readonly MESSAGE_KIND_METHOD_REMOVED: "MESSAGE_KIND_METHOD_REMOVED";
	readonly MESSAGE_KIND_RECOVERY_CODES_REGENERATED: "MESSAGE_KIND_RECOVERY_CODES_REGENERATED";
	readonly MESSAGE_KIND_RECOVERY_CODE_USED: "MESSAGE_KIND_RECOVERY_CODE_USED";
	/**
	 * MESSAGE_KIND_RECOVERY_CODES_LOW - A recovery code was used and two or fewer are left (sent in place of
	 * MESSAGE_KIND_RECOVERY_CODE_USED).
	 */
	readonly MESSAGE_KIND_RECOVERY_CODES_LOW: "MESSAGE_KIND_RECOVERY_CODES_LOW";
	readonly MESSAGE_KIND_TRUSTED_DEVICE_ADDED: "MESSAGE_KIND_TRUSTED_DEVICE_ADDED";
	readonly MESSAGE_KIND_LOCKED_OUT: "MESSAGE_KIND_LOCKED_OUT";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type MessageKind = typeof MessageKind[keyof typeof MessageKind];
export declare namespace MessageKind {
	type MESSAGE_KIND_UNSPECIFIED = typeof MessageKind.MESSAGE_KIND_UNSPECIFIED;
	type MESSAGE_KIND_SIGN_IN_CODE = typeof MessageKind.MESSAGE_KIND_SIGN_IN_CODE;
	type MESSAGE_KIND_CONTACT_CONFIRMATION = typeof MessageKind.MESSAGE_KIND_CONTACT_CONFIRMATION;
	type MESSAGE_KIND_TWO_FACTOR_ENABLED = typeof MessageKind.MESSAGE_KIND_TWO_FACTOR_ENABLED;
	type MESSAGE_KIND_TWO_FACTOR_DISABLED = typeof MessageKind.MESSAGE_KIND_TWO_FACTOR_DISABLED;
	type MESSAGE_KIND_METHOD_ADDED = typeof MessageKind.MESSAGE_KIND_METHOD_ADDED;
	type MESSAGE_KIND_METHOD_REMOVED = typeof MessageKind.MESSAGE_KIND_METHOD_REMOVED;
	type MESSAGE_KIND_RECOVERY_CODES_REGENERATED = typeof MessageKind.MESSAGE_KIND_RECOVERY_CODES_REGENERATED;
	type MESSAGE_KIND_RECOVERY_CODE_USED = typeof MessageKind.MESSAGE_KIND_RECOVERY_CODE_USED;
	type MESSAGE_KIND_RECOVERY_CODES_LOW = typeof MessageKind.MESSAGE_KIND_RECOVERY_CODES_LOW;
	type MESSAGE_KIND_TRUSTED_DEVICE_ADDED = typeof MessageKind.MESSAGE_KIND_TRUSTED_DEVICE_ADDED;
	type MESSAGE_KIND_LOCKED_OUT = typeof MessageKind.MESSAGE_KIND_LOCKED_OUT;
	type UNRECOGNIZED = typeof MessageKind.UNRECOGNIZED;
}
export declare function messageKindFromJSON(object: any): MessageKind;
export declare function messageKindToNumber(object: MessageKind): number;
/**
 * What a security notification reports, for applications that write their
 * own messages. Never a code, secret or token.
 */
export interface SecurityNotice {
	occurredAt: Date | undefined;
	/** As the application reported them; empty when it did not. */
	clientIp: string;
	userAgent: string;
	/** The method concerned (METHOD_UNSPECIFIED when none). */
	method: Method;
	/** Recovery codes left (recovery code used, recovery codes low). */
	recoveryCodesRemaining: number;
	/** The end of the lock (locked out). */
	lockedUntil: Date | undefined;
	/** An administrator reset the user's 2FA (two factor disabled). */
	byAdministrator: boolean;
}
export interface Contact {
	kind: ContactKind;
	/** e.g. "j***@example.com", "+44 ****** 123". */
	maskedAddress: string;
	/** Unset while unconfirmed. */
	confirmedAt: Date | undefined;
	confirmationSentAt: Date | undefined;
	/** The last delivery failure, if the last attempt failed. */
	lastDeliveryError: string;
}
export interface RegisterContactRequest {
	tenantId: string;
	userId: string;
	kind: ContactKind;
	/** An email address, or a phone number (normalised to E.164). */
	address: string;
}
export interface RegisterContactResponse {
	contact: Contact | undefined;
}
export interface SendConfirmationRequest {
	tenantId: string;
	userId: string;
	kind: ContactKind;
}
export interface SendConfirmationResponse {
	maskedDestination: string;
	sentAt: Date | undefined;
}
export interface ResendConfirmationsRequest {
	tenantId: string;
	/** Empty: every user of the tenant. */
	userIds: string[];
	/** CONTACT_KIND_UNSPECIFIED: both kinds. */
	kind: ContactKind;
}
export interface ResendConfirmationsResponse {
	sentCount: number;
	/** Contacts among those users that were already confirmed. */
	alreadyConfirmedCount: number;
	/** Contacts skipped: sent a confirmation within the resend cool-down. */
	tooSoonCount: number;
	/**
	 * Contacts not sent one because a sending limit was reached (once the
	 * tenant's hourly limit is reached, every contact left counts here).
	 */
	limitedCount: number;
}
export interface ConfirmContactRequest {
	tenantId: string;
	userId: string;
	kind: ContactKind;
	/** The token from the verify link, or the code from the message. */
	tokenOrCode: string;
}
export interface ConfirmContactResponse {
	contact: Contact | undefined;
}
export interface ListContactsRequest {
	tenantId: string;
	userId: string;
}
export interface ListContactsResponse {
	contacts: Contact[];
}
export interface StreamOutboxRequest {
	/**
	 * Empty: the default tenant, as everywhere. `*`: every tenant, for a
	 * caller allowed to act for every tenant.
	 */
	tenantId: string;
}
export interface OutboxMessage {
	messageId: string;
	tenantId: string;
	userId: string;
	kind: MessageKind;
	channel: ContactKind;
	recipient: string;
	subject: string;
	textBody: string;
	htmlBody: string;
	/**
	 * The code or token the message carries, for applications with their own
	 * templates.
	 */
	code: string;
	link: string;
	createdAt: Date | undefined;
	attempt: number;
	/**
	 * For a security notification (MESSAGE_KIND_TWO_FACTOR_ENABLED and the
	 * kinds after it): what happened. `code` and `link` are empty.
	 */
	notice: SecurityNotice | undefined;
}
export interface AckMessageRequest {
	messageId: string;
	/**
	 * The message's tenant (empty: the default tenant): a caller acknowledges
	 * only messages of tenants it may act for.
	 */
	tenantId: string;
}
export interface AckMessageResponse {
}
export declare const SecurityNotice: MessageFns$3<SecurityNotice>;
export declare const Contact: MessageFns$3<Contact>;
export declare const RegisterContactRequest: MessageFns$3<RegisterContactRequest>;
export declare const RegisterContactResponse: MessageFns$3<RegisterContactResponse>;
export declare const SendConfirmationRequest: MessageFns$3<SendConfirmationRequest>;
export declare const SendConfirmationResponse: MessageFns$3<SendConfirmationResponse>;
export declare const ResendConfirmationsRequest: MessageFns$3<ResendConfirmationsRequest>;
export declare const ResendConfirmationsResponse: MessageFns$3<ResendConfirmationsResponse>;
export declare const ConfirmContactRequest: MessageFns$3<ConfirmContactRequest>;
export declare const ConfirmContactResponse: MessageFns$3<ConfirmContactResponse>;
export declare const ListContactsRequest: MessageFns$3<ListContactsRequest>;
export declare const ListContactsResponse: MessageFns$3<ListContactsResponse>;
export declare const StreamOutboxRequest: MessageFns$3<StreamOutboxRequest>;
export declare const OutboxMessage: MessageFns$3<OutboxMessage>;
export declare const AckMessageRequest: MessageFns$3<AckMessageRequest>;
export declare const AckMessageResponse: MessageFns$3<AckMessageResponse>;
export type DeliveryServiceDefinition = typeof DeliveryServiceDefinition;
export declare const DeliveryServiceDefinition: {
	readonly name: "DeliveryService";
	readonly fullName: "tollgate.v1.DeliveryService";
	readonly methods: {
		/**
		 * Sets the user's email address or phone number (E.164). A new or changed
		 * contact is unconfirmed. Invalid address: INVALID_ARGUMENT.
		 */
		readonly registerContact: {
			readonly name: "RegisterContact";
			readonly requestType: typeof RegisterContactRequest;
			readonly requestStream: false;
			readonly responseType: typeof RegisterContactResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Sends (again) the confirmation message to one user's contact. Again
		 * within the policy's resend cool-down (30 s by default) of the last one:
		 * RESEND_TOO_SOON with metadata available_at.
		 */
		readonly sendConfirmation: {
			readonly name: "SendConfirmation";
			readonly requestType: typeof SendConfirmationRequest;
			readonly requestStream: false;
			readonly responseType: typeof SendConfirmationResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Sends confirmation messages to every unconfirmed contact among the given
		 * users, or the whole tenant, skipping those sent one within the cool-down.
		 */
		readonly resendConfirmations: {
			readonly name: "ResendConfirmations";
			readonly requestType: typeof ResendConfirmationsRequest;
			readonly requestStream: false;
			readonly responseType: typeof ResendConfirmationsResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Confirms a contact with the token (link) or code from the message. */
		readonly confirmContact: {
			readonly name: "ConfirmContact";
			readonly requestType: typeof ConfirmContactRequest;
			readonly requestStream: false;
			readonly responseType: typeof ConfirmContactResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** A user's contacts, masked. */
		readonly listContacts: {
			readonly name: "ListContacts";
			readonly requestType: typeof ListContactsRequest;
			readonly requestStream: false;
			readonly responseType: typeof ListContactsResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Messages to send, for applications that deliver them themselves. */
		readonly streamOutbox: {
			readonly name: "StreamOutbox";
			readonly requestType: typeof StreamOutboxRequest;
			readonly requestStream: false;
			readonly responseType: typeof OutboxMessage;
			readonly responseStream: true;
			readonly options: {};
		};
		/** Marks an outbox message as sent. */
		readonly ackMessage: {
			readonly name: "AckMessage";
			readonly requestType: typeof AckMessageRequest;
			readonly requestStream: false;
			readonly responseType: typeof AckMessageResponse;
			readonly responseStream: false;
			readonly options: {};
		};
	};
};
type Builtin$3 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$3<T> = T extends Builtin$3 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$3<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$3<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$3<T[K]>;
} : Partial<T>;
interface MessageFns$3<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$3<T>): T;
	fromPartial(object: DeepPartial$3<T>): T;
}
/** EnrollmentService: which second factors a user has, and setting them up. */
export declare const TotpAlgorithm: {
	readonly TOTP_ALGORITHM_UNSPECIFIED: "TOTP_ALGORITHM_UNSPECIFIED";
	readonly TOTP_ALGORITHM_SHA1: "TOTP_ALGORITHM_SHA1";
	readonly TOTP_ALGORITHM_SHA256: "TOTP_ALGORITHM_SHA256";
	readonly TOTP_ALGORITHM_SHA512: "TOTP_ALGORITHM_SHA512";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type TotpAlgorithm = typeof TotpAlgorithm[keyof typeof TotpAlgorithm];
export declare namespace TotpAlgorithm {
	type TOTP_ALGORITHM_UNSPECIFIED = typeof TotpAlgorithm.TOTP_ALGORITHM_UNSPECIFIED;
	type TOTP_ALGORITHM_SHA1 = typeof TotpAlgorithm.TOTP_ALGORITHM_SHA1;
	type TOTP_ALGORITHM_SHA256 = typeof TotpAlgorithm.TOTP_ALGORITHM_SHA256;
	type TOTP_ALGORITHM_SHA512 = typeof TotpAlgorithm.TOTP_ALGORITHM_SHA512;
	type UNRECOGNIZED = typeof TotpAlgorithm.UNRECOGNIZED;
}
export declare function totpAlgorithmFromJSON(object: any): TotpAlgorithm;
export declare function totpAlgorithmToNumber(object: TotpAlgorithm): number;
/** What a WebAuthn credential is for. */
export declare const WebAuthnKind: {
	readonly WEB_AUTHN_KIND_UNSPECIFIED: "WEB_AUTHN_KIND_UNSPECIFIED";
	/** WEB_AUTHN_KIND_PASSKEY - A passkey: the authenticator verifies the user (PIN, biometrics). */
	readonly WEB_AUTHN_KIND_PASSKEY: "WEB_AUTHN_KIND_PASSKEY";
	/** WEB_AUTHN_KIND_SECURITY_KEY - A security key used beside the password: presence is enough. */
	readonly WEB_AUTHN_KIND_SECURITY_KEY: "WEB_AUTHN_KIND_SECURITY_KEY";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type WebAuthnKind = typeof WebAuthnKind[keyof typeof WebAuthnKind];
export declare namespace WebAuthnKind {
	type WEB_AUTHN_KIND_UNSPECIFIED = typeof WebAuthnKind.WEB_AUTHN_KIND_UNSPECIFIED;
	type WEB_AUTHN_KIND_PASSKEY = typeof WebAuthnKind.WEB_AUTHN_KIND_PASSKEY;
	type WEB_AUTHN_KIND_SECURITY_KEY = typeof WebAuthnKind.WEB_AUTHN_KIND_SECURITY_KEY;
	type UNRECOGNIZED = typeof WebAuthnKind.UNRECOGNIZED;
}
export declare function webAuthnKindFromJSON(object: any): WebAuthnKind;
export declare function webAuthnKindToNumber(object: WebAuthnKind): number;
export declare const ImportOutcome: {
	readonly IMPORT_OUTCOME_UNSPECIFIED: "IMPORT_OUTCOME_UNSPECIFIED";
	/** IMPORT_OUTCOME_IMPORTED - Something was stored that the user did not have. */
	readonly IMPORT_OUTCOME_IMPORTED: "IMPORT_OUTCOME_IMPORTED";
	/** IMPORT_OUTCOME_UNCHANGED - The user had all of it already: nothing was written. */
	readonly IMPORT_OUTCOME_UNCHANGED: "IMPORT_OUTCOME_UNCHANGED";
	/** IMPORT_OUTCOME_REPLACED - `replace` overwrote something the user had. */
	readonly IMPORT_OUTCOME_REPLACED: "IMPORT_OUTCOME_REPLACED";
	/** IMPORT_OUTCOME_VALID - validate_only: the import would be accepted; nothing was written. */
	readonly IMPORT_OUTCOME_VALID: "IMPORT_OUTCOME_VALID";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type ImportOutcome = typeof ImportOutcome[keyof typeof ImportOutcome];
export declare namespace ImportOutcome {
	type IMPORT_OUTCOME_UNSPECIFIED = typeof ImportOutcome.IMPORT_OUTCOME_UNSPECIFIED;
	type IMPORT_OUTCOME_IMPORTED = typeof ImportOutcome.IMPORT_OUTCOME_IMPORTED;
	type IMPORT_OUTCOME_UNCHANGED = typeof ImportOutcome.IMPORT_OUTCOME_UNCHANGED;
	type IMPORT_OUTCOME_REPLACED = typeof ImportOutcome.IMPORT_OUTCOME_REPLACED;
	type IMPORT_OUTCOME_VALID = typeof ImportOutcome.IMPORT_OUTCOME_VALID;
	type UNRECOGNIZED = typeof ImportOutcome.UNRECOGNIZED;
}
export declare function importOutcomeFromJSON(object: any): ImportOutcome;
export declare function importOutcomeToNumber(object: ImportOutcome): number;
export interface GetEnrollmentRequest {
	/** Empty means "default". */
	tenantId: string;
	/** The application's own opaque user id (1 to 256 bytes). */
	userId: string;
	/** Roles and audience let the policy verdict consider the user's roles. */
	roles: string[];
	audience: string;
}
export interface TotpStatus {
	state: TotpState;
	/** When the secret was confirmed (ENABLED only). */
	confirmedAt: Date | undefined;
	/** When the pending secret stops being confirmable (PENDING only). */
	pendingExpiresAt: Date | undefined;
}
export interface ContactMethodStatus {
	/** The method is turned on as a factor. */
	enabled: boolean;
	/** The contact (address or number) has been confirmed. */
	contactConfirmed: boolean;
	/** e.g. "j***@example.com" or "+44 ****** 123"; empty when none registered. */
	maskedAddress: string;
}
export interface GetEnrollmentResponse {
	totp: TotpStatus | undefined;
	email: ContactMethodStatus | undefined;
	sms: ContactMethodStatus | undefined;
	/** The method offered first at sign-in; METHOD_UNSPECIFIED when none enabled. */
	defaultMethod: Method;
	/** Enabled methods, default first. */
	enabledMethods: Method[];
	/** True when at least one method protects the account. */
	twoFactorEnabled: boolean;
	recoveryCodesRemaining: number;
	policy: PolicyVerdict | undefined;
}
export interface BeginTotpRequest {
	tenantId: string;
	userId: string;
	/**
	 * The label the authenticator app shows (e.g. the user's email address);
	 * defaults to user_id.
	 */
	accountName: string;
	/** Whose policy applies (allowed methods, issuer); empty: the tenant's. */
	audience: string;
}
export interface BeginTotpResponse {
	/** The secret for manual entry (RFC 4648 base32, no padding). Show it once. */
	secretBase32: string;
	/** otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=... */
	otpauthUri: string;
	/** The otpauth URI as a QR code, PNG image bytes. */
	qrPng: Buffer;
	/** The same QR code as an SVG document. */
	qrSvg: string;
	/** After this instant ConfirmTotp answers NO_PENDING_ENROLLMENT. */
	expiresAt: Date | undefined;
	digits: number;
	period: Duration | undefined;
	algorithm: TotpAlgorithm;
	issuer: string;
	accountName: string;
}
export interface ConfirmTotpRequest {
	tenantId: string;
	userId: string;
	/** The code the authenticator app shows now (digits only). */
	code: string;
	/**
	 * Where the request came from, as the application saw it: recorded in the
	 * audit log and named in the user's security notification.
	 */
	clientIp: string;
	userAgent: string;
}
export interface ConfirmTotpResponse {
	state: TotpState;
	confirmedAt: Date | undefined;
	/**
	 * The first set of recovery codes, when this confirmation enabled 2FA for
	 * the user. Shown once: tollgate keeps only their hashes.
	 */
	recoveryCodes: string[];
}
export interface EnableMethodRequest {
	tenantId: string;
	userId: string;
	/** METHOD_EMAIL or METHOD_SMS. */
	method: Method;
	/** Whose policy applies (allowed methods); empty: the tenant's. */
	audience: string;
	/**
	 * Where the request came from, as the application saw it: recorded in the
	 * audit log and named in the user's security notification.
	 */
	clientIp: string;
	userAgent: string;
}
export interface EnableMethodResponse {
	enabledMethods: Method[];
	/** Recovery codes, when this enabled 2FA for the user. */
	recoveryCodes: string[];
}
export interface SetDefaultMethodRequest {
	tenantId: string;
	userId: string;
	method: Method;
}
export interface SetDefaultMethodResponse {
	defaultMethod: Method;
}
export interface DisableMethodRequest {
	tenantId: string;
	userId: string;
	/** One method, or METHOD_UNSPECIFIED for all of 2FA. */
	method: Method;
	/**
	 * The user's roles and audience: where policy requires 2FA of this user
	 * and forbids self-disable, turning off the last method is refused with
	 * PERMISSION_DENIED / POLICY_FORBIDS.
	 */
	roles: string[];
	audience: string;
	/**
	 * Where the request came from, as the application saw it: recorded in the
	 * audit log and named in the user's security notification.
	 */
	clientIp: string;
	userAgent: string;
}
export interface DisableMethodResponse {
	enabledMethods: Method[];
	twoFactorEnabled: boolean;
}
export interface ResetUserRequest {
	tenantId: string;
	userId: string;
	/** Who asked for the reset (the administrator's id); required. */
	actorId: string;
	/** Why; recorded in the audit log. */
	reason: string;
}
export interface ResetUserResponse {
}
export interface BeginWebAuthnRegistrationRequest {
	tenantId: string;
	userId: string;
	/**
	 * The name the authenticator shows (e.g. the email address); defaults to
	 * user_id.
	 */
	userName: string;
	/** Defaults to user_name. */
	displayName: string;
	kind: WebAuthnKind;
	/** Whose relying party and policy apply; empty: the tenant's. */
	audience: string;
}
export interface BeginWebAuthnRegistrationResponse {
	/** Pass to FinishWebAuthnRegistration. */
	registrationId: string;
	/**
	 * PublicKeyCredentialCreationOptions as JSON ({"publicKey": {...}},
	 * binary fields base64url).
	 */
	creationOptionsJson: string;
	expiresAt: Date | undefined;
}
export interface FinishWebAuthnRegistrationRequest {
	tenantId: string;
	userId: string;
	registrationId: string;
	/** The browser's PublicKeyCredential as JSON (credential.toJSON()). */
	credentialJson: string;
	/** The user's name for it, e.g. "YubiKey" (up to 64 characters). */
	label: string;
	/**
	 * Where the request came from, as the application saw it: recorded in the
	 * audit log and named in the user's security notification.
	 */
	clientIp: string;
	userAgent: string;
}
export interface WebAuthnCredential {
	/** The credential id, base64url. */
	credentialId: string;
	label: string;
	kind: WebAuthnKind;
	createdAt: Date | undefined;
	/** Unset until first used to sign in. */
	lastUsedAt: Date | undefined;
	/** A passkey that may be synced between devices, and whether it is. */
	backupEligible: boolean;
	backedUp: boolean;
}
export interface FinishWebAuthnRegistrationResponse {
	credential: WebAuthnCredential | undefined;
	/**
	 * Recovery codes, when this credential enabled 2FA for the user. Shown
	 * once.
	 */
	recoveryCodes: string[];
}
export interface ListWebAuthnCredentialsRequest {
	tenantId: string;
	userId: string;
}
export interface ListWebAuthnCredentialsResponse {
	credentials: WebAuthnCredential[];
}
export interface RenameWebAuthnCredentialRequest {
	tenantId: string;
	userId: string;
	credentialId: string;
	label: string;
}
export interface RenameWebAuthnCredentialResponse {
	credential: WebAuthnCredential | undefined;
}
export interface RemoveWebAuthnCredentialRequest {
	tenantId: string;
	userId: string;
	credentialId: string;
	/**
	 * Where the request came from, as the application saw it: recorded in the
	 * audit log and named in the user's security notification.
	 */
	clientIp: string;
	userAgent: string;
}
export interface RemoveWebAuthnCredentialResponse {
	enabledMethods: Method[];
	twoFactorEnabled: boolean;
}
export interface ImportUserRequest {
	tenantId: string;
	userId: string;
	/** Who imports (the administrator or the migration job); required, audited. */
	actorId: string;
	/** The authenticator-app credential; absent: none is imported. */
	totp: ImportedTotp | undefined;
	/**
	 * Recovery codes in plain text as the old system issued them: 6 to 32
	 * letters and digits each (case, dashes and spaces are ignored). Hashed on
	 * the way in; each is single use like tollgate's own.
	 */
	recoveryCodes: string[];
	/**
	 * Instead of importing codes: mint a fresh set (the policy's count) and
	 * return it once in the response.
	 */
	mintRecoveryCodes: boolean;
	/** At most one email address and one phone number. */
	contacts: ImportedContact[];
	/** The method offered first at sign-in; unspecified: left as it is. */
	defaultMethod: Method;
	/**
	 * Overwrite what the user has (secret, contacts, recovery codes) instead
	 * of refusing with IMPORT_CONFLICT or keeping their recovery codes.
	 */
	replace: boolean;
	/**
	 * Whose policy applies (allowed methods, recovery code count); empty:
	 * the tenant's.
	 */
	audience: string;
	/**
	 * A dry run: check the input, the policy and conflicts with what the
	 * user has, write nothing (IMPORT_OUTCOME_VALID when it would pass).
	 */
	validateOnly: boolean;
}
/**
 * An authenticator-app credential: either `otpauth_uri` (which carries its
 * own parameters) or `secret_base32` with the parameters beside it.
 */
export interface ImportedTotp {
	/** RFC 4648 base32 (case, spaces and padding ignored), at least 80 bits. */
	secretBase32: string;
	/** otpauth://totp/LABEL?secret=...&digits=...&period=...&algorithm=... */
	otpauthUri: string;
	/** 6 (the default) to 8. */
	digits: number;
	/** 30 s by default; 10 s to 5 min. */
	period: Duration | undefined;
	/** "SHA1" (the default), "SHA256" or "SHA512". */
	algorithm: string;
	/** When the user set it up in the old system; default: the time of import. */
	enabledAt: Date | undefined;
}
export interface ImportedContact {
	kind: ContactKind;
	address: string;
	/**
	 * The old system confirmed the address: it is imported confirmed.
	 * Otherwise it is registered unconfirmed (confirm it with SendConfirmation).
	 */
	confirmed: boolean;
	/** Turn the method on as a second factor (the contact must be confirmed). */
	enable: boolean;
}
export interface ImportUserResponse {
	outcome: ImportOutcome;
	/** The user's methods after the import, default first. */
	enabledMethods: Method[];
	/** The minted set (mint_recovery_codes), shown once. */
	recoveryCodes: string[];
	/** Unspent recovery codes the user holds after the import. */
	recoveryCodesRemaining: number;
}
export declare const GetEnrollmentRequest: MessageFns$4<GetEnrollmentRequest>;
export declare const TotpStatus: MessageFns$4<TotpStatus>;
export declare const ContactMethodStatus: MessageFns$4<ContactMethodStatus>;
export declare const GetEnrollmentResponse: MessageFns$4<GetEnrollmentResponse>;
export declare const BeginTotpRequest: MessageFns$4<BeginTotpRequest>;
export declare const BeginTotpResponse: MessageFns$4<BeginTotpResponse>;
export declare const ConfirmTotpRequest: MessageFns$4<ConfirmTotpRequest>;
export declare const ConfirmTotpResponse: MessageFns$4<ConfirmTotpResponse>;
export declare const EnableMethodRequest: MessageFns$4<EnableMethodRequest>;
export declare const EnableMethodResponse: MessageFns$4<EnableMethodResponse>;
export declare const SetDefaultMethodRequest: MessageFns$4<SetDefaultMethodRequest>;
export declare const SetDefaultMethodResponse: MessageFns$4<SetDefaultMethodResponse>;
export declare const DisableMethodRequest: MessageFns$4<DisableMethodRequest>;
export declare const DisableMethodResponse: MessageFns$4<DisableMethodResponse>;
export declare const ResetUserRequest: MessageFns$4<ResetUserRequest>;
export declare const ResetUserResponse: MessageFns$4<ResetUserResponse>;
export declare const BeginWebAuthnRegistrationRequest: MessageFns$4<BeginWebAuthnRegistrationRequest>;
export declare const BeginWebAuthnRegistrationResponse: MessageFns$4<BeginWebAuthnRegistrationResponse>;
export declare const FinishWebAuthnRegistrationRequest: MessageFns$4<FinishWebAuthnRegistrationRequest>;
export declare const WebAuthnCredential: MessageFns$4<WebAuthnCredential>;
export declare const FinishWebAuthnRegistrationResponse: MessageFns$4<FinishWebAuthnRegistrationResponse>;
export declare const ListWebAuthnCredentialsRequest: MessageFns$4<ListWebAuthnCredentialsRequest>;
export declare const ListWebAuthnCredentialsResponse: MessageFns$4<ListWebAuthnCredentialsResponse>;
export declare const RenameWebAuthnCredentialRequest: MessageFns$4<RenameWebAuthnCredentialRequest>;
export declare const RenameWebAuthnCredentialResponse: MessageFns$4<RenameWebAuthnCredentialResponse>;
export declare const RemoveWebAuthnCredentialRequest: MessageFns$4<RemoveWebAuthnCredentialRequest>;
export declare const RemoveWebAuthnCredentialResponse: MessageFns$4<RemoveWebAuthnCredentialResponse>;
export declare const ImportUserRequest: MessageFns$4<ImportUserRequest>;
export declare const ImportedTotp: MessageFns$4<ImportedTotp>;
export declare const ImportedContact: MessageFns$4<ImportedContact>;
export declare const ImportUserResponse: MessageFns$4<ImportUserResponse>;
export type EnrollmentServiceDefinition = typeof EnrollmentServiceDefinition;
export declare const EnrollmentServiceDefinition: {
	readonly name: "EnrollmentService";
	readonly fullName: "tollgate.v1.EnrollmentService";
	readonly methods: {
		/** Per-method state, default method, recovery codes left, policy verdict. */
		readonly getEnrollment: {
			readonly name: "GetEnrollment";
			readonly requestType: typeof GetEnrollmentRequest;
			readonly requestStream: false;
			readonly responseType: typeof GetEnrollmentResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Mints a pending authenticator-app secret (replacing any pending one).
		 * Already ENABLED: FAILED_PRECONDITION / ALREADY_ENABLED.
		 */
		readonly beginTotp: {
			readonly name: "BeginTotp";
			readonly requestType: typeof BeginTotpRequest;
			readonly requestStream: false;
			readonly responseType: typeof BeginTotpResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Confirms the pending secret with a current code. No pending secret or it
		 * expired: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; wrong code:
		 * INVALID_ARGUMENT / CODE_MISMATCH.
		 */
		readonly confirmTotp: {
			readonly name: "ConfirmTotp";
			readonly requestType: typeof ConfirmTotpRequest;
			readonly requestStream: false;
			readonly responseType: typeof ConfirmTotpResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Turns on EMAIL or SMS as a factor (contact must be confirmed). */
		readonly enableMethod: {
			readonly name: "EnableMethod";
			readonly requestType: typeof EnableMethodRequest;
			readonly requestStream: false;
			readonly responseType: typeof EnableMethodResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** The method offered first at sign-in. */
		readonly setDefaultMethod: {
			readonly name: "SetDefaultMethod";
			readonly requestType: typeof SetDefaultMethodRequest;
			readonly requestStream: false;
			readonly responseType: typeof SetDefaultMethodResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Turns off one method, or all of 2FA with METHOD_UNSPECIFIED. The
		 * application re-checks the user's password before calling this.
		 */
		readonly disableMethod: {
			readonly name: "DisableMethod";
			readonly requestType: typeof DisableMethodRequest;
			readonly requestStream: false;
			readonly responseType: typeof DisableMethodResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Administrator reset of another user's 2FA: every method, recovery codes,
		 * trusted devices and lockout. Audited with actor and reason.
		 */
		readonly resetUser: {
			readonly name: "ResetUser";
			readonly requestType: typeof ResetUserRequest;
			readonly requestStream: false;
			readonly responseType: typeof ResetUserResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Starts registering a passkey or security key: the creation options JSON
		 * the browser passes to navigator.credentials.create (the user's
		 * existing credentials excluded). The ceremony is stored, single use, and
		 * any replica can finish it before it expires.
		 */
		readonly beginWebAuthnRegistration: {
			readonly name: "BeginWebAuthnRegistration";
			readonly requestType: typeof BeginWebAuthnRegistrationRequest;
			readonly requestStream: false;
			readonly responseType: typeof BeginWebAuthnRegistrationResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Finishes it with the browser's credential JSON. Unknown or expired
		 * ceremony: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; a response the
		 * ceremony does not accept (origin, challenge, signature):
		 * INVALID_ARGUMENT / WEBAUTHN_REJECTED; a credential already registered:
		 * ALREADY_EXISTS / CREDENTIAL_EXISTS.
		 */
		readonly finishWebAuthnRegistration: {
			readonly name: "FinishWebAuthnRegistration";
			readonly requestType: typeof FinishWebAuthnRegistrationRequest;
			readonly requestStream: false;
			readonly responseType: typeof FinishWebAuthnRegistrationResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** The user's passkeys and security keys. */
		readonly listWebAuthnCredentials: {
			readonly name: "ListWebAuthnCredentials";
			readonly requestType: typeof ListWebAuthnCredentialsRequest;
			readonly requestStream: false;
			readonly responseType: typeof ListWebAuthnCredentialsResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		readonly renameWebAuthnCredential: {
			readonly name: "RenameWebAuthnCredential";
			readonly requestType: typeof RenameWebAuthnCredentialRequest;
			readonly requestStream: false;
			readonly responseType: typeof RenameWebAuthnCredentialResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Removes one credential; with none left, WebAuthn is off for the user
		 * (and with no method left, recovery codes and trusted devices go too).
		 */
		readonly removeWebAuthnCredential: {
			readonly name: "RemoveWebAuthnCredential";
			readonly requestType: typeof RemoveWebAuthnCredentialRequest;
			readonly requestStream: false;
			readonly responseType: typeof RemoveWebAuthnCredentialResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Administrator import of a user's existing second factors, for moving in
		 * from another system without re-enrolling anyone: an authenticator-app
		 * secret (enabled at once, sealed like any other), recovery codes (hashed
		 * on the way in, or minted fresh and returned once) and contacts the
		 * caller vouches for. Importing the same again changes nothing
		 * (IMPORT_OUTCOME_UNCHANGED). A user who already has a different secret or
		 * contact: FAILED_PRECONDITION / IMPORT_CONFLICT (metadata `part`) unless
		 * `replace`; one who already holds recovery codes (even all spent: a
		 * repeat never makes a spent code good again) keeps them unless
		 * `replace`. Audited as "user.imported".
		 */
		readonly importUser: {
			readonly name: "ImportUser";
			readonly requestType: typeof ImportUserRequest;
			readonly requestStream: false;
			readonly responseType: typeof ImportUserResponse;
			readonly responseStream: false;
			readonly options: {};
		};
	};
};
type Builtin$4 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$4<T> = T extends Builtin$4 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$4<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$4<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$4<T[K]>;
} : Partial<T>;
interface MessageFns$4<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$4<T>): T;
	fromPartial(object: DeepPartial$4<T>): T;
}
/**
 * PolicyService: the organisation's 2FA policy, per tenant and audience, and
 * the administrator's views of users and the audit log.
 */
export declare const Enforcement: {
	readonly ENFORCEMENT_UNSPECIFIED: "ENFORCEMENT_UNSPECIFIED";
	readonly ENFORCEMENT_OPTIONAL: "ENFORCEMENT_OPTIONAL";
	readonly ENFORCEMENT_REQUIRED_FOR_ADMINS: "ENFORCEMENT_REQUIRED_FOR_ADMINS";
	readonly ENFORCEMENT_REQUIRED_FOR_ALL: "ENFORCEMENT_REQUIRED_FOR_ALL";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type Enforcement = typeof Enforcement[keyof typeof Enforcement];
export declare namespace Enforcement {
	type ENFORCEMENT_UNSPECIFIED = typeof Enforcement.ENFORCEMENT_UNSPECIFIED;
	type ENFORCEMENT_OPTIONAL = typeof Enforcement.ENFORCEMENT_OPTIONAL;
	type ENFORCEMENT_REQUIRED_FOR_ADMINS = typeof Enforcement.ENFORCEMENT_REQUIRED_FOR_ADMINS;
	type ENFORCEMENT_REQUIRED_FOR_ALL = typeof Enforcement.ENFORCEMENT_REQUIRED_FOR_ALL;
	type UNRECOGNIZED = typeof Enforcement.UNRECOGNIZED;
}
export declare function enforcementFromJSON(object: any): Enforcement;
export declare function enforcementToNumber(object: Enforcement): number;
export declare const UserFilter: {
	readonly USER_FILTER_UNSPECIFIED: "USER_FILTER_UNSPECIFIED";
	/** USER_FILTER_NOT_ENROLLED - Users with no method enabled. */
	readonly USER_FILTER_NOT_ENROLLED: "USER_FILTER_NOT_ENROLLED";
	/** USER_FILTER_ENROLLED - Users with at least one method enabled. */
	readonly USER_FILTER_ENROLLED: "USER_FILTER_ENROLLED";
	/** USER_FILTER_UNCONFIRMED_CONTACT - Users with a registered but unconfirmed contact. */
	readonly USER_FILTER_UNCONFIRMED_CONTACT: "USER_FILTER_UNCONFIRMED_CONTACT";
	readonly UNRECOGNIZED: "UNRECOGNIZED";
};
export type UserFilter = typeof UserFilter[keyof typeof UserFilter];
export declare namespace UserFilter {
	type USER_FILTER_UNSPECIFIED = typeof UserFilter.USER_FILTER_UNSPECIFIED;
	type USER_FILTER_NOT_ENROLLED = typeof UserFilter.USER_FILTER_NOT_ENROLLED;
	type USER_FILTER_ENROLLED = typeof UserFilter.USER_FILTER_ENROLLED;
	type USER_FILTER_UNCONFIRMED_CONTACT = typeof UserFilter.USER_FILTER_UNCONFIRMED_CONTACT;
	type UNRECOGNIZED = typeof UserFilter.UNRECOGNIZED;
}
export declare function userFilterFromJSON(object: any): UserFilter;
export declare function userFilterToNumber(object: UserFilter): number;
export interface TotpSettings {
	/** The issuer shown in authenticator apps. */
	issuer: string;
	/** 6 or 8. */
	digits: number;
	/** 30 s by default. */
	period: Duration | undefined;
	algorithm: TotpAlgorithm;
	/** Steps accepted either side of the current one (1 by default). */
	skewSteps: number;
}
export interface MethodList {
	methods: Method[];
}
export interface StringList {
	values: string[];
}
/** Per-audience values; each unset field falls back to the tenant's. */
export interface PolicyOverride {
	twoFactorEnabled?: boolean | undefined;
	allowedMethods: MethodList | undefined;
	enforcement?: Enforcement | undefined;
	adminRoles: StringList | undefined;
	effectiveAt: Date | undefined;
	graceLogins?: number | undefined;
	trustedDevicesAllowed?: boolean | undefined;
	trustedDeviceTtl: Duration | undefined;
	maxFailedAttempts?: number | undefined;
	lockoutDuration: Duration | undefined;
	allowSelfDisableWhenRequired?: boolean | undefined;
}
export interface Policy {
	tenantId: string;
	/** Master switch: off means no challenge is issued and enrolment is refused. */
	twoFactorEnabled: boolean;
	allowedMethods: Method[];
	enforcement: Enforcement;
	adminRoles: string[];
	/** Enforcement starts here; unset means at once. */
	effectiveAt: Date | undefined;
	/** Password sign-ins allowed without 2FA after enforcement starts. */
	graceLogins: number;
	trustedDevicesAllowed: boolean;
	trustedDeviceTtl: Duration | undefined;
	totp: TotpSettings | undefined;
	/** Digits of email/SMS codes (6 by default). */
	codeLength: number;
	/** Lifetime of an email/SMS code (90 s by default). */
	codeTtl: Duration | undefined;
	resendCooldown: Duration | undefined;
	recoveryCodeCount: number;
	maxFailedAttempts: number;
	lockoutDuration: Duration | undefined;
	allowSelfDisableWhenRequired: boolean;
	/** Keyed by audience name, e.g. "staff", "patients". */
	audiences: {
		[key: string]: PolicyOverride;
	};
	/** Lifetime of a pending authenticator-app secret. */
	pendingEnrollmentTtl: Duration | undefined;
	/** Codes that may be sent for one challenge. */
	maxCodeSends: number;
	/** Opaque version; pass it back to UpdatePolicy. */
	etag: string;
	updateTime: Date | undefined;
	/** How long a sign-in challenge stays open (5 minutes by default). */
	challengeTtl: Duration | undefined;
	/**
	 * Codes and confirmations sent to one user in an hour (10 by default);
	 * past it SEND_LIMIT_REACHED. Against SMS pumping and email floods.
	 */
	maxSendsPerUserHour: number;
	/**
	 * Codes and confirmations sent for the whole tenant in an hour (1,000 by
	 * default).
	 */
	maxSendsPerTenantHour: number;
	/**
	 * Regions (ISO 3166 alpha-2, e.g. "GB") phone numbers may be in; empty:
	 * any. Others are refused with PHONE_REGION_NOT_ALLOWED.
	 */
	allowedPhoneRegions: string[];
	/**
	 * Who must hold a phishing-resistant method (METHOD_WEBAUTHN): OPTIONAL
	 * (nobody), REQUIRED_FOR_ADMINS or REQUIRED_FOR_ALL. Until they have one,
	 * EvaluateUser answers MUST_ENROLL and BeginChallenge ENROLLMENT_REQUIRED;
	 * their other methods do not satisfy it.
	 */
	phishingResistant: Enforcement;
	/**
	 * Security notifications (off by default): tell users by email, at their
	 * confirmed address, when 2FA is turned on or off, a method is added or
	 * removed, recovery codes are regenerated or used (with a warning at two
	 * or fewer left), a device is trusted, or they are locked out. Tenant-wide.
	 */
	securityNotifications: boolean;
}
export interface Policy_AudiencesEntry {
	key: string;
	value: PolicyOverride | undefined;
}
export interface GetPolicyRequest {
	tenantId: string;
}
export interface GetPolicyResponse {
	policy: Policy | undefined;
}
export interface UpdatePolicyRequest {
	tenantId: string;
	policy: Policy | undefined;
	/**
	 * The Policy fields to change, e.g. "enforcement,grace_logins,totp.issuer"
	 * ("totp" for all of its fields, "audiences" for the whole map,
	 * "audiences.staff" for one audience, "*" for everything). Required.
	 */
	updateMask: string[] | undefined;
	/**
	 * The etag from GetPolicy; stale: ABORTED / ETAG_MISMATCH. Empty: update
	 * whatever is stored (last write wins).
	 */
	etag: string;
	/** Who made the change, for the audit log. */
	actorId: string;
}
export interface UpdatePolicyResponse {
	policy: Policy | undefined;
}
export interface EvaluateUserRequest {
	tenantId: string;
	userId: string;
	roles: string[];
	audience: string;
}
export interface EvaluateUserResponse {
	verdict: PolicyVerdict | undefined;
	/** The user has at least one method enabled. */
	enrolled: boolean;
}
export interface UserSummary {
	userId: string;
	totpState: TotpState;
	enabledMethods: Method[];
	recoveryCodesRemaining: number;
	hasUnconfirmedContact: boolean;
	graceLoginsUsed: number;
	lockedUntil: Date | undefined;
}
export interface ListUsersRequest {
	tenantId: string;
	filter: UserFilter;
	/** At most 500; 50 when unset. */
	pageSize: number;
	pageToken: string;
}
export interface ListUsersResponse {
	users: UserSummary[];
	nextPageToken: string;
}
export interface AuditEvent {
	id: number;
	tenantId: string;
	userId: string;
	/** e.g. "totp.enabled", "challenge.verified", "user.reset", "policy.updated". */
	kind: string;
	/** Who did it: the user, or an administrator. */
	actorId: string;
	method: Method;
	/** "success" or "failure". */
	outcome: string;
	/** The failure reason, e.g. CODE_MISMATCH. */
	reason: string;
	clientIp: string;
	userAgent: string;
	occurredAt: Date | undefined;
	details: {
		[key: string]: string;
	};
	/**
	 * The caller that made the call: a configured caller's name, `uid:N` for
	 * a Unix-socket peer admitted by default, `cert:IDENTITY` for a client
	 * certificate admitted by the client CA, `key:NAME` for an API key.
	 * Empty for the server's own work (delivery, purges).
	 */
	caller: string;
}
export interface AuditEvent_DetailsEntry {
	key: string;
	value: string;
}
export interface ListAuditEventsRequest {
	tenantId: string;
	/** Only this user's events, when set. */
	userId: string;
	/** Only these kinds, when set. */
	kinds: string[];
	startTime: Date | undefined;
	endTime: Date | undefined;
	pageSize: number;
	pageToken: string;
}
export interface ListAuditEventsResponse {
	events: AuditEvent[];
	nextPageToken: string;
}
export interface EraseUserRequest {
	tenantId: string;
	userId: string;
	/** Who asked for the erasure (the administrator's id); required. */
	actorId: string;
	/** Why, e.g. a ticket number; recorded in the audit log. */
	reason: string;
}
export interface EraseUserResponse {
	/** Whether tollgate held anything about the user. */
	found: boolean;
	/**
	 * Rows deleted by table, e.g. "recovery_codes": 8 (tables with none are
	 * left out).
	 */
	erasedRows: {
		[key: string]: number;
	};
	/** The audit event that records the erasure. */
	event: AuditEvent | undefined;
}
export interface EraseUserResponse_ErasedRowsEntry {
	key: string;
	value: number;
}
export interface ExportUserRequest {
	tenantId: string;
	userId: string;
	/** Who asked for the export (the administrator's id); required. */
	actorId: string;
	/** Why, e.g. a ticket number; recorded in the audit log. */
	reason: string;
	/** The most recent audit events to include: at most 500; 100 when unset. */
	auditEventLimit: number;
}
/** A contact as exported: masked, never the full address. */
export interface ExportedContact {
	kind: ContactKind;
	/** e.g. "j***@example.com". */
	maskedAddress: string;
	/** Unset while unconfirmed. */
	confirmedAt: Date | undefined;
}
/** A trusted device ("trust this browser") as exported: never its token. */
export interface ExportedTrustedDevice {
	deviceId: string;
	createdAt: Date | undefined;
	expiresAt: Date | undefined;
	/** Set once revoked. */
	revokedAt: Date | undefined;
	/** As the application reported them when the device was trusted. */
	clientIp: string;
	userAgent: string;
}
export interface ExportUserResponse {
	tenantId: string;
	userId: string;
	/** Whether tollgate holds anything about the user. */
	found: boolean;
	/** When tollgate first kept something for the user (unset: no user row). */
	firstSeenAt: Date | undefined;
	enabledMethods: Method[];
	defaultMethod: Method;
	totpState: TotpState;
	totpConfirmedAt: Date | undefined;
	/** Passkeys and security keys (no public key or counter). */
	webauthnCredentials: WebAuthnCredential[];
	contacts: ExportedContact[];
	trustedDevices: ExportedTrustedDevice[];
	recoveryCodesRemaining: number;
	recoveryCodesTotal: number;
	recoveryCodesGeneratedAt: Date | undefined;
	graceLoginsUsed: number;
	failedAttempts: number;
	lockedUntil: Date | undefined;
	/**
	 * The user's most recent audit events, newest first (the export's own
	 * event included).
	 */
	auditEvents: AuditEvent[];
}
export declare const TotpSettings: MessageFns$5<TotpSettings>;
export declare const MethodList: MessageFns$5<MethodList>;
export declare const StringList: MessageFns$5<StringList>;
export declare const PolicyOverride: MessageFns$5<PolicyOverride>;
export declare const Policy: MessageFns$5<Policy>;
export declare const Policy_AudiencesEntry: MessageFns$5<Policy_AudiencesEntry>;
export declare const GetPolicyRequest: MessageFns$5<GetPolicyRequest>;
export declare const GetPolicyResponse: MessageFns$5<GetPolicyResponse>;
export declare const UpdatePolicyRequest: MessageFns$5<UpdatePolicyRequest>;
export declare const UpdatePolicyResponse: MessageFns$5<UpdatePolicyResponse>;
export declare const EvaluateUserRequest: MessageFns$5<EvaluateUserRequest>;
export declare const EvaluateUserResponse: MessageFns$5<EvaluateUserResponse>;
export declare const UserSummary: MessageFns$5<UserSummary>;
export declare const ListUsersRequest: MessageFns$5<ListUsersRequest>;
export declare const ListUsersResponse: MessageFns$5<ListUsersResponse>;
export declare const AuditEvent: MessageFns$5<AuditEvent>;
export declare const AuditEvent_DetailsEntry: MessageFns$5<AuditEvent_DetailsEntry>;
export declare const ListAuditEventsRequest: MessageFns$5<ListAuditEventsRequest>;
export declare const ListAuditEventsResponse: MessageFns$5<ListAuditEventsResponse>;
export declare const EraseUserRequest: MessageFns$5<EraseUserRequest>;
export declare const EraseUserResponse: MessageFns$5<EraseUserResponse>;
export declare const EraseUserResponse_ErasedRowsEntry: MessageFns$5<EraseUserResponse_ErasedRowsEntry>;
export declare const ExportUserRequest: MessageFns$5<ExportUserRequest>;
export declare const ExportedContact: MessageFns$5<ExportedContact>;
export declare const ExportedTrustedDevice: MessageFns$5<ExportedTrustedDevice>;
export declare const ExportUserResponse: MessageFns$5<ExportUserResponse>;
export type PolicyServiceDefinition = typeof PolicyServiceDefinition;
export declare const PolicyServiceDefinition: {
	readonly name: "PolicyService";
	readonly fullName: "tollgate.v1.PolicyService";
	readonly methods: {
		readonly getPolicy: {
			readonly name: "GetPolicy";
			readonly requestType: typeof GetPolicyRequest;
			readonly requestStream: false;
			readonly responseType: typeof GetPolicyResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Update with a field mask and the etag read; a concurrent update makes the
		 * etag stale: ABORTED.
		 */
		readonly updatePolicy: {
			readonly name: "UpdatePolicy";
			readonly requestType: typeof UpdatePolicyRequest;
			readonly requestStream: false;
			readonly responseType: typeof UpdatePolicyResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Whether policy requires 2FA of a user, and where the user stands. */
		readonly evaluateUser: {
			readonly name: "EvaluateUser";
			readonly requestType: typeof EvaluateUserRequest;
			readonly requestStream: false;
			readonly responseType: typeof EvaluateUserResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Users of a tenant with their 2FA state, filterable, paginated. */
		readonly listUsers: {
			readonly name: "ListUsers";
			readonly requestType: typeof ListUsersRequest;
			readonly requestStream: false;
			readonly responseType: typeof ListUsersResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** Who did what to whom and when, paginated. */
		readonly listAuditEvents: {
			readonly name: "ListAuditEvents";
			readonly requestType: typeof ListAuditEventsRequest;
			readonly requestStream: false;
			readonly responseType: typeof ListAuditEventsResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * Erases everything tollgate holds about one user of one tenant, in one
		 * transaction: credentials, recovery codes, contacts, trusted devices,
		 * challenges, outbox messages, lockout, the user row and their earlier
		 * audit events. One audit event `user.erased` (actor, caller, counts)
		 * stays. A user tollgate holds nothing about: OK, nothing erased.
		 */
		readonly eraseUser: {
			readonly name: "EraseUser";
			readonly requestType: typeof EraseUserRequest;
			readonly requestStream: false;
			readonly responseType: typeof EraseUserResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/**
		 * A user's 2FA state for a data-access request, without secrets: methods,
		 * TOTP state, passkeys, masked contacts, trusted devices, recovery-code
		 * counts, lockout and recent audit events. Audited as `user.exported`.
		 */
		readonly exportUser: {
			readonly name: "ExportUser";
			readonly requestType: typeof ExportUserRequest;
			readonly requestStream: false;
			readonly responseType: typeof ExportUserResponse;
			readonly responseStream: false;
			readonly options: {};
		};
	};
};
type Builtin$5 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$5<T> = T extends Builtin$5 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$5<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$5<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$5<T[K]>;
} : Partial<T>;
interface MessageFns$5<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$5<T>): T;
	fromPartial(object: DeepPartial$5<T>): T;
}
/**
 * RecoveryService: the user's single-use recovery codes. Redemption is
 * ChallengeService.VerifyChallenge with METHOD_RECOVERY_CODE.
 */
export interface RegenerateCodesRequest {
	tenantId: string;
	userId: string;
	/**
	 * Where the request came from, as the application saw it: recorded in the
	 * audit log and named in the user's security notification.
	 */
	clientIp: string;
	userAgent: string;
}
export interface RegenerateCodesResponse {
	/** Codes of the form XXXX-XXXX. Shown once: tollgate keeps only hashes. */
	codes: string[];
	generatedAt: Date | undefined;
}
export interface GetRecoveryStatusRequest {
	tenantId: string;
	userId: string;
}
export interface GetRecoveryStatusResponse {
	remaining: number;
	total: number;
	/** Unset when the user has no codes. */
	generatedAt: Date | undefined;
}
export declare const RegenerateCodesRequest: MessageFns$6<RegenerateCodesRequest>;
export declare const RegenerateCodesResponse: MessageFns$6<RegenerateCodesResponse>;
export declare const GetRecoveryStatusRequest: MessageFns$6<GetRecoveryStatusRequest>;
export declare const GetRecoveryStatusResponse: MessageFns$6<GetRecoveryStatusResponse>;
export type RecoveryServiceDefinition = typeof RecoveryServiceDefinition;
export declare const RecoveryServiceDefinition: {
	readonly name: "RecoveryService";
	readonly fullName: "tollgate.v1.RecoveryService";
	readonly methods: {
		/**
		 * A fresh set of codes; the old set is dead at once. Only when 2FA is
		 * enabled: FAILED_PRECONDITION / NOT_ENROLLED otherwise.
		 */
		readonly regenerateCodes: {
			readonly name: "RegenerateCodes";
			readonly requestType: typeof RegenerateCodesRequest;
			readonly requestStream: false;
			readonly responseType: typeof RegenerateCodesResponse;
			readonly responseStream: false;
			readonly options: {};
		};
		/** How many codes remain. */
		readonly getRecoveryStatus: {
			readonly name: "GetRecoveryStatus";
			readonly requestType: typeof GetRecoveryStatusRequest;
			readonly requestStream: false;
			readonly responseType: typeof GetRecoveryStatusResponse;
			readonly responseStream: false;
			readonly options: {};
		};
	};
};
type Builtin$6 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$6<T> = T extends Builtin$6 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$6<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$6<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$6<T[K]>;
} : Partial<T>;
interface MessageFns$6<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$6<T>): T;
	fromPartial(object: DeepPartial$6<T>): T;
}
/** This package's version: the tollgate server version it was made for. */
export declare const VERSION: string;
/** How long a call may take unless connect() or the call says otherwise. */
export declare const DEFAULT_TIMEOUT_MS = 10000;
/** Certificates for TLS, as PEM text or bytes (e.g. fs.readFileSync("ca.pem")). */
export interface TlsOptions {
	/** The CA that signed the server's certificate; the system's CAs when absent. */
	ca?: string | Buffer;
	/** Mutual TLS: this client's certificate chain (with `key`). */
	cert?: string | Buffer;
	/** Mutual TLS: this client's private key (with `cert`). */
	key?: string | Buffer;
	/** The name to check the server's certificate against, when not the address's host. */
	serverName?: string;
}
interface CommonOptions {
	/**
	 * An API key from `tollgate api-key create`, sent with every call as
	 * `authorization: Bearer KEY`. A key wins over the connection's identity
	 * (the socket peer or the client certificate).
	 */
	apiKey?: string;
	/** Deadline of each unary call, in ms (default 10000; Infinity: none). */
	timeoutMs?: number;
	/** Extra @grpc/grpc-js channel options, e.g. { "grpc.keepalive_time_ms": 60000 }. */
	channelOptions?: ChannelOptions;
}
/** @grpc/grpc-js channel options ("grpc.*" keys), as plain values. */
export type ChannelOptions = Readonly<Record<string, string | number>>;
/** tollgate on its Unix socket (the usual sidecar set-up). */
export interface SocketOptions extends CommonOptions {
	/** The socket's path; a relative one is taken from the current directory. */
	socket: string;
	address?: never;
	tls?: never;
}
/** tollgate on its TCP port (`--listen`). */
export interface AddressOptions extends CommonOptions {
	/** host:port, e.g. "127.0.0.1:50051" or "tollgate.internal:50051". */
	address: string;
	/**
	 * TLS settings (an empty object: TLS with the system's CAs), or false for
	 * plaintext (only towards a loopback port or through a mesh). Default: {}.
	 */
	tls?: TlsOptions | false;
	socket?: never;
}
export type ConnectOptions = SocketOptions | AddressOptions;
/** Per-call settings. */
export interface CallOptions {
	/** This call's deadline in ms, instead of the client's timeoutMs. */
	timeoutMs?: number;
	/** Cancels the call; it then rejects (or the stream throws) with the signal's reason. */
	signal?: AbortSignal;
}
type Builtin$7 = Date | Function | Uint8Array | string | number | boolean | undefined;
/** A message with every field optional, at every depth: what a request may be given as. */
export type PartialMessage<T> = T extends Builtin$7 ? T : T extends ReadonlyArray<infer U> ? ReadonlyArray<PartialMessage<U>> : T extends object ? {
	[K in keyof T]?: PartialMessage<T[K]>;
} : Partial<T>;
interface MessageType<T> {
	encode(message: T): {
		finish(): Uint8Array;
	};
	decode(input: Uint8Array): T;
	fromPartial(object: PartialMessage<T>): T;
}
interface MethodDefinition {
	readonly name: string;
	readonly requestType: MessageType<any>;
	readonly responseType: MessageType<any>;
	readonly requestStream: boolean;
	readonly responseStream: boolean;
}
interface ServiceDefinition {
	readonly fullName: string;
	readonly methods: {
		readonly [key: string]: MethodDefinition;
	};
}
type RequestOf<M> = M extends {
	requestType: {
		decode(input: Uint8Array): infer T;
	};
} ? T : never;
type ResponseOf<M> = M extends {
	responseType: {
		decode(input: Uint8Array): infer T;
	};
} ? T : never;
/**
 * A service's methods: a unary RPC resolves with its response; a
 * server-streaming one (StreamOutbox) is an async iterable of messages.
 */
export type ServiceClient<D extends ServiceDefinition> = {
	readonly [K in keyof D["methods"]]: D["methods"][K] extends {
		responseStream: true;
	} ? (request?: PartialMessage<RequestOf<D["methods"][K]>>, options?: CallOptions) => AsyncIterable<ResponseOf<D["methods"][K]>> : (request?: PartialMessage<RequestOf<D["methods"][K]>>, options?: CallOptions) => Promise<ResponseOf<D["methods"][K]>>;
};
/** EnrollmentService: TOTP, email/SMS and passkey enrolment, reset, import. */
export type EnrollmentClient = ServiceClient<typeof EnrollmentServiceDefinition>;
/** ChallengeService: the sign-in and step-up challenges, trusted devices. */
export type ChallengeClient = ServiceClient<typeof ChallengeServiceDefinition>;
/** RecoveryService: recovery codes. */
export type RecoveryClient = ServiceClient<typeof RecoveryServiceDefinition>;
/** PolicyService: the tenant's policy, users, audit log, export and erasure. */
export type PolicyClient = ServiceClient<typeof PolicyServiceDefinition>;
/** DeliveryService: contacts and the outbox stream. */
export type DeliveryClient = ServiceClient<typeof DeliveryServiceDefinition>;
/** A connection to tollgate. Make one with connect(), share it, close() it at the end. */
export declare class Client {
	readonly enrollment: EnrollmentClient;
	readonly challenge: ChallengeClient;
	readonly recovery: RecoveryClient;
	readonly policy: PolicyClient;
	readonly delivery: DeliveryClient;
	private readonly channel;
	/** Connects to tollgate: the same as connect(options). */
	constructor(options: ConnectOptions);
	/**
	 * Resolves once the channel is connected (it connects by itself on the
	 * first call; this is for start-up checks). Rejects after timeoutMs with
	 * a TollgateError (UNAVAILABLE, no reason), like a call would.
	 */
	waitForReady(timeoutMs?: number): Promise<void>;
	/**
	 * Closes the channel: calls in flight finish, new ones fail, open
	 * StreamOutbox iterations end (without an error).
	 */
	close(): void;
}
/**
 * Connects to tollgate, on its Unix socket:
 *
 *     const client = connect({ socket: "/run/tollgate/tollgate.sock" });
 *
 * or on its TCP port, with TLS (and mutual TLS with cert and key) and an API key:
 *
 *     const client = connect({ address: "tollgate.internal:50051",
 *       tls: { ca: fs.readFileSync("ca.pem") }, apiKey: process.env.TOLLGATE_API_KEY });
 *
 * The channel connects lazily, on the first call.
 */
export declare function connect(options: ConnectOptions): Client;
/** The `ErrorInfo.domain` tollgate puts on every error it sends. */
export declare const ERROR_DOMAIN = "tollgate";
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
	static readonly grpcCode: number | undefined;
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
	 * The error for a failed call: a @grpc/grpc-js ServiceError (from any
	 * copy of @grpc/grpc-js) becomes the class for its reason; a
	 * TollgateError is returned as it is; anything else (not a gRPC failure)
	 * too.
	 */
	static from(error: GrpcServiceError | TollgateError): TollgateError;
	static from(error: unknown): unknown;
}
/** Builds the error for a status: its code, message and trailers (grpc-status-details-bin). */
export declare function fromStatus(code: number, message: string, trailers?: GrpcMetadata): TollgateError;
/** A malformed field; `fieldViolations` names it. */
export declare class InvalidArgumentError extends TollgateError {
	static readonly reason = "INVALID_ARGUMENT";
	static readonly grpcCode: number;
}
/** The code is well-formed but wrong; `attemptsLeft` at sign-in. */
export declare class CodeMismatchError extends TollgateError {
	static readonly reason = "CODE_MISMATCH";
	static readonly grpcCode: number;
}
/** BeginTotp/ConfirmTotp when TOTP is already enabled. */
export declare class AlreadyEnabledError extends TollgateError {
	static readonly reason = "ALREADY_ENABLED";
	static readonly grpcCode: number;
}
/** ConfirmTotp without a pending secret, or after it expired. */
export declare class NoPendingEnrollmentError extends TollgateError {
	static readonly reason = "NO_PENDING_ENROLLMENT";
	static readonly grpcCode: number;
}
/** No method is enabled (RegenerateCodes), or none the policy allows (CheckRecentVerification). */
export declare class NotEnrolledError extends TollgateError {
	static readonly reason = "NOT_ENROLLED";
	static readonly grpcCode: number;
}
/** The TOTP step or recovery code was used before. */
export declare class CodeAlreadyUsedError extends TollgateError {
	static readonly reason = "CODE_ALREADY_USED";
	static readonly grpcCode: number;
}
/** The challenge is too old: sign in again. */
export declare class ChallengeExpiredError extends TollgateError {
	static readonly reason = "CHALLENGE_EXPIRED";
	static readonly grpcCode: number;
}
/** Unknown, another user's, cancelled, or already completed challenge. */
export declare class ChallengeNotFoundError extends TollgateError {
	static readonly reason = "CHALLENGE_NOT_FOUND";
	static readonly grpcCode: number;
}
/** The method is not one the challenge offered. */
export declare class MethodNotAllowedError extends TollgateError {
	static readonly reason = "METHOD_NOT_ALLOWED";
	static readonly grpcCode: number;
}
/** Too many wrong codes; `lockedUntil` and `retryAfterMs` say until when. */
export declare class LockedOutError extends TollgateError {
	static readonly reason = "LOCKED_OUT";
	static readonly grpcCode: number;
}
/** 2FA is switched off for the tenant, or self-disable is not allowed. */
export declare class PolicyForbidsError extends TollgateError {
	static readonly reason = "POLICY_FORBIDS";
	static readonly grpcCode: number;
}
/** EnableMethod/SendCode before the contact is confirmed. */
export declare class ContactUnconfirmedError extends TollgateError {
	static readonly reason = "CONTACT_UNCONFIRMED";
	static readonly grpcCode: number;
}
/** No contact of that kind is registered. */
export declare class ContactNotFoundError extends TollgateError {
	static readonly reason = "CONTACT_NOT_FOUND";
	static readonly grpcCode: number;
}
/** Confirming (or sending a confirmation to) a confirmed contact. */
export declare class ContactAlreadyConfirmedError extends TollgateError {
	static readonly reason = "CONTACT_ALREADY_CONFIRMED";
	static readonly grpcCode: number;
}
/** The email/SMS code (or a contact confirmation) expired: send a new one. */
export declare class CodeExpiredError extends TollgateError {
	static readonly reason = "CODE_EXPIRED";
	static readonly grpcCode: number;
}
/** The policy's hourly sending limit; `scope`, `availableAt`, `retryAfterMs`. */
export declare class SendLimitReachedError extends TollgateError {
	static readonly reason = "SEND_LIMIT_REACHED";
	static readonly grpcCode: number;
	/** Whose limit was reached: "user" or "tenant" (metadata scope), or null. */
	get scope(): string | null;
}
/** A phone number outside the policy's allowed regions. */
export declare class PhoneRegionNotAllowedError extends TollgateError {
	static readonly reason = "PHONE_REGION_NOT_ALLOWED";
	static readonly grpcCode: number;
}
/** The hashing queue is full; `retryAfterMs` says when to try again. */
export declare class OverloadedError extends TollgateError {
	static readonly reason = "OVERLOADED";
	static readonly grpcCode: number;
}
/** ConfirmContact: the confirmation took its codes; send a new one. */
export declare class ConfirmationVoidedError extends TollgateError {
	static readonly reason = "CONFIRMATION_VOIDED";
	static readonly grpcCode: number;
}
/** The provider refused the message for good. */
export declare class DeliveryFailedError extends TollgateError {
	static readonly reason = "DELIVERY_FAILED";
	static readonly grpcCode: number;
}
/** The resend cool-down has not passed; `availableAt`. */
export declare class ResendTooSoonError extends TollgateError {
	static readonly reason = "RESEND_TOO_SOON";
	static readonly grpcCode: number;
}
/** AckMessage for an unknown or already acknowledged message. */
export declare class MessageNotFoundError extends TollgateError {
	static readonly reason = "MESSAGE_NOT_FOUND";
	static readonly grpcCode: number;
}
/** UpdatePolicy with a stale etag: read the policy again. */
export declare class EtagMismatchError extends TollgateError {
	static readonly reason = "ETAG_MISMATCH";
	static readonly grpcCode: number;
}
/** The caller is not admitted, lacks the permission, or may not act for the tenant. */
export declare class CallerNotAllowedError extends TollgateError {
	static readonly reason = "CALLER_NOT_ALLOWED";
	static readonly grpcCode: number;
	/** The permission the call needed (metadata permission), when known. */
	get permission(): string | null;
	/** The tenant the call was for (metadata tenant), when known. */
	get tenant(): string | null;
}
/** A missing, malformed, unknown or revoked API key (one answer for all). */
export declare class ApiKeyInvalidError extends TollgateError {
	static readonly reason = "API_KEY_INVALID";
	static readonly grpcCode: number;
}
/** A TCP call with neither a client certificate nor an API key. */
export declare class NoCredentialError extends TollgateError {
	static readonly reason = "NO_CREDENTIAL";
	static readonly grpcCode: number;
}
/** An API key name already taken. */
export declare class ApiKeyExistsError extends TollgateError {
	static readonly reason = "API_KEY_EXISTS";
	static readonly grpcCode: number;
}
/** No relying party covers the tenant and audience. */
export declare class WebAuthnNotConfiguredError extends TollgateError {
	static readonly reason = "WEBAUTHN_NOT_CONFIGURED";
	static readonly grpcCode: number;
}
/** The browser's response does not match the ceremony. */
export declare class WebAuthnRejectedError extends TollgateError {
	static readonly reason = "WEBAUTHN_REJECTED";
	static readonly grpcCode: number;
}
/** The tenant holds this credential id already. */
export declare class CredentialExistsError extends TollgateError {
	static readonly reason = "CREDENTIAL_EXISTS";
	static readonly grpcCode: number;
}
/** The user has no credential with that id. */
export declare class CredentialNotFoundError extends TollgateError {
	static readonly reason = "CREDENTIAL_NOT_FOUND";
	static readonly grpcCode: number;
}
/** Phishing resistance is required and the user has no passkey or security key. */
export declare class NoPhishingResistantMethodError extends TollgateError {
	static readonly reason = "NO_PHISHING_RESISTANT_METHOD";
	static readonly grpcCode: number;
}
/** ImportUser: the user already has a different secret or contact (`part`). */
export declare class ImportConflictError extends TollgateError {
	static readonly reason = "IMPORT_CONFLICT";
	static readonly grpcCode: number;
	/** What differs: "totp", "email" or "phone" (metadata part), or null. */
	get part(): string | null;
}
/** The database could not be reached; retry. */
export declare class StorageUnavailableError extends TollgateError {
	static readonly reason = "STORAGE_UNAVAILABLE";
	static readonly grpcCode: number;
}
/** A fault inside tollgate (its log says more; the answer never does). */
export declare class InternalError extends TollgateError {
	static readonly reason = "INTERNAL";
	static readonly grpcCode: number;
}
/** A TollgateError subclass, as a value. */
export type TollgateErrorClass = (new (init: TollgateErrorInit) => TollgateError) & {
	readonly reason: string | undefined;
	readonly grpcCode: number | undefined;
};
/** The class for a reason ("CODE_MISMATCH" -> CodeMismatchError), or undefined if unknown. */
export declare function errorClassFor(reason: string): TollgateErrorClass | undefined;
/**
 * `FieldMask` represents a set of symbolic field paths, for example:
 *
 *     paths: "f.a"
 *     paths: "f.b.d"
 *
 * Here `f` represents a field in some root message, `a` and `b`
 * fields in the message found in `f`, and `d` a field found in the
 * message in `f.b`.
 *
 * Field masks are used to specify a subset of fields that should be
 * returned by a get operation or modified by an update operation.
 * Field masks also have a custom JSON encoding (see below).
 *
 * # Field Masks in Projections
 *
 * When used in the context of a projection, a response message or
 * sub-message is filtered by the API to only contain those fields as
 * specified in the mask. For example, if the mask in the previous
 * example is applied to a response message as follows:
 *
 *     f {
 *       a : 22
 *       b {
 *         d : 1
 *         x : 2
 *       }
 *       y : 13
 *     }
 *     z: 8
 *
 * The result will not contain specific values for fields x,y and z
 * (their value will be set to the default, and omitted in proto text
 * output):
 *
 *     f {
 *       a : 22
 *       b {
 *         d : 1
 *       }
 *     }
 *
 * A repeated field is not allowed except at the last position of a
 * paths string.
 *
 * If a FieldMask object is not present in a get operation, the
 * operation applies to all fields (as if a FieldMask of all fields
 * had been specified).
 *
 * Note that a field mask does not necessarily apply to the
 * top-level response message. In case of a REST get operation, the
 * field mask applies directly to the response, but in case of a REST
 * list operation, the mask instead applies to each individual message
 * in the returned resource list. In case of a REST custom method,
 * other definitions may be used. Where the mask applies will be
 * clearly documented together with its declaration in the API.  In
 * any case, the effect on the returned resource/resources is required
 * behavior for APIs.
 *
 * # Field Masks in Update Operations
 *
 * A field mask in update operations specifies which fields of the
 * targeted resource are going to be updated. The API is required
 * to only change the values of the fields as specified in the mask
 * and leave the others untouched. If a resource is passed in to
 * describe the updated values, the API ignores the values of all
 * fields not covered by the mask.
 *
 * If a repeated field is specified for an update operation, new values will
 * be appended to the existing repeated field in the target resource. Note that
 * a repeated field is only allowed in the last position of a `paths` string.
 *
 * If a sub-message is specified in the last position of the field mask for an
 * update operation, then new value will be merged into the existing sub-message
 * in the target resource.
 *
 * For example, given the target message:
 *
 *     f {
 *       b {
 *         d: 1
 *         x: 2
 *       }
 *       c: [1]
 *     }
 *
 * And an update message:
 *
 *     f {
 *       b {
 *         d: 10
 *       }
 *       c: [2]
 *     }
 *
 * then if the field mask is:
 *
 *  paths: ["f.b", "f.c"]
 *
 * then the result will be:
 *
 *     f {
 *       b {
 *         d: 10
 *         x: 2
 *       }
 *       c: [1, 2]
 *     }
 *
 * An implementation may provide options to override this default behavior for
 * repeated and message fields.
 *
 * Note that libraries which implement FieldMask resolution have various
 * different behaviors in the face of empty masks or the special "*" mask.
 * When implementing a service you should confirm these cases have the
 * appropriate behavior in the underlying FieldMask library that you desire,
 * and you may need to special case those cases in your application code if
 * the underlying field mask library behavior differs from your intended
 * service semantics.
 *
 * Update methods implementing https://google.aip.dev/134
 * - MUST support the special value * meaning "full replace"
 * - MUST treat an omitted field mask as "replace fields which are present".
 *
 * Other methods implementing https://google.aip.dev/157
 * - SHOULD support the special value "*" to mean "get all".
 * - MUST treat an omitted field mask to mean "get all", unless otherwise
 * documented.
 *
 * ## Considerations for HTTP REST
 *
 * The HTTP kind of an update operation which uses a field mask must
 * be set to PATCH instead of PUT in order to satisfy HTTP semantics
 * (PUT must only be used for full updates).
 *
 * # JSON Encoding of Field Masks
 *
 * In JSON, a field mask is encoded as a single string where paths are
 * separated by a comma. Fields name in each path are converted
 * to/from lower-camel naming conventions.
 *
 * As an example, consider the following message declarations:
 *
 *     message Profile {
 *       User user = 1;
 *       Photo photo = 2;
 *     }
 *     message User {
 *       string display_name = 1;
 *       string address = 2;
 *     }
 *
 * In proto a field mask for `Profile` may look as such:
 *
 *     mask {
 *       paths: "user.display_name"
 *       paths: "photo"
 *     }
 *
 * In JSON, the same mask is represented as below:
 *
 *     {
 *       mask: "user.displayName,photo"
 *     }
 *
 * # Field Masks and Oneof Fields
 *
 * Field masks treat fields in oneofs just as regular fields. Consider the
 * following message:
 *
 *     message SampleMessage {
 *       oneof test_oneof {
 *         string name = 4;
 *         SubMessage sub_message = 9;
 *       }
 *     }
 *
 * The field mask can be:
 *
 *     mask {
 *       paths: "name"
 *     }
 *
 * Or:
 *
 *     mask {
 *       paths: "sub_message"
 *     }
 *
 * Note that oneof type names ("test_oneof" in this case) cannot be used in
 * paths.
 *
 * ## Field Mask Verification
 *
 * The implementation of any API method which has a FieldMask type field in the
 * request should verify the included field paths, and return an
 * `INVALID_ARGUMENT` error if any path is unmappable.
 */
export interface FieldMask {
	/** The set of field mask paths. */
	paths: string[];
}
export declare const FieldMask: MessageFns$7<FieldMask> & FieldMaskWrapperFns;
type Builtin$8 = Date | Function | Uint8Array | string | number | boolean | undefined;
type DeepPartial$7<T> = T extends Builtin$8 ? T : T extends globalThis.Array<infer U> ? globalThis.Array<DeepPartial$7<U>> : T extends ReadonlyArray<infer U> ? ReadonlyArray<DeepPartial$7<U>> : T extends {} ? {
	[K in keyof T]?: DeepPartial$7<T[K]>;
} : Partial<T>;
interface MessageFns$7<T> {
	encode(message: T, writer?: BinaryWriter): BinaryWriter;
	decode(input: BinaryReader | Uint8Array, length?: number): T;
	create(base?: DeepPartial$7<T>): T;
	fromPartial(object: DeepPartial$7<T>): T;
}
interface FieldMaskWrapperFns {
	wrap(paths: string[]): FieldMask;
	unwrap(message: FieldMask): string[];
}

export {};
