import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientOptions, type ClientUnaryCall, type handleUnaryCall, type Metadata, type ServiceError, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Duration } from "../../google/protobuf/duration";
import { Method, PolicyVerdict, TotpState } from "./common";
import { ContactKind } from "./delivery";
import { TotpAlgorithm, WebAuthnCredential } from "./enrollment";
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
export declare const TotpSettings: MessageFns<TotpSettings>;
export declare const MethodList: MessageFns<MethodList>;
export declare const StringList: MessageFns<StringList>;
export declare const PolicyOverride: MessageFns<PolicyOverride>;
export declare const Policy: MessageFns<Policy>;
export declare const Policy_AudiencesEntry: MessageFns<Policy_AudiencesEntry>;
export declare const GetPolicyRequest: MessageFns<GetPolicyRequest>;
export declare const GetPolicyResponse: MessageFns<GetPolicyResponse>;
export declare const UpdatePolicyRequest: MessageFns<UpdatePolicyRequest>;
export declare const UpdatePolicyResponse: MessageFns<UpdatePolicyResponse>;
export declare const EvaluateUserRequest: MessageFns<EvaluateUserRequest>;
export declare const EvaluateUserResponse: MessageFns<EvaluateUserResponse>;
export declare const UserSummary: MessageFns<UserSummary>;
export declare const ListUsersRequest: MessageFns<ListUsersRequest>;
export declare const ListUsersResponse: MessageFns<ListUsersResponse>;
export declare const AuditEvent: MessageFns<AuditEvent>;
export declare const AuditEvent_DetailsEntry: MessageFns<AuditEvent_DetailsEntry>;
export declare const ListAuditEventsRequest: MessageFns<ListAuditEventsRequest>;
export declare const ListAuditEventsResponse: MessageFns<ListAuditEventsResponse>;
export declare const EraseUserRequest: MessageFns<EraseUserRequest>;
export declare const EraseUserResponse: MessageFns<EraseUserResponse>;
export declare const EraseUserResponse_ErasedRowsEntry: MessageFns<EraseUserResponse_ErasedRowsEntry>;
export declare const ExportUserRequest: MessageFns<ExportUserRequest>;
export declare const ExportedContact: MessageFns<ExportedContact>;
export declare const ExportedTrustedDevice: MessageFns<ExportedTrustedDevice>;
export declare const ExportUserResponse: MessageFns<ExportUserResponse>;
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
export type PolicyServiceService = typeof PolicyServiceService;
export declare const PolicyServiceService: {
    readonly getPolicy: {
        readonly path: "/tollgate.v1.PolicyService/GetPolicy";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: GetPolicyRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => GetPolicyRequest;
        readonly responseSerialize: (value: GetPolicyResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => GetPolicyResponse;
    };
    /**
     * Update with a field mask and the etag read; a concurrent update makes the
     * etag stale: ABORTED.
     */
    readonly updatePolicy: {
        readonly path: "/tollgate.v1.PolicyService/UpdatePolicy";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: UpdatePolicyRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => UpdatePolicyRequest;
        readonly responseSerialize: (value: UpdatePolicyResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => UpdatePolicyResponse;
    };
    /** Whether policy requires 2FA of a user, and where the user stands. */
    readonly evaluateUser: {
        readonly path: "/tollgate.v1.PolicyService/EvaluateUser";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: EvaluateUserRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => EvaluateUserRequest;
        readonly responseSerialize: (value: EvaluateUserResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => EvaluateUserResponse;
    };
    /** Users of a tenant with their 2FA state, filterable, paginated. */
    readonly listUsers: {
        readonly path: "/tollgate.v1.PolicyService/ListUsers";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListUsersRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListUsersRequest;
        readonly responseSerialize: (value: ListUsersResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListUsersResponse;
    };
    /** Who did what to whom and when, paginated. */
    readonly listAuditEvents: {
        readonly path: "/tollgate.v1.PolicyService/ListAuditEvents";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListAuditEventsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListAuditEventsRequest;
        readonly responseSerialize: (value: ListAuditEventsResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListAuditEventsResponse;
    };
    /**
     * Erases everything tollgate holds about one user of one tenant, in one
     * transaction: credentials, recovery codes, contacts, trusted devices,
     * challenges, outbox messages, lockout, the user row and their earlier
     * audit events. One audit event `user.erased` (actor, caller, counts)
     * stays. A user tollgate holds nothing about: OK, nothing erased.
     */
    readonly eraseUser: {
        readonly path: "/tollgate.v1.PolicyService/EraseUser";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: EraseUserRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => EraseUserRequest;
        readonly responseSerialize: (value: EraseUserResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => EraseUserResponse;
    };
    /**
     * A user's 2FA state for a data-access request, without secrets: methods,
     * TOTP state, passkeys, masked contacts, trusted devices, recovery-code
     * counts, lockout and recent audit events. Audited as `user.exported`.
     */
    readonly exportUser: {
        readonly path: "/tollgate.v1.PolicyService/ExportUser";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ExportUserRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ExportUserRequest;
        readonly responseSerialize: (value: ExportUserResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ExportUserResponse;
    };
};
export interface PolicyServiceServer extends UntypedServiceImplementation {
    getPolicy: handleUnaryCall<GetPolicyRequest, GetPolicyResponse>;
    /**
     * Update with a field mask and the etag read; a concurrent update makes the
     * etag stale: ABORTED.
     */
    updatePolicy: handleUnaryCall<UpdatePolicyRequest, UpdatePolicyResponse>;
    /** Whether policy requires 2FA of a user, and where the user stands. */
    evaluateUser: handleUnaryCall<EvaluateUserRequest, EvaluateUserResponse>;
    /** Users of a tenant with their 2FA state, filterable, paginated. */
    listUsers: handleUnaryCall<ListUsersRequest, ListUsersResponse>;
    /** Who did what to whom and when, paginated. */
    listAuditEvents: handleUnaryCall<ListAuditEventsRequest, ListAuditEventsResponse>;
    /**
     * Erases everything tollgate holds about one user of one tenant, in one
     * transaction: credentials, recovery codes, contacts, trusted devices,
     * challenges, outbox messages, lockout, the user row and their earlier
     * audit events. One audit event `user.erased` (actor, caller, counts)
     * stays. A user tollgate holds nothing about: OK, nothing erased.
     */
    eraseUser: handleUnaryCall<EraseUserRequest, EraseUserResponse>;
    /**
     * A user's 2FA state for a data-access request, without secrets: methods,
     * TOTP state, passkeys, masked contacts, trusted devices, recovery-code
     * counts, lockout and recent audit events. Audited as `user.exported`.
     */
    exportUser: handleUnaryCall<ExportUserRequest, ExportUserResponse>;
}
export interface PolicyServiceClient extends Client {
    getPolicy(request: GetPolicyRequest, callback: (error: ServiceError | null, response: GetPolicyResponse) => void): ClientUnaryCall;
    getPolicy(request: GetPolicyRequest, metadata: Metadata, callback: (error: ServiceError | null, response: GetPolicyResponse) => void): ClientUnaryCall;
    getPolicy(request: GetPolicyRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: GetPolicyResponse) => void): ClientUnaryCall;
    /**
     * Update with a field mask and the etag read; a concurrent update makes the
     * etag stale: ABORTED.
     */
    updatePolicy(request: UpdatePolicyRequest, callback: (error: ServiceError | null, response: UpdatePolicyResponse) => void): ClientUnaryCall;
    updatePolicy(request: UpdatePolicyRequest, metadata: Metadata, callback: (error: ServiceError | null, response: UpdatePolicyResponse) => void): ClientUnaryCall;
    updatePolicy(request: UpdatePolicyRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: UpdatePolicyResponse) => void): ClientUnaryCall;
    /** Whether policy requires 2FA of a user, and where the user stands. */
    evaluateUser(request: EvaluateUserRequest, callback: (error: ServiceError | null, response: EvaluateUserResponse) => void): ClientUnaryCall;
    evaluateUser(request: EvaluateUserRequest, metadata: Metadata, callback: (error: ServiceError | null, response: EvaluateUserResponse) => void): ClientUnaryCall;
    evaluateUser(request: EvaluateUserRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: EvaluateUserResponse) => void): ClientUnaryCall;
    /** Users of a tenant with their 2FA state, filterable, paginated. */
    listUsers(request: ListUsersRequest, callback: (error: ServiceError | null, response: ListUsersResponse) => void): ClientUnaryCall;
    listUsers(request: ListUsersRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListUsersResponse) => void): ClientUnaryCall;
    listUsers(request: ListUsersRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListUsersResponse) => void): ClientUnaryCall;
    /** Who did what to whom and when, paginated. */
    listAuditEvents(request: ListAuditEventsRequest, callback: (error: ServiceError | null, response: ListAuditEventsResponse) => void): ClientUnaryCall;
    listAuditEvents(request: ListAuditEventsRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListAuditEventsResponse) => void): ClientUnaryCall;
    listAuditEvents(request: ListAuditEventsRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListAuditEventsResponse) => void): ClientUnaryCall;
    /**
     * Erases everything tollgate holds about one user of one tenant, in one
     * transaction: credentials, recovery codes, contacts, trusted devices,
     * challenges, outbox messages, lockout, the user row and their earlier
     * audit events. One audit event `user.erased` (actor, caller, counts)
     * stays. A user tollgate holds nothing about: OK, nothing erased.
     */
    eraseUser(request: EraseUserRequest, callback: (error: ServiceError | null, response: EraseUserResponse) => void): ClientUnaryCall;
    eraseUser(request: EraseUserRequest, metadata: Metadata, callback: (error: ServiceError | null, response: EraseUserResponse) => void): ClientUnaryCall;
    eraseUser(request: EraseUserRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: EraseUserResponse) => void): ClientUnaryCall;
    /**
     * A user's 2FA state for a data-access request, without secrets: methods,
     * TOTP state, passkeys, masked contacts, trusted devices, recovery-code
     * counts, lockout and recent audit events. Audited as `user.exported`.
     */
    exportUser(request: ExportUserRequest, callback: (error: ServiceError | null, response: ExportUserResponse) => void): ClientUnaryCall;
    exportUser(request: ExportUserRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ExportUserResponse) => void): ClientUnaryCall;
    exportUser(request: ExportUserRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ExportUserResponse) => void): ClientUnaryCall;
}
export declare const PolicyServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): PolicyServiceClient;
    service: typeof PolicyServiceService;
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
