"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.Client = exports.DEFAULT_TIMEOUT_MS = exports.VERSION = void 0;
exports.connect = connect;
// connect() and Client: one gRPC channel to tollgate (its Unix socket, or TCP
// with or without TLS) and the five services on it as promise-based methods.
// The methods are made at run time from ts-proto's generic service
// definitions and typed from the same definitions, so a new RPC in proto/
// reaches the client by regenerating, with no hand-written method to add.
const path = __importStar(require("node:path"));
const grpc = __importStar(require("@grpc/grpc-js"));
const errors_1 = require("./errors");
const challenge_1 = require("./gen/tollgate/v1/challenge");
const delivery_1 = require("./gen/tollgate/v1/delivery");
const enrollment_1 = require("./gen/tollgate/v1/enrollment");
const policy_1 = require("./gen/tollgate/v1/policy");
const recovery_1 = require("./gen/tollgate/v1/recovery");
/** This package's version: the tollgate server version it was made for. */
exports.VERSION = require("../package.json").version;
/** How long a call may take unless connect() or the call says otherwise. */
exports.DEFAULT_TIMEOUT_MS = 10_000;
/** A connection to tollgate. Make one with connect(), share it, close() it at the end. */
class Client {
    enrollment;
    challenge;
    recovery;
    policy;
    delivery;
    channel;
    /** Use connect(). */
    constructor(target, credentials, options) {
        this.channel = {
            grpc: new grpc.Client(target, credentials, options.channelOptions),
            apiKey: options.apiKey,
            timeoutMs: options.timeoutMs ?? exports.DEFAULT_TIMEOUT_MS,
            streams: new Set(),
            closed: false,
        };
        this.enrollment = bindService(enrollment_1.EnrollmentServiceDefinition, this.channel);
        this.challenge = bindService(challenge_1.ChallengeServiceDefinition, this.channel);
        this.recovery = bindService(recovery_1.RecoveryServiceDefinition, this.channel);
        this.policy = bindService(policy_1.PolicyServiceDefinition, this.channel);
        this.delivery = bindService(delivery_1.DeliveryServiceDefinition, this.channel);
    }
    /**
     * Resolves once the channel is connected (it connects by itself on the
     * first call; this is for start-up checks). Rejects after timeoutMs with
     * a TollgateError (UNAVAILABLE, no reason), like a call would.
     */
    waitForReady(timeoutMs = this.channel.timeoutMs) {
        return new Promise((resolve, reject) => {
            if (this.channel.closed)
                return reject(closedError());
            this.channel.grpc.waitForReady(deadline(timeoutMs), (error) => error
                ? reject(new errors_1.TollgateError({ code: grpc.status.UNAVAILABLE, message: `tollgate did not answer within ${timeoutMs} ms` }))
                : resolve());
        });
    }
    /**
     * Closes the channel: calls in flight finish, new ones fail, open
     * StreamOutbox iterations end (without an error).
     */
    close() {
        this.channel.closed = true;
        for (const stream of this.channel.streams)
            stream.cancel();
        this.channel.grpc.close();
    }
}
exports.Client = Client;
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
function connect(options) {
    if (options === null || typeof options !== "object")
        throw new TypeError("connect: options must be an object");
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
    const channelOptions = {
        "grpc.primary_user_agent": `tollgate-client-node/${exports.VERSION}`,
        ...options.channelOptions,
    };
    if (socket !== undefined) {
        if (typeof socket !== "string" || socket === "")
            throw new TypeError("connect: socket must be a path");
        // grpc-js sends "localhost" as the :authority of a unix: target, which
        // tollgate accepts (C-core clients send the path, which it refuses).
        return new Client(`unix://${path.resolve(socket)}`, grpc.credentials.createInsecure(), {
            apiKey,
            timeoutMs,
            channelOptions,
        });
    }
    if (typeof address !== "string" || address === "")
        throw new TypeError("connect: address must be host:port");
    const tls = options.tls ?? {};
    if (tls === false) {
        return new Client(address, grpc.credentials.createInsecure(), { apiKey, timeoutMs, channelOptions });
    }
    if ((tls.cert === undefined) !== (tls.key === undefined)) {
        throw new TypeError("connect: tls.cert and tls.key go together (mutual TLS)");
    }
    if (tls.serverName !== undefined) {
        channelOptions["grpc.ssl_target_name_override"] = tls.serverName;
        channelOptions["grpc.default_authority"] ??= tls.serverName;
    }
    const credentials = grpc.credentials.createSsl(pem(tls.ca), pem(tls.key), pem(tls.cert));
    return new Client(address, credentials, { apiKey, timeoutMs, channelOptions });
}
function pem(value) {
    return value === undefined ? null : Buffer.from(value);
}
function deadline(timeoutMs) {
    return timeoutMs === Infinity ? Infinity : Date.now() + timeoutMs;
}
function bindService(definition, channel) {
    const methods = {};
    for (const [key, method] of Object.entries(definition.methods)) {
        const rpcPath = `/${definition.fullName}/${method.name}`;
        methods[key] = method.responseStream
            ? (request, options) => serverStream(channel, rpcPath, method, request, options)
            : (request, options) => unary(channel, rpcPath, method, request, options);
    }
    return Object.freeze(methods);
}
// The request's bytes, made before the call so that a request of the wrong
// shape fails here, with a message that names the RPC and not the values
// (Node's own messages quote them, and a value may be a code or a secret).
function encodeRequest(method, request) {
    if (request !== undefined && (request === null || typeof request !== "object")) {
        throw new TypeError(`tollgate ${method.name}: the request must be an object`);
    }
    try {
        return Buffer.from(method.requestType.encode(method.requestType.fromPartial(request ?? {})).finish());
    }
    catch {
        throw new TypeError(`tollgate ${method.name}: a request field has the wrong type`);
    }
}
function callMetadata(channel) {
    const metadata = new grpc.Metadata();
    if (channel.apiKey !== undefined)
        metadata.set("authorization", `Bearer ${channel.apiKey}`);
    return metadata;
}
const passBytes = (bytes) => bytes;
// grpc-js throws a plain Error for a call on a closed channel; the client's
// callers get the status other clients give for it.
function closedError() {
    return new errors_1.TollgateError({ code: grpc.status.UNAVAILABLE, message: "the tollgate client is closed" });
}
function unary(channel, rpcPath, method, request, options = {}) {
    return new Promise((resolve, reject) => {
        const bytes = encodeRequest(method, request);
        const { signal } = options;
        if (signal?.aborted)
            return reject(signal.reason);
        if (channel.closed)
            return reject(closedError());
        const call = channel.grpc.makeUnaryRequest(rpcPath, passBytes, (response) => method.responseType.decode(response), bytes, callMetadata(channel), { deadline: deadline(options.timeoutMs ?? channel.timeoutMs) }, (error, response) => {
            signal?.removeEventListener("abort", onAbort);
            if (error && signal?.aborted)
                reject(signal.reason);
            else if (error)
                reject(errors_1.TollgateError.from(error));
            else
                resolve(response);
        });
        function onAbort() {
            call.cancel();
        }
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}
function serverStream(channel, rpcPath, method, request, options = {}) {
    return (async function* messages() {
        const bytes = encodeRequest(method, request);
        const { signal } = options;
        if (signal?.aborted)
            throw signal.reason;
        if (channel.closed)
            throw closedError();
        const call = channel.grpc.makeServerStreamRequest(rpcPath, passBytes, (response) => method.responseType.decode(response), bytes, callMetadata(channel), 
        // A stream has no deadline unless this call asks for one.
        { deadline: options.timeoutMs === undefined ? Infinity : deadline(options.timeoutMs) });
        // The status after a cancel() arrives as an 'error' event; with the
        // iteration already over, nobody else would listen.
        call.on("error", () => { });
        const onAbort = () => call.cancel();
        signal?.addEventListener("abort", onAbort, { once: true });
        channel.streams.add(call);
        try {
            for await (const message of call)
                yield message;
        }
        catch (error) {
            if (signal?.aborted)
                throw signal.reason;
            if (channel.closed && error.code === grpc.status.CANCELLED)
                return;
            throw errors_1.TollgateError.from(error);
        }
        finally {
            signal?.removeEventListener("abort", onAbort);
            channel.streams.delete(call);
            call.cancel();
        }
    })();
}
