import * as grpc from "@grpc/grpc-js";
import { ChallengeServiceDefinition } from "./gen/tollgate/v1/challenge";
import { DeliveryServiceDefinition } from "./gen/tollgate/v1/delivery";
import { EnrollmentServiceDefinition } from "./gen/tollgate/v1/enrollment";
import { PolicyServiceDefinition } from "./gen/tollgate/v1/policy";
import { RecoveryServiceDefinition } from "./gen/tollgate/v1/recovery";
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
    /** Extra @grpc/grpc-js channel options. */
    channelOptions?: grpc.ChannelOptions;
}
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
type Builtin = Date | Function | Uint8Array | string | number | boolean | undefined;
/** A message with every field optional, at every depth: what a request may be given as. */
export type PartialMessage<T> = T extends Builtin ? T : T extends ReadonlyArray<infer U> ? ReadonlyArray<PartialMessage<U>> : T extends object ? {
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
    /** Use connect(). */
    constructor(target: string, credentials: grpc.ChannelCredentials, options: CommonOptions & {
        channelOptions: grpc.ChannelOptions;
    });
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
export {};
