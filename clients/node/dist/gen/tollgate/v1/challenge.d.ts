import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientOptions, type ClientUnaryCall, type handleUnaryCall, type Metadata, type ServiceError, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Duration } from "../../google/protobuf/duration";
import { Method } from "./common";
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
export declare const BeginChallengeRequest: MessageFns<BeginChallengeRequest>;
export declare const BeginChallengeResponse: MessageFns<BeginChallengeResponse>;
export declare const SendCodeRequest: MessageFns<SendCodeRequest>;
export declare const SendCodeResponse: MessageFns<SendCodeResponse>;
export declare const VerifyChallengeRequest: MessageFns<VerifyChallengeRequest>;
export declare const VerifyChallengeResponse: MessageFns<VerifyChallengeResponse>;
export declare const CancelChallengeRequest: MessageFns<CancelChallengeRequest>;
export declare const CancelChallengeResponse: MessageFns<CancelChallengeResponse>;
export declare const RevokeTrustedDevicesRequest: MessageFns<RevokeTrustedDevicesRequest>;
export declare const RevokeTrustedDevicesResponse: MessageFns<RevokeTrustedDevicesResponse>;
export declare const CheckRecentVerificationRequest: MessageFns<CheckRecentVerificationRequest>;
export declare const CheckRecentVerificationResponse: MessageFns<CheckRecentVerificationResponse>;
export declare const EndSessionRequest: MessageFns<EndSessionRequest>;
export declare const EndSessionResponse: MessageFns<EndSessionResponse>;
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
export type ChallengeServiceService = typeof ChallengeServiceService;
export declare const ChallengeServiceService: {
    /**
     * What to do with a user whose password was just accepted: ALLOW,
     * CHALLENGE, or ENROLLMENT_REQUIRED.
     */
    readonly beginChallenge: {
        readonly path: "/tollgate.v1.ChallengeService/BeginChallenge";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: BeginChallengeRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => BeginChallengeRequest;
        readonly responseSerialize: (value: BeginChallengeResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => BeginChallengeResponse;
    };
    /**
     * EMAIL/SMS: sends a fresh code for the challenge. Too early:
     * RESOURCE_EXHAUSTED / RESEND_TOO_SOON.
     */
    readonly sendCode: {
        readonly path: "/tollgate.v1.ChallengeService/SendCode";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: SendCodeRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => SendCodeRequest;
        readonly responseSerialize: (value: SendCodeResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => SendCodeResponse;
    };
    /**
     * Checks the user's answer. Failures: INVALID_ARGUMENT / CODE_MISMATCH
     * (ErrorInfo metadata attempts_left), FAILED_PRECONDITION / CODE_EXPIRED,
     * CODE_ALREADY_USED, CHALLENGE_EXPIRED, METHOD_NOT_ALLOWED, NOT_FOUND /
     * CHALLENGE_NOT_FOUND (unknown, cancelled or already completed),
     * RESOURCE_EXHAUSTED / LOCKED_OUT (metadata locked_until, RetryInfo).
     */
    readonly verifyChallenge: {
        readonly path: "/tollgate.v1.ChallengeService/VerifyChallenge";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: VerifyChallengeRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => VerifyChallengeRequest;
        readonly responseSerialize: (value: VerifyChallengeResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => VerifyChallengeResponse;
    };
    /** Ends the challenge ("sign in as a different user"). */
    readonly cancelChallenge: {
        readonly path: "/tollgate.v1.ChallengeService/CancelChallenge";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: CancelChallengeRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => CancelChallengeRequest;
        readonly responseSerialize: (value: CancelChallengeResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => CancelChallengeResponse;
    };
    /** Revokes one trusted device, or all of a user's. */
    readonly revokeTrustedDevices: {
        readonly path: "/tollgate.v1.ChallengeService/RevokeTrustedDevices";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RevokeTrustedDevicesRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RevokeTrustedDevicesRequest;
        readonly responseSerialize: (value: RevokeTrustedDevicesResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RevokeTrustedDevicesResponse;
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
        readonly path: "/tollgate.v1.ChallengeService/CheckRecentVerification";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: CheckRecentVerificationRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => CheckRecentVerificationRequest;
        readonly responseSerialize: (value: CheckRecentVerificationResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => CheckRecentVerificationResponse;
    };
    /**
     * Forgets an application session's verification record (at sign-out).
     * Idempotent: an unknown session is not an error.
     */
    readonly endSession: {
        readonly path: "/tollgate.v1.ChallengeService/EndSession";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: EndSessionRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => EndSessionRequest;
        readonly responseSerialize: (value: EndSessionResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => EndSessionResponse;
    };
};
export interface ChallengeServiceServer extends UntypedServiceImplementation {
    /**
     * What to do with a user whose password was just accepted: ALLOW,
     * CHALLENGE, or ENROLLMENT_REQUIRED.
     */
    beginChallenge: handleUnaryCall<BeginChallengeRequest, BeginChallengeResponse>;
    /**
     * EMAIL/SMS: sends a fresh code for the challenge. Too early:
     * RESOURCE_EXHAUSTED / RESEND_TOO_SOON.
     */
    sendCode: handleUnaryCall<SendCodeRequest, SendCodeResponse>;
    /**
     * Checks the user's answer. Failures: INVALID_ARGUMENT / CODE_MISMATCH
     * (ErrorInfo metadata attempts_left), FAILED_PRECONDITION / CODE_EXPIRED,
     * CODE_ALREADY_USED, CHALLENGE_EXPIRED, METHOD_NOT_ALLOWED, NOT_FOUND /
     * CHALLENGE_NOT_FOUND (unknown, cancelled or already completed),
     * RESOURCE_EXHAUSTED / LOCKED_OUT (metadata locked_until, RetryInfo).
     */
    verifyChallenge: handleUnaryCall<VerifyChallengeRequest, VerifyChallengeResponse>;
    /** Ends the challenge ("sign in as a different user"). */
    cancelChallenge: handleUnaryCall<CancelChallengeRequest, CancelChallengeResponse>;
    /** Revokes one trusted device, or all of a user's. */
    revokeTrustedDevices: handleUnaryCall<RevokeTrustedDevicesRequest, RevokeTrustedDevicesResponse>;
    /**
     * Step-up ("confirm it's you"): has this application session passed a
     * second factor within max_age (phishing-resistantly, when asked)? If
     * not, begins a step-up challenge bound to the session (a trusted device
     * never skips it). No usable method: FAILED_PRECONDITION / NOT_ENROLLED;
     * phishing resistance required and no passkey or security key:
     * FAILED_PRECONDITION / NO_PHISHING_RESISTANT_METHOD.
     */
    checkRecentVerification: handleUnaryCall<CheckRecentVerificationRequest, CheckRecentVerificationResponse>;
    /**
     * Forgets an application session's verification record (at sign-out).
     * Idempotent: an unknown session is not an error.
     */
    endSession: handleUnaryCall<EndSessionRequest, EndSessionResponse>;
}
export interface ChallengeServiceClient extends Client {
    /**
     * What to do with a user whose password was just accepted: ALLOW,
     * CHALLENGE, or ENROLLMENT_REQUIRED.
     */
    beginChallenge(request: BeginChallengeRequest, callback: (error: ServiceError | null, response: BeginChallengeResponse) => void): ClientUnaryCall;
    beginChallenge(request: BeginChallengeRequest, metadata: Metadata, callback: (error: ServiceError | null, response: BeginChallengeResponse) => void): ClientUnaryCall;
    beginChallenge(request: BeginChallengeRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: BeginChallengeResponse) => void): ClientUnaryCall;
    /**
     * EMAIL/SMS: sends a fresh code for the challenge. Too early:
     * RESOURCE_EXHAUSTED / RESEND_TOO_SOON.
     */
    sendCode(request: SendCodeRequest, callback: (error: ServiceError | null, response: SendCodeResponse) => void): ClientUnaryCall;
    sendCode(request: SendCodeRequest, metadata: Metadata, callback: (error: ServiceError | null, response: SendCodeResponse) => void): ClientUnaryCall;
    sendCode(request: SendCodeRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: SendCodeResponse) => void): ClientUnaryCall;
    /**
     * Checks the user's answer. Failures: INVALID_ARGUMENT / CODE_MISMATCH
     * (ErrorInfo metadata attempts_left), FAILED_PRECONDITION / CODE_EXPIRED,
     * CODE_ALREADY_USED, CHALLENGE_EXPIRED, METHOD_NOT_ALLOWED, NOT_FOUND /
     * CHALLENGE_NOT_FOUND (unknown, cancelled or already completed),
     * RESOURCE_EXHAUSTED / LOCKED_OUT (metadata locked_until, RetryInfo).
     */
    verifyChallenge(request: VerifyChallengeRequest, callback: (error: ServiceError | null, response: VerifyChallengeResponse) => void): ClientUnaryCall;
    verifyChallenge(request: VerifyChallengeRequest, metadata: Metadata, callback: (error: ServiceError | null, response: VerifyChallengeResponse) => void): ClientUnaryCall;
    verifyChallenge(request: VerifyChallengeRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: VerifyChallengeResponse) => void): ClientUnaryCall;
    /** Ends the challenge ("sign in as a different user"). */
    cancelChallenge(request: CancelChallengeRequest, callback: (error: ServiceError | null, response: CancelChallengeResponse) => void): ClientUnaryCall;
    cancelChallenge(request: CancelChallengeRequest, metadata: Metadata, callback: (error: ServiceError | null, response: CancelChallengeResponse) => void): ClientUnaryCall;
    cancelChallenge(request: CancelChallengeRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: CancelChallengeResponse) => void): ClientUnaryCall;
    /** Revokes one trusted device, or all of a user's. */
    revokeTrustedDevices(request: RevokeTrustedDevicesRequest, callback: (error: ServiceError | null, response: RevokeTrustedDevicesResponse) => void): ClientUnaryCall;
    revokeTrustedDevices(request: RevokeTrustedDevicesRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RevokeTrustedDevicesResponse) => void): ClientUnaryCall;
    revokeTrustedDevices(request: RevokeTrustedDevicesRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RevokeTrustedDevicesResponse) => void): ClientUnaryCall;
    /**
     * Step-up ("confirm it's you"): has this application session passed a
     * second factor within max_age (phishing-resistantly, when asked)? If
     * not, begins a step-up challenge bound to the session (a trusted device
     * never skips it). No usable method: FAILED_PRECONDITION / NOT_ENROLLED;
     * phishing resistance required and no passkey or security key:
     * FAILED_PRECONDITION / NO_PHISHING_RESISTANT_METHOD.
     */
    checkRecentVerification(request: CheckRecentVerificationRequest, callback: (error: ServiceError | null, response: CheckRecentVerificationResponse) => void): ClientUnaryCall;
    checkRecentVerification(request: CheckRecentVerificationRequest, metadata: Metadata, callback: (error: ServiceError | null, response: CheckRecentVerificationResponse) => void): ClientUnaryCall;
    checkRecentVerification(request: CheckRecentVerificationRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: CheckRecentVerificationResponse) => void): ClientUnaryCall;
    /**
     * Forgets an application session's verification record (at sign-out).
     * Idempotent: an unknown session is not an error.
     */
    endSession(request: EndSessionRequest, callback: (error: ServiceError | null, response: EndSessionResponse) => void): ClientUnaryCall;
    endSession(request: EndSessionRequest, metadata: Metadata, callback: (error: ServiceError | null, response: EndSessionResponse) => void): ClientUnaryCall;
    endSession(request: EndSessionRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: EndSessionResponse) => void): ClientUnaryCall;
}
export declare const ChallengeServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): ChallengeServiceClient;
    service: typeof ChallengeServiceService;
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
