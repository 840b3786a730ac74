// connect() and Client: one gRPC channel to tollgate (its Unix socket, or TCP
// with or without TLS) and the five services on it as promise-based methods.
// The methods are made at run time from ts-proto's generic service
// definitions and typed from the same definitions, so a new RPC in proto/
// reaches the client by regenerating, with no hand-written method to add.
//
// @grpc/grpc-js is bundled into dist/index.js (see build.mjs), so nothing
// public here may name its types: the published declarations must stand on
// their own. Its classes stay inside; options cross as plain values.
import * as path from "node:path";

import * as grpc from "@grpc/grpc-js";

import { TollgateError } from "./errors";
import { ChallengeServiceDefinition } from "./gen/tollgate/v1/challenge";
import { DeliveryServiceDefinition } from "./gen/tollgate/v1/delivery";
import { EnrollmentServiceDefinition } from "./gen/tollgate/v1/enrollment";
import { PolicyServiceDefinition } from "./gen/tollgate/v1/policy";
import { RecoveryServiceDefinition } from "./gen/tollgate/v1/recovery";

/** This package's version: the tollgate server version it was made for. */
export const VERSION: string = (require("../package.json") as { version: string }).version;

/** How long a call may take unless connect() or the call says otherwise. */
export const DEFAULT_TIMEOUT_MS = 10_000;

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

type Builtin = Date | Function | Uint8Array | string | number | boolean | undefined;

/** A message with every field optional, at every depth: what a request may be given as. */
export type PartialMessage<T> = T extends Builtin
  ? T
  : T extends ReadonlyArray<infer U>
    ? ReadonlyArray<PartialMessage<U>>
    : T extends object
      ? { [K in keyof T]?: PartialMessage<T[K]> }
      : Partial<T>;

interface MessageType<T> {
  encode(message: T): { finish(): Uint8Array };
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
  readonly methods: { readonly [key: string]: MethodDefinition };
}

type RequestOf<M> = M extends { requestType: { decode(input: Uint8Array): infer T } } ? T : never;
type ResponseOf<M> = M extends { responseType: { decode(input: Uint8Array): infer T } } ? T : never;

/**
 * A service's methods: a unary RPC resolves with its response; a
 * server-streaming one (StreamOutbox) is an async iterable of messages.
 */
export type ServiceClient<D extends ServiceDefinition> = {
  readonly [K in keyof D["methods"]]: D["methods"][K] extends { responseStream: true }
    ? (request?: PartialMessage<RequestOf<D["methods"][K]>>, options?: CallOptions) => AsyncIterable<ResponseOf<D["methods"][K]>>
    : (request?: PartialMessage<RequestOf<D["methods"][K]>>, options?: CallOptions) => Promise<ResponseOf<D["methods"][K]>>;
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

// What every call of one Client shares.
interface Channel {
  readonly grpc: grpc.Client;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  // Open StreamOutbox calls, cancelled by close() so that a process can end.
  readonly streams: Set<grpc.ClientReadableStream<unknown>>;
  closed: boolean;
}

/** A connection to tollgate. Make one with connect(), share it, close() it at the end. */
export class Client {
  readonly enrollment: EnrollmentClient;
  readonly challenge: ChallengeClient;
  readonly recovery: RecoveryClient;
  readonly policy: PolicyClient;
  readonly delivery: DeliveryClient;
  private readonly channel: Channel;

  /** Connects to tollgate: the same as connect(options). */
  constructor(options: ConnectOptions) {
    this.channel = openChannel(options);
    this.enrollment = bindService(EnrollmentServiceDefinition, this.channel);
    this.challenge = bindService(ChallengeServiceDefinition, this.channel);
    this.recovery = bindService(RecoveryServiceDefinition, this.channel);
    this.policy = bindService(PolicyServiceDefinition, this.channel);
    this.delivery = bindService(DeliveryServiceDefinition, this.channel);
  }

  /**
   * Resolves once the channel is connected (it connects by itself on the
   * first call; this is for start-up checks). Rejects after timeoutMs with
   * a TollgateError (UNAVAILABLE, no reason), like a call would.
   */
  waitForReady(timeoutMs: number = this.channel.timeoutMs): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.channel.closed) return reject(closedError());
      this.channel.grpc.waitForReady(deadline(timeoutMs), (error) =>
        error
          ? reject(new TollgateError({ code: grpc.status.UNAVAILABLE, message: `tollgate did not answer within ${timeoutMs} ms` }))
          : resolve(),
      );
    });
  }

  /**
   * Closes the channel: calls in flight finish, new ones fail, open
   * StreamOutbox iterations end (without an error).
   */
  close(): void {
    this.channel.closed = true;
    for (const stream of this.channel.streams) stream.cancel();
    this.channel.grpc.close();
  }
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
export function connect(options: ConnectOptions): Client {
  return new Client(options);
}

