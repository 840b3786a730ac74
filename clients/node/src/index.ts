// @tollgate/client: the Node.js and TypeScript client for tollgate. connect()
// gives a Client whose services (enrollment, challenge, recovery, policy,
// delivery) answer with promises of typed responses; failures reject with the
// error class for their reason. The generated messages, enums and service
// definitions are exported too.
export {
  Client,
  connect,
  DEFAULT_TIMEOUT_MS,
  VERSION,
  type AddressOptions,
  type CallOptions,
  type ChallengeClient,
  type ChannelOptions,
  type ConnectOptions,
  type DeliveryClient,
  type EnrollmentClient,
  type PartialMessage,
  type PolicyClient,
  type RecoveryClient,
  type ServiceClient,
  type SocketOptions,
  type TlsOptions,
} from "./client";
export * from "./errors";

export * from "./gen/tollgate/v1/common";
export * from "./gen/tollgate/v1/enrollment";
export * from "./gen/tollgate/v1/challenge";
export * from "./gen/tollgate/v1/recovery";
export * from "./gen/tollgate/v1/policy";
export * from "./gen/tollgate/v1/delivery";
// Values as well as types: dist/index.d.ts (one bundled file) declares them as both.
export { Duration } from "./gen/google/protobuf/duration";
export { FieldMask } from "./gen/google/protobuf/field_mask";
