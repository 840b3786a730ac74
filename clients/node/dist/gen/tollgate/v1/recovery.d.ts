import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { type CallOptions, type ChannelCredentials, Client, type ClientOptions, type ClientUnaryCall, type handleUnaryCall, type Metadata, type ServiceError, type UntypedServiceImplementation } from "@grpc/grpc-js";
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
export declare const RegenerateCodesRequest: MessageFns<RegenerateCodesRequest>;
export declare const RegenerateCodesResponse: MessageFns<RegenerateCodesResponse>;
export declare const GetRecoveryStatusRequest: MessageFns<GetRecoveryStatusRequest>;
export declare const GetRecoveryStatusResponse: MessageFns<GetRecoveryStatusResponse>;
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
export type RecoveryServiceService = typeof RecoveryServiceService;
export declare const RecoveryServiceService: {
    /**
     * A fresh set of codes; the old set is dead at once. Only when 2FA is
     * enabled: FAILED_PRECONDITION / NOT_ENROLLED otherwise.
     */
    readonly regenerateCodes: {
        readonly path: "/tollgate.v1.RecoveryService/RegenerateCodes";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: RegenerateCodesRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => RegenerateCodesRequest;
        readonly responseSerialize: (value: RegenerateCodesResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => RegenerateCodesResponse;
    };
    /** How many codes remain. */
    readonly getRecoveryStatus: {
        readonly path: "/tollgate.v1.RecoveryService/GetRecoveryStatus";
        readonly requestStream: false;
        readonly responseStream: false;
        readonly requestSerialize: (value: GetRecoveryStatusRequest) => Buffer;
        readonly requestDeserialize: (value: Buffer) => GetRecoveryStatusRequest;
        readonly responseSerialize: (value: GetRecoveryStatusResponse) => Buffer;
        readonly responseDeserialize: (value: Buffer) => GetRecoveryStatusResponse;
    };
};
export interface RecoveryServiceServer extends UntypedServiceImplementation {
    /**
     * A fresh set of codes; the old set is dead at once. Only when 2FA is
     * enabled: FAILED_PRECONDITION / NOT_ENROLLED otherwise.
     */
    regenerateCodes: handleUnaryCall<RegenerateCodesRequest, RegenerateCodesResponse>;
    /** How many codes remain. */
    getRecoveryStatus: handleUnaryCall<GetRecoveryStatusRequest, GetRecoveryStatusResponse>;
}
export interface RecoveryServiceClient extends Client {
    /**
     * A fresh set of codes; the old set is dead at once. Only when 2FA is
     * enabled: FAILED_PRECONDITION / NOT_ENROLLED otherwise.
     */
    regenerateCodes(request: RegenerateCodesRequest, callback: (error: ServiceError | null, response: RegenerateCodesResponse) => void): ClientUnaryCall;
    regenerateCodes(request: RegenerateCodesRequest, metadata: Metadata, callback: (error: ServiceError | null, response: RegenerateCodesResponse) => void): ClientUnaryCall;
    regenerateCodes(request: RegenerateCodesRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: RegenerateCodesResponse) => void): ClientUnaryCall;
    /** How many codes remain. */
    getRecoveryStatus(request: GetRecoveryStatusRequest, callback: (error: ServiceError | null, response: GetRecoveryStatusResponse) => void): ClientUnaryCall;
    getRecoveryStatus(request: GetRecoveryStatusRequest, metadata: Metadata, callback: (error: ServiceError | null, response: GetRecoveryStatusResponse) => void): ClientUnaryCall;
    getRecoveryStatus(request: GetRecoveryStatusRequest, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: GetRecoveryStatusResponse) => void): ClientUnaryCall;
}
export declare const RecoveryServiceClient: {
    new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>): RecoveryServiceClient;
    service: typeof RecoveryServiceService;
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
