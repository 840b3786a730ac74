import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientOptions, type ClientUnaryCall, type handleUnaryCall, type Metadata, type ServiceError, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Duration } from "../../google/protobuf/duration";
import { Method, PolicyVerdict, TotpState } from "./common";
import { ContactKind } from "./delivery";
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
export declare const GetEnrollmentRequest: MessageFns<GetEnrollmentRequest>;
export declare const TotpStatus: MessageFns<TotpStatus>;
export declare const ContactMethodStatus: MessageFns<ContactMethodStatus>;
export declare const GetEnrollmentResponse: MessageFns<GetEnrollmentResponse>;
export declare const BeginTotpRequest: MessageFns<BeginTotpRequest>;
export declare const BeginTotpResponse: MessageFns<BeginTotpResponse>;
export declare const ConfirmTotpRequest: MessageFns<ConfirmTotpRequest>;
export declare const ConfirmTotpResponse: MessageFns<ConfirmTotpResponse>;
export declare const EnableMethodRequest: MessageFns<EnableMethodRequest>;
export declare const EnableMethodResponse: MessageFns<EnableMethodResponse>;
export declare const SetDefaultMethodRequest: MessageFns<SetDefaultMethodRequest>;
export declare const SetDefaultMethodResponse: MessageFns<SetDefaultMethodResponse>;
export declare const DisableMethodRequest: MessageFns<DisableMethodRequest>;
export declare const DisableMethodResponse: MessageFns<DisableMethodResponse>;
export declare const ResetUserRequest: MessageFns<ResetUserRequest>;
export declare const ResetUserResponse: MessageFns<ResetUserResponse>;
export declare const BeginWebAuthnRegistrationRequest: MessageFns<BeginWebAuthnRegistrationRequest>;
export declare const BeginWebAuthnRegistrationResponse: MessageFns<BeginWebAuthnRegistrationResponse>;
export declare const FinishWebAuthnRegistrationRequest: MessageFns<FinishWebAuthnRegistrationRequest>;
export declare const WebAuthnCredential: MessageFns<WebAuthnCredential>;
export declare const FinishWebAuthnRegistrationResponse: MessageFns<FinishWebAuthnRegistrationResponse>;
export declare const ListWebAuthnCredentialsRequest: MessageFns<ListWebAuthnCredentialsRequest>;
export declare const ListWebAuthnCredentialsResponse: MessageFns<ListWebAuthnCredentialsResponse>;
export declare const RenameWebAuthnCredentialRequest: MessageFns<RenameWebAuthnCredentialRequest>;
export declare const RenameWebAuthnCredentialResponse: MessageFns<RenameWebAuthnCredentialResponse>;
export declare const RemoveWebAuthnCredentialRequest: MessageFns<RemoveWebAuthnCredentialRequest>;
export declare const RemoveWebAuthnCredentialResponse: MessageFns<RemoveWebAuthnCredentialResponse>;
export declare const ImportUserRequest: MessageFns<ImportUserRequest>;
export declare const ImportedTotp: MessageFns<ImportedTotp>;
export declare const ImportedContact: MessageFns<ImportedContact>;
export declare const ImportUserResponse: MessageFns<ImportUserResponse>;
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
export type EnrollmentServiceService = typeof EnrollmentServiceService;
export declare const EnrollmentServiceService: {
    /** Per-method state, default method, recovery codes left, policy verdict. */
    readonly getEnrollment: {
        readonly path: "/tollgate.v1.EnrollmentService/GetEnrollment";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: GetEnrollmentRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => GetEnrollmentRequest;
        readonly responseSerialize: (value: GetEnrollmentResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => GetEnrollmentResponse;
    };
    /**
     * Mints a pending authenticator-app secret (replacing any pending one).
     * Already ENABLED: FAILED_PRECONDITION / ALREADY_ENABLED.
     */
    readonly beginTotp: {
        readonly path: "/tollgate.v1.EnrollmentService/BeginTotp";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: BeginTotpRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => BeginTotpRequest;
        readonly responseSerialize: (value: BeginTotpResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => BeginTotpResponse;
    };
    /**
     * Confirms the pending secret with a current code. No pending secret or it
     * expired: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; wrong code:
     * INVALID_ARGUMENT / CODE_MISMATCH.
     */
    readonly confirmTotp: {
        readonly path: "/tollgate.v1.EnrollmentService/ConfirmTotp";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ConfirmTotpRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ConfirmTotpRequest;
        readonly responseSerialize: (value: ConfirmTotpResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ConfirmTotpResponse;
    };
    /** Turns on EMAIL or SMS as a factor (contact must be confirmed). */
    readonly enableMethod: {
        readonly path: "/tollgate.v1.EnrollmentService/EnableMethod";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: EnableMethodRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => EnableMethodRequest;
        readonly responseSerialize: (value: EnableMethodResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => EnableMethodResponse;
    };
    /** The method offered first at sign-in. */
    readonly setDefaultMethod: {
        readonly path: "/tollgate.v1.EnrollmentService/SetDefaultMethod";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: SetDefaultMethodRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => SetDefaultMethodRequest;
        readonly responseSerialize: (value: SetDefaultMethodResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => SetDefaultMethodResponse;
    };
    /**
     * Turns off one method, or all of 2FA with METHOD_UNSPECIFIED. The
     * application re-checks the user's password before calling this.
     */
    readonly disableMethod: {
        readonly path: "/tollgate.v1.EnrollmentService/DisableMethod";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: DisableMethodRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => DisableMethodRequest;
        readonly responseSerialize: (value: DisableMethodResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => DisableMethodResponse;
    };
    /**
     * Administrator reset of another user's 2FA: every method, recovery codes,
     * trusted devices and lockout. Audited with actor and reason.
     */
    readonly resetUser: {
        readonly path: "/tollgate.v1.EnrollmentService/ResetUser";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ResetUserRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ResetUserRequest;
        readonly responseSerialize: (value: ResetUserResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ResetUserResponse;
    };
    /**
     * Starts registering a passkey or security key: the creation options JSON
     * the browser passes to navigator.credentials.create (the user's
     * existing credentials excluded). The ceremony is stored, single use, and
     * any replica can finish it before it expires.
     */
    readonly beginWebAuthnRegistration: {
        readonly path: "/tollgate.v1.EnrollmentService/BeginWebAuthnRegistration";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: BeginWebAuthnRegistrationRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => BeginWebAuthnRegistrationRequest;
        readonly responseSerialize: (value: BeginWebAuthnRegistrationResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => BeginWebAuthnRegistrationResponse;
    };
    /**
     * Finishes it with the browser's credential JSON. Unknown or expired
     * ceremony: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; a response the
     * ceremony does not accept (origin, challenge, signature):
     * INVALID_ARGUMENT / WEBAUTHN_REJECTED; a credential already registered:
     * ALREADY_EXISTS / CREDENTIAL_EXISTS.
     */
    readonly finishWebAuthnRegistration: {
        readonly path: "/tollgate.v1.EnrollmentService/FinishWebAuthnRegistration";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: FinishWebAuthnRegistrationRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => FinishWebAuthnRegistrationRequest;
        readonly responseSerialize: (value: FinishWebAuthnRegistrationResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => FinishWebAuthnRegistrationResponse;
    };
    /** The user's passkeys and security keys. */
    readonly listWebAuthnCredentials: {
        readonly path: "/tollgate.v1.EnrollmentService/ListWebAuthnCredentials";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListWebAuthnCredentialsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListWebAuthnCredentialsRequest;
        readonly responseSerialize: (value: ListWebAuthnCredentialsResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListWebAuthnCredentialsResponse;
    };
    readonly renameWebAuthnCredential: {
        readonly path: "/tollgate.v1.EnrollmentService/RenameWebAuthnCredential";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RenameWebAuthnCredentialRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RenameWebAuthnCredentialRequest;
        readonly responseSerialize: (value: RenameWebAuthnCredentialResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RenameWebAuthnCredentialResponse;
    };
    /**
     * Removes one credential; with none left, WebAuthn is off for the user
     * (and with no method left, recovery codes and trusted devices go too).
     */
    readonly removeWebAuthnCredential: {
        readonly path: "/tollgate.v1.EnrollmentService/RemoveWebAuthnCredential";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RemoveWebAuthnCredentialRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RemoveWebAuthnCredentialRequest;
        readonly responseSerialize: (value: RemoveWebAuthnCredentialResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RemoveWebAuthnCredentialResponse;
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
        readonly path: "/tollgate.v1.EnrollmentService/ImportUser";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ImportUserRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ImportUserRequest;
        readonly responseSerialize: (value: ImportUserResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ImportUserResponse;
    };
};
export interface EnrollmentServiceServer extends UntypedServiceImplementation {
    /** Per-method state, default method, recovery codes left, policy verdict. */
    getEnrollment: handleUnaryCall<GetEnrollmentRequest, GetEnrollmentResponse>;
    /**
     * Mints a pending authenticator-app secret (replacing any pending one).
     * Already ENABLED: FAILED_PRECONDITION / ALREADY_ENABLED.
     */
    beginTotp: handleUnaryCall<BeginTotpRequest, BeginTotpResponse>;
    /**
     * Confirms the pending secret with a current code. No pending secret or it
     * expired: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; wrong code:
     * INVALID_ARGUMENT / CODE_MISMATCH.
     */
    confirmTotp: handleUnaryCall<ConfirmTotpRequest, ConfirmTotpResponse>;
    /** Turns on EMAIL or SMS as a factor (contact must be confirmed). */
    enableMethod: handleUnaryCall<EnableMethodRequest, EnableMethodResponse>;
    /** The method offered first at sign-in. */
    setDefaultMethod: handleUnaryCall<SetDefaultMethodRequest, SetDefaultMethodResponse>;
    /**
     * Turns off one method, or all of 2FA with METHOD_UNSPECIFIED. The
     * application re-checks the user's password before calling this.
     */
    disableMethod: handleUnaryCall<DisableMethodRequest, DisableMethodResponse>;
    /**
     * Administrator reset of another user's 2FA: every method, recovery codes,
     * trusted devices and lockout. Audited with actor and reason.
     */
    resetUser: handleUnaryCall<ResetUserRequest, ResetUserResponse>;
    /**
     * Starts registering a passkey or security key: the creation options JSON
     * the browser passes to navigator.credentials.create (the user's
     * existing credentials excluded). The ceremony is stored, single use, and
     * any replica can finish it before it expires.
     */
    beginWebAuthnRegistration: handleUnaryCall<BeginWebAuthnRegistrationRequest, BeginWebAuthnRegistrationResponse>;
    /**
     * Finishes it with the browser's credential JSON. Unknown or expired
     * ceremony: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; a response the
     * ceremony does not accept (origin, challenge, signature):
     * INVALID_ARGUMENT / WEBAUTHN_REJECTED; a credential already registered:
     * ALREADY_EXISTS / CREDENTIAL_EXISTS.
     */
    finishWebAuthnRegistration: handleUnaryCall<FinishWebAuthnRegistrationRequest, FinishWebAuthnRegistrationResponse>;
    /** The user's passkeys and security keys. */
    listWebAuthnCredentials: handleUnaryCall<ListWebAuthnCredentialsRequest, ListWebAuthnCredentialsResponse>;
    renameWebAuthnCredential: handleUnaryCall<RenameWebAuthnCredentialRequest, RenameWebAuthnCredentialResponse>;
    /**
     * Removes one credential; with none left, WebAuthn is off for the user
     * (and with no method left, recovery codes and trusted devices go too).
     */
    removeWebAuthnCredential: handleUnaryCall<RemoveWebAuthnCredentialRequest, RemoveWebAuthnCredentialResponse>;
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
    importUser: handleUnaryCall<ImportUserRequest, ImportUserResponse>;
}
export interface EnrollmentServiceClient extends Client {
    /** Per-method state, default method, recovery codes left, policy verdict. */
    getEnrollment(request: GetEnrollmentRequest, callback: (error: ServiceError | null, response: GetEnrollmentResponse) => void): ClientUnaryCall;
    getEnrollment(request: GetEnrollmentRequest, metadata: Metadata, callback: (error: ServiceError | null, response: GetEnrollmentResponse) => void): ClientUnaryCall;
    getEnrollment(request: GetEnrollmentRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: GetEnrollmentResponse) => void): ClientUnaryCall;
    /**
     * Mints a pending authenticator-app secret (replacing any pending one).
     * Already ENABLED: FAILED_PRECONDITION / ALREADY_ENABLED.
     */
    beginTotp(request: BeginTotpRequest, callback: (error: ServiceError | null, response: BeginTotpResponse) => void): ClientUnaryCall;
    beginTotp(request: BeginTotpRequest, metadata: Metadata, callback: (error: ServiceError | null, response: BeginTotpResponse) => void): ClientUnaryCall;
    beginTotp(request: BeginTotpRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: BeginTotpResponse) => void): ClientUnaryCall;
    /**
     * Confirms the pending secret with a current code. No pending secret or it
     * expired: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; wrong code:
     * INVALID_ARGUMENT / CODE_MISMATCH.
     */
    confirmTotp(request: ConfirmTotpRequest, callback: (error: ServiceError | null, response: ConfirmTotpResponse) => void): ClientUnaryCall;
    confirmTotp(request: ConfirmTotpRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ConfirmTotpResponse) => void): ClientUnaryCall;
    confirmTotp(request: ConfirmTotpRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ConfirmTotpResponse) => void): ClientUnaryCall;
    /** Turns on EMAIL or SMS as a factor (contact must be confirmed). */
    enableMethod(request: EnableMethodRequest, callback: (error: ServiceError | null, response: EnableMethodResponse) => void): ClientUnaryCall;
    enableMethod(request: EnableMethodRequest, metadata: Metadata, callback: (error: ServiceError | null, response: EnableMethodResponse) => void): ClientUnaryCall;
    enableMethod(request: EnableMethodRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: EnableMethodResponse) => void): ClientUnaryCall;
    /** The method offered first at sign-in. */
    setDefaultMethod(request: SetDefaultMethodRequest, callback: (error: ServiceError | null, response: SetDefaultMethodResponse) => void): ClientUnaryCall;
    setDefaultMethod(request: SetDefaultMethodRequest, metadata: Metadata, callback: (error: ServiceError | null, response: SetDefaultMethodResponse) => void): ClientUnaryCall;
    setDefaultMethod(request: SetDefaultMethodRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: SetDefaultMethodResponse) => void): ClientUnaryCall;
    /**
     * Turns off one method, or all of 2FA with METHOD_UNSPECIFIED. The
     * application re-checks the user's password before calling this.
     */
    disableMethod(request: DisableMethodRequest, callback: (error: ServiceError | null, response: DisableMethodResponse) => void): ClientUnaryCall;
    disableMethod(request: DisableMethodRequest, metadata: Metadata, callback: (error: ServiceError | null, response: DisableMethodResponse) => void): ClientUnaryCall;
    disableMethod(request: DisableMethodRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: DisableMethodResponse) => void): ClientUnaryCall;
    /**
     * Administrator reset of another user's 2FA: every method, recovery codes,
     * trusted devices and lockout. Audited with actor and reason.
     */
    resetUser(request: ResetUserRequest, callback: (error: ServiceError | null, response: ResetUserResponse) => void): ClientUnaryCall;
    resetUser(request: ResetUserRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ResetUserResponse) => void): ClientUnaryCall;
    resetUser(request: ResetUserRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ResetUserResponse) => void): ClientUnaryCall;
    /**
     * Starts registering a passkey or security key: the creation options JSON
     * the browser passes to navigator.credentials.create (the user's
     * existing credentials excluded). The ceremony is stored, single use, and
     * any replica can finish it before it expires.
     */
    beginWebAuthnRegistration(request: BeginWebAuthnRegistrationRequest, callback: (error: ServiceError | null, response: BeginWebAuthnRegistrationResponse) => void): ClientUnaryCall;
    beginWebAuthnRegistration(request: BeginWebAuthnRegistrationRequest, metadata: Metadata, callback: (error: ServiceError | null, response: BeginWebAuthnRegistrationResponse) => void): ClientUnaryCall;
    beginWebAuthnRegistration(request: BeginWebAuthnRegistrationRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: BeginWebAuthnRegistrationResponse) => void): ClientUnaryCall;
    /**
     * Finishes it with the browser's credential JSON. Unknown or expired
     * ceremony: FAILED_PRECONDITION / NO_PENDING_ENROLLMENT; a response the
     * ceremony does not accept (origin, challenge, signature):
     * INVALID_ARGUMENT / WEBAUTHN_REJECTED; a credential already registered:
     * ALREADY_EXISTS / CREDENTIAL_EXISTS.
     */
    finishWebAuthnRegistration(request: FinishWebAuthnRegistrationRequest, callback: (error: ServiceError | null, response: FinishWebAuthnRegistrationResponse) => void): ClientUnaryCall;
    finishWebAuthnRegistration(request: FinishWebAuthnRegistrationRequest, metadata: Metadata, callback: (error: ServiceError | null, response: FinishWebAuthnRegistrationResponse) => void): ClientUnaryCall;
    finishWebAuthnRegistration(request: FinishWebAuthnRegistrationRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: FinishWebAuthnRegistrationResponse) => void): ClientUnaryCall;
    /** The user's passkeys and security keys. */
    listWebAuthnCredentials(request: ListWebAuthnCredentialsRequest, callback: (error: ServiceError | null, response: ListWebAuthnCredentialsResponse) => void): ClientUnaryCall;
    listWebAuthnCredentials(request: ListWebAuthnCredentialsRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListWebAuthnCredentialsResponse) => void): ClientUnaryCall;
    listWebAuthnCredentials(request: ListWebAuthnCredentialsRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListWebAuthnCredentialsResponse) => void): ClientUnaryCall;
    renameWebAuthnCredential(request: RenameWebAuthnCredentialRequest, callback: (error: ServiceError | null, response: RenameWebAuthnCredentialResponse) => void): ClientUnaryCall;
    renameWebAuthnCredential(request: RenameWebAuthnCredentialRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RenameWebAuthnCredentialResponse) => void): ClientUnaryCall;
    renameWebAuthnCredential(request: RenameWebAuthnCredentialRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RenameWebAuthnCredentialResponse) => void): ClientUnaryCall;
    /**
     * Removes one credential; with none left, WebAuthn is off for the user
     * (and with no method left, recovery codes and trusted devices go too).
     */
    removeWebAuthnCredential(request: RemoveWebAuthnCredentialRequest, callback: (error: ServiceError | null, response: RemoveWebAuthnCredentialResponse) => void): ClientUnaryCall;
    removeWebAuthnCredential(request: RemoveWebAuthnCredentialRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RemoveWebAuthnCredentialResponse) => void): ClientUnaryCall;
    removeWebAuthnCredential(request: RemoveWebAuthnCredentialRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RemoveWebAuthnCredentialResponse) => void): ClientUnaryCall;
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
    importUser(request: ImportUserRequest, callback: (error: ServiceError | null, response: ImportUserResponse) => void): ClientUnaryCall;
    importUser(request: ImportUserRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ImportUserResponse) => void): ClientUnaryCall;
    importUser(request: ImportUserRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ImportUserResponse) => void): ClientUnaryCall;
}
export declare const EnrollmentServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): EnrollmentServiceClient;
    service: typeof EnrollmentServiceService;
    serviceName: string;
};
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
