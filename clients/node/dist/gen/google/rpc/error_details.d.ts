import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Duration } from "../protobuf/duration";
/**
 * The google.rpc error detail messages tollgate attaches to failing
 * statuses, declared here (wire-compatible, the fields tollgate uses) so
 * that server reflection can describe them and grpcurl prints them.
 */
/** Why a call failed: a stable reason, the domain "tollgate", and details. */
export interface ErrorInfo {
    reason: string;
    domain: string;
    metadata: {
        [key: string]: string;
    };
}
export interface ErrorInfo_MetadataEntry {
    key: string;
    value: string;
}
/** When to retry (lockouts, resend cool-downs). */
export interface RetryInfo {
    retryDelay: Duration | undefined;
}
/** Which request fields were invalid, and why. */
export interface BadRequest {
    fieldViolations: BadRequest_FieldViolation[];
}
export interface BadRequest_FieldViolation {
    field: string;
    description: string;
}
export declare const ErrorInfo: MessageFns<ErrorInfo>;
export declare const ErrorInfo_MetadataEntry: MessageFns<ErrorInfo_MetadataEntry>;
export declare const RetryInfo: MessageFns<RetryInfo>;
export declare const BadRequest: MessageFns<BadRequest>;
export declare const BadRequest_FieldViolation: MessageFns<BadRequest_FieldViolation>;
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