// The checked options as a grpc-js channel, for Client's constructor.
function openChannel(options: ConnectOptions): Channel {
  if (options === null || typeof options !== "object") throw new TypeError("connect: options must be an object");
  const { socket, address, apiKey, timeoutMs } = options;
  if ((socket === undefined) === (address === undefined)) {
    throw new TypeError("connect: give either socket (a Unix socket path) or address (host:port)");
  }
  if (apiKey !== undefined && (typeof apiKey !== "string" || !/^[\x21-\x7e]+$/.test(apiKey))) {
    // The key itself is never part of the message.
    throw new TypeError("connect: apiKey must be a non-empty string of printable ASCII without spaces");
  }
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0)) {
    throw new TypeError("connect: timeoutMs must be a positive number of milliseconds (or Infinity)");
  }
  const channelOptions: grpc.ChannelOptions = {
    "grpc.primary_user_agent": `tollgate-client-node/${VERSION}`,
    ...options.channelOptions,
  };
  const channel = (target: string, credentials: grpc.ChannelCredentials): Channel => ({
    grpc: new grpc.Client(target, credentials, channelOptions),
    apiKey,
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
    streams: new Set(),
    closed: false,
  });
  if (socket !== undefined) {
    if (typeof socket !== "string" || socket === "") throw new TypeError("connect: socket must be a path");
    // grpc-js sends "localhost" as the :authority of a unix: target, which
    // tollgate accepts (C-core clients send the path, which it refuses).
    return channel(`unix://${path.resolve(socket)}`, grpc.credentials.createInsecure());
  }
  if (typeof address !== "string" || address === "") throw new TypeError("connect: address must be host:port");
  const tls = options.tls ?? {};
  if (tls === false) return channel(address, grpc.credentials.createInsecure());
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TypeError("connect: tls.cert and tls.key go together (mutual TLS)");
  }
  if (tls.serverName !== undefined) {
    channelOptions["grpc.ssl_target_name_override"] = tls.serverName;
    channelOptions["grpc.default_authority"] ??= tls.serverName;
  }
  return channel(address, grpc.credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert)));
}

function pem(value: string | Buffer | undefined): Buffer | null {
  return value === undefined ? null : Buffer.from(value);
}

function deadline(timeoutMs: number): grpc.Deadline {
  return timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
}

function bindService<D extends ServiceDefinition>(definition: D, channel: Channel): ServiceClient<D> {
  const methods: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    const rpcPath = `/${definition.fullName}/${method.name}`;
    methods[key] = method.responseStream
      ? (request?: object, options?: CallOptions) => serverStream(channel, rpcPath, method, request, options)
      : (request?: object, options?: CallOptions) => unary(channel, rpcPath, method, request, options);
  }
  return Object.freeze(methods) as ServiceClient<D>;
}

// The request's bytes, made before the call so that a request of the wrong
// shape fails here, with a message that names the RPC and not the values
// (Node's own messages quote them, and a value may be a code or a secret).
function encodeRequest(method: MethodDefinition, request: object | undefined): Buffer {
  if (request !== undefined && (request === null || typeof request !== "object")) {
    throw new TypeError(`tollgate ${method.name}: the request must be an object`);
  }
  try {
    return Buffer.from(method.requestType.encode(method.requestType.fromPartial(request ?? {})).finish());
  } catch {
    throw new TypeError(`tollgate ${method.name}: a request field has the wrong type`);
  }
}

function callMetadata(channel: Channel): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (channel.apiKey !== undefined) metadata.set("authorization", `Bearer ${channel.apiKey}`);
  return metadata;
}

const passBytes = (bytes: Buffer): Buffer => bytes;

// grpc-js throws a plain Error for a call on a closed channel; the client's
// callers get the status other clients give for it.
function closedError(): TollgateError {
  return new TollgateError({ code: grpc.status.UNAVAILABLE, message: "the tollgate client is closed" });
}

function unary(
  channel: Channel,
  rpcPath: string,
  method: MethodDefinition,
  request: object | undefined,
  options: CallOptions = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const bytes = encodeRequest(method, request);
    const { signal } = options;
    if (signal?.aborted) return reject(signal.reason);
    if (channel.closed) return reject(closedError());
    const call = channel.grpc.makeUnaryRequest(
      rpcPath,
      passBytes,
      (response: Buffer) => method.responseType.decode(response),
      bytes,
      callMetadata(channel),
      { deadline: deadline(options.timeoutMs ?? channel.timeoutMs) },
      (error, response) => {
        signal?.removeEventListener("abort", onAbort);
        if (error && signal?.aborted) reject(signal.reason);
        else if (error) reject(TollgateError.from(error));
        else resolve(response);
      },
    );
    function onAbort(): void {
      call.cancel();
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function serverStream(
  channel: Channel,
  rpcPath: string,
  method: MethodDefinition,
  request: object | undefined,
  options: CallOptions = {},
): AsyncIterable<unknown> {
  return (async function* messages() {
    const bytes = encodeRequest(method, request);
    const { signal } = options;
    if (signal?.aborted) throw signal.reason;
    if (channel.closed) throw closedError();
    const call = channel.grpc.makeServerStreamRequest(
      rpcPath,
      passBytes,
      (response: Buffer) => method.responseType.decode(response),
      bytes,
      callMetadata(channel),
      // A stream has no deadline unless this call asks for one.
      { deadline: options.timeoutMs === undefined ? Infinity : deadline(options.timeoutMs) },
    );
    // The status after a cancel() arrives as an 'error' event; with the
    // iteration already over, nobody else would listen.
    call.on("error", () => {});
    const onAbort = () => call.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    channel.streams.add(call);
    try {
      for await (const message of call) yield message;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (channel.closed && (error as Partial<grpc.ServiceError>).code === grpc.status.CANCELLED) return;
      throw TollgateError.from(error);
    } finally {
      signal?.removeEventListener("abort", onAbort);
      channel.streams.delete(call);
      call.cancel();
    }
  })();
}
