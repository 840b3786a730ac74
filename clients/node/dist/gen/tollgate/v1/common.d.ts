import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
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
export declare const PolicyVerdict: MessageFns<PolicyVerdict>;
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
export {};
