import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientOptions, type ClientReadableStream, type ClientUnaryCall, type handleServerStreamingCall, type handleUnaryCall, type Metadata, type ServiceError, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { Method } from "./common";
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
export declare const SecurityNotice: MessageFns<SecurityNotice>;
export declare const Contact: MessageFns<Contact>;
export declare const RegisterContactRequest: MessageFns<RegisterContactRequest>;
export declare const RegisterContactResponse: MessageFns<RegisterContactResponse>;
export declare const SendConfirmationRequest: MessageFns<SendConfirmationRequest>;
export declare const SendConfirmationResponse: MessageFns<SendConfirmationResponse>;
export declare const ResendConfirmationsRequest: MessageFns<ResendConfirmationsRequest>;
export declare const ResendConfirmationsResponse: MessageFns<ResendConfirmationsResponse>;
export declare const ConfirmContactRequest: MessageFns<ConfirmContactRequest>;
export declare const ConfirmContactResponse: MessageFns<ConfirmContactResponse>;
export declare const ListContactsRequest: MessageFns<ListContactsRequest>;
export declare const ListContactsResponse: MessageFns<ListContactsResponse>;
export declare const StreamOutboxRequest: MessageFns<StreamOutboxRequest>;
export declare const OutboxMessage: MessageFns<OutboxMessage>;
export declare const AckMessageRequest: MessageFns<AckMessageRequest>;
export declare const AckMessageResponse: MessageFns<AckMessageResponse>;
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
export type DeliveryServiceService = typeof DeliveryServiceService;
export declare const DeliveryServiceService: {
    /**
     * Sets the user's email address or phone number (E.164). A new or changed
     * contact is unconfirmed. Invalid address: INVALID_ARGUMENT.
     */
    readonly registerContact: {
        readonly path: "/tollgate.v1.DeliveryService/RegisterContact";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RegisterContactRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RegisterContactRequest;
        readonly responseSerialize: (value: RegisterContactResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RegisterContactResponse;
    };
    /**
     * Sends (again) the confirmation message to one user's contact. Again
     * within the policy's resend cool-down (30 s by default) of the last one:
     * RESEND_TOO_SOON with metadata available_at.
     */
    readonly sendConfirmation: {
        readonly path: "/tollgate.v1.DeliveryService/SendConfirmation";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: SendConfirmationRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => SendConfirmationRequest;
        readonly responseSerialize: (value: SendConfirmationResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => SendConfirmationResponse;
    };
    /**
     * Sends confirmation messages to every unconfirmed contact among the given
     * users, or the whole tenant, skipping those sent one within the cool-down.
     */
    readonly resendConfirmations: {
        readonly path: "/tollgate.v1.DeliveryService/ResendConfirmations";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ResendConfirmationsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ResendConfirmationsRequest;
        readonly responseSerialize: (value: ResendConfirmationsResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ResendConfirmationsResponse;
    };
    /** Confirms a contact with the token (link) or code from the message. */
    readonly confirmContact: {
        readonly path: "/tollgate.v1.DeliveryService/ConfirmContact";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ConfirmContactRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ConfirmContactRequest;
        readonly responseSerialize: (value: ConfirmContactResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ConfirmContactResponse;
    };
    /** A user's contacts, masked. */
    readonly listContacts: {
        readonly path: "/tollgate.v1.DeliveryService/ListContacts";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: ListContactsRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => ListContactsRequest;
        readonly responseSerialize: (value: ListContactsResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => ListContactsResponse;
    };
    /** Messages to send, for applications that deliver them themselves. */
    readonly streamOutbox: {
        readonly path: "/tollgate.v1.DeliveryService/StreamOutbox";
        readonly requestStream: false;
        readonly responseStream: true;
        readonly requestSerialize: (value: StreamOutboxRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => StreamOutboxRequest;
        readonly responseSerialize: (value: OutboxMessage) => Buffer;
        readonly responseDeserialize: (value: Buffer) => OutboxMessage;
    };
    /** Marks an outbox message as sent. */
    readonly ackMessage: {
        readonly path: "/tollgate.v1.DeliveryService/AckMessage";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: AckMessageRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => AckMessageRequest;
        readonly responseSerialize: (value: AckMessageResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => AckMessageResponse;
    };
};
export interface DeliveryServiceServer extends UntypedServiceImplementation {
    /**
     * Sets the user's email address or phone number (E.164). A new or changed
     * contact is unconfirmed. Invalid address: INVALID_ARGUMENT.
     */
    registerContact: handleUnaryCall<RegisterContactRequest, RegisterContactResponse>;
    /**
     * Sends (again) the confirmation message to one user's contact. Again
     * within the policy's resend cool-down (30 s by default) of the last one:
     * RESEND_TOO_SOON with metadata available_at.
     */
    sendConfirmation: handleUnaryCall<SendConfirmationRequest, SendConfirmationResponse>;
    /**
     * Sends confirmation messages to every unconfirmed contact among the given
     * users, or the whole tenant, skipping those sent one within the cool-down.
     */
    resendConfirmations: handleUnaryCall<ResendConfirmationsRequest, ResendConfirmationsResponse>;
    /** Confirms a contact with the token (link) or code from the message. */
    confirmContact: handleUnaryCall<ConfirmContactRequest, ConfirmContactResponse>;
    /** A user's contacts, masked. */
    listContacts: handleUnaryCall<ListContactsRequest, ListContactsResponse>;
    /** Messages to send, for applications that deliver them themselves. */
    streamOutbox: handleServerStreamingCall<StreamOutboxRequest, OutboxMessage>;
    /** Marks an outbox message as sent. */
    ackMessage: handleUnaryCall<AckMessageRequest, AckMessageResponse>;
}
export interface DeliveryServiceClient extends Client {
    /**
     * Sets the user's email address or phone number (E.164). A new or changed
     * contact is unconfirmed. Invalid address: INVALID_ARGUMENT.
     */
    registerContact(request: RegisterContactRequest, callback: (error: ServiceError | null, response: RegisterContactResponse) => void): ClientUnaryCall;
    registerContact(request: RegisterContactRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RegisterContactResponse) => void): ClientUnaryCall;
    registerContact(request: RegisterContactRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RegisterContactResponse) => void): ClientUnaryCall;
    /**
     * Sends (again) the confirmation message to one user's contact. Again
     * within the policy's resend cool-down (30 s by default) of the last one:
     * RESEND_TOO_SOON with metadata available_at.
     */
    sendConfirmation(request: SendConfirmationRequest, callback: (error: ServiceError | null, response: SendConfirmationResponse) => void): ClientUnaryCall;
    sendConfirmation(request: SendConfirmationRequest, metadata: Metadata, callback: (error: ServiceError | null, response: SendConfirmationResponse) => void): ClientUnaryCall;
    sendConfirmation(request: SendConfirmationRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: SendConfirmationResponse) => void): ClientUnaryCall;
    /**
     * Sends confirmation messages to every unconfirmed contact among the given
     * users, or the whole tenant, skipping those sent one within the cool-down.
     */
    resendConfirmations(request: ResendConfirmationsRequest, callback: (error: ServiceError | null, response: ResendConfirmationsResponse) => void): ClientUnaryCall;
    resendConfirmations(request: ResendConfirmationsRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ResendConfirmationsResponse) => void): ClientUnaryCall;
    resendConfirmations(request: ResendConfirmationsRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ResendConfirmationsResponse) => void): ClientUnaryCall;
    /** Confirms a contact with the token (link) or code from the message. */
    confirmContact(request: ConfirmContactRequest, callback: (error: ServiceError | null, response: ConfirmContactResponse) => void): ClientUnaryCall;
    confirmContact(request: ConfirmContactRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ConfirmContactResponse) => void): ClientUnaryCall;
    confirmContact(request: ConfirmContactRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ConfirmContactResponse) => void): ClientUnaryCall;
    /** A user's contacts, masked. */
    listContacts(request: ListContactsRequest, callback: (error: ServiceError | null, response: ListContactsResponse) => void): ClientUnaryCall;
    listContacts(request: ListContactsRequest, metadata: Metadata, callback: (error: ServiceError | null, response: ListContactsResponse) => void): ClientUnaryCall;
    listContacts(request: ListContactsRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: ListContactsResponse) => void): ClientUnaryCall;
    /** Messages to send, for applications that deliver them themselves. */
    streamOutbox(request: StreamOutboxRequest, options?: Partial<CallOptions>): ClientReadableStream<OutboxMessage>;
    streamOutbox(request: StreamOutboxRequest, metadata?: Metadata, options?: Partial<CallOptions>): ClientReadableStream<OutboxMessage>;
    /** Marks an outbox message as sent. */
    ackMessage(request: AckMessageRequest, callback: (error: ServiceError | null, response: AckMessageResponse) => void): ClientUnaryCall;
    ackMessage(request: AckMessageRequest, metadata: Metadata, callback: (error: ServiceError | null, response: AckMessageResponse) => void): ClientUnaryCall;
    ackMessage(request: AckMessageRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: AckMessageResponse) => void): ClientUnaryCall;
}
export declare const DeliveryServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): DeliveryServiceClient;
    service: typeof DeliveryServiceService;
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
