import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Any } from "../protobuf/any";
/**
 * google.rpc.Status: the message a gRPC server sends, serialised, in the
 * `grpc-status-details-bin` trailer. A minimal copy of
 * https://github.com/googleapis/googleapis/blob/master/google/rpc/status.proto
 * (the same fields and numbers, which Google has kept unchanged since 2015),
 * so that this example needs no package shipping the whole of googleapis.
 * ErrorInfo, RetryInfo and BadRequest come from tollgate's own
 * proto/google/rpc/error_details.proto.
 */
export interface Status {
    /** The gRPC status code (google.rpc.Code). */
    code: number;
    /** A developer-facing message, in English. */
    message: string;
    /**
     * Error details: for tollgate, a google.rpc.ErrorInfo (domain "tollgate",
     * reason, metadata), sometimes a BadRequest or RetryInfo.
     */
    details: Any[];
}
export declare const Status: MessageFns<Status>;
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
