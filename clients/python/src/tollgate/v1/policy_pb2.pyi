import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tollgate.v1 import common_pb2 as _common_pb2
from tollgate.v1 import delivery_pb2 as _delivery_pb2
from tollgate.v1 import enrollment_pb2 as _enrollment_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Enforcement(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENFORCEMENT_UNSPECIFIED: _ClassVar[Enforcement]
    ENFORCEMENT_OPTIONAL: _ClassVar[Enforcement]
    ENFORCEMENT_REQUIRED_FOR_ADMINS: _ClassVar[Enforcement]
    ENFORCEMENT_REQUIRED_FOR_ALL: _ClassVar[Enforcement]

class UserFilter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USER_FILTER_UNSPECIFIED: _ClassVar[UserFilter]
    USER_FILTER_NOT_ENROLLED: _ClassVar[UserFilter]
    USER_FILTER_ENROLLED: _ClassVar[UserFilter]
    USER_FILTER_UNCONFIRMED_CONTACT: _ClassVar[UserFilter]
ENFORCEMENT_UNSPECIFIED: Enforcement
ENFORCEMENT_OPTIONAL: Enforcement
ENFORCEMENT_REQUIRED_FOR_ADMINS: Enforcement
ENFORCEMENT_REQUIRED_FOR_ALL: Enforcement
USER_FILTER_UNSPECIFIED: UserFilter
USER_FILTER_NOT_ENROLLED: UserFilter
USER_FILTER_ENROLLED: UserFilter
USER_FILTER_UNCONFIRMED_CONTACT: UserFilter

class TotpSettings(_message.Message):
    __slots__ = ("issuer", "digits", "period", "algorithm", "skew_steps")
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    DIGITS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    SKEW_STEPS_FIELD_NUMBER: _ClassVar[int]
    issuer: str
    digits: int
    period: _duration_pb2.Duration
    algorithm: _enrollment_pb2.TotpAlgorithm
    skew_steps: int
    def __init__(self, issuer: _Optional[str] = ..., digits: _Optional[int] = ..., period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., algorithm: _Optional[_Union[_enrollment_pb2.TotpAlgorithm, str]] = ..., skew_steps: _Optional[int] = ...) -> None: ...

class MethodList(_message.Message):
    __slots__ = ("methods",)
    METHODS_FIELD_NUMBER: _ClassVar[int]
    methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    def __init__(self, methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ...) -> None: ...

class StringList(_message.Message):
    __slots__ = ("values",)
    VALUES_FIELD_NUMBER: _ClassVar[int]
    values: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, values: _Optional[_Iterable[str]] = ...) -> None: ...

class PolicyOverride(_message.Message):
    __slots__ = ("two_factor_enabled", "allowed_methods", "enforcement", "admin_roles", "effective_at", "grace_logins", "trusted_devices_allowed", "trusted_device_ttl", "max_failed_attempts", "lockout_duration", "allow_self_disable_when_required")
    TWO_FACTOR_ENABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_METHODS_FIELD_NUMBER: _ClassVar[int]
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    ADMIN_ROLES_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_AT_FIELD_NUMBER: _ClassVar[int]
    GRACE_LOGINS_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICES_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICE_TTL_FIELD_NUMBER: _ClassVar[int]
    MAX_FAILED_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LOCKOUT_DURATION_FIELD_NUMBER: _ClassVar[int]
    ALLOW_SELF_DISABLE_WHEN_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    two_factor_enabled: bool
    allowed_methods: MethodList
    enforcement: Enforcement
    admin_roles: StringList
    effective_at: _timestamp_pb2.Timestamp
    grace_logins: int
    trusted_devices_allowed: bool
    trusted_device_ttl: _duration_pb2.Duration
    max_failed_attempts: int
    lockout_duration: _duration_pb2.Duration
    allow_self_disable_when_required: bool
    def __init__(self, two_factor_enabled: bool = ..., allowed_methods: _Optional[_Union[MethodList, _Mapping]] = ..., enforcement: _Optional[_Union[Enforcement, str]] = ..., admin_roles: _Optional[_Union[StringList, _Mapping]] = ..., effective_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., grace_logins: _Optional[int] = ..., trusted_devices_allowed: bool = ..., trusted_device_ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_failed_attempts: _Optional[int] = ..., lockout_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., allow_self_disable_when_required: bool = ...) -> None: ...

class Policy(_message.Message):
    __slots__ = ("tenant_id", "two_factor_enabled", "allowed_methods", "enforcement", "admin_roles", "effective_at", "grace_logins", "trusted_devices_allowed", "trusted_device_ttl", "totp", "code_length", "code_ttl", "resend_cooldown", "recovery_code_count", "max_failed_attempts", "lockout_duration", "allow_self_disable_when_required", "audiences", "pending_enrollment_ttl", "max_code_sends", "etag", "update_time", "challenge_ttl", "max_sends_per_user_hour", "max_sends_per_tenant_hour", "allowed_phone_regions", "phishing_resistant", "security_notifications")
    class AudiencesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: PolicyOverride
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[PolicyOverride, _Mapping]] = ...) -> None: ...
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TWO_FACTOR_ENABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_METHODS_FIELD_NUMBER: _ClassVar[int]
    ENFORCEMENT_FIELD_NUMBER: _ClassVar[int]
    ADMIN_ROLES_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_AT_FIELD_NUMBER: _ClassVar[int]
    GRACE_LOGINS_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICES_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICE_TTL_FIELD_NUMBER: _ClassVar[int]
    TOTP_FIELD_NUMBER: _ClassVar[int]
    CODE_LENGTH_FIELD_NUMBER: _ClassVar[int]
    CODE_TTL_FIELD_NUMBER: _ClassVar[int]
    RESEND_COOLDOWN_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODE_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_FAILED_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LOCKOUT_DURATION_FIELD_NUMBER: _ClassVar[int]
    ALLOW_SELF_DISABLE_WHEN_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    AUDIENCES_FIELD_NUMBER: _ClassVar[int]
    PENDING_ENROLLMENT_TTL_FIELD_NUMBER: _ClassVar[int]
    MAX_CODE_SENDS_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_TTL_FIELD_NUMBER: _ClassVar[int]
    MAX_SENDS_PER_USER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MAX_SENDS_PER_TENANT_HOUR_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_PHONE_REGIONS_FIELD_NUMBER: _ClassVar[int]
    PHISHING_RESISTANT_FIELD_NUMBER: _ClassVar[int]
    SECURITY_NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    two_factor_enabled: bool
    allowed_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    enforcement: Enforcement
    admin_roles: _containers.RepeatedScalarFieldContainer[str]
    effective_at: _timestamp_pb2.Timestamp
    grace_logins: int
    trusted_devices_allowed: bool
    trusted_device_ttl: _duration_pb2.Duration
    totp: TotpSettings
    code_length: int
    code_ttl: _duration_pb2.Duration
    resend_cooldown: _duration_pb2.Duration
    recovery_code_count: int
    max_failed_attempts: int
    lockout_duration: _duration_pb2.Duration
    allow_self_disable_when_required: bool
    audiences: _containers.MessageMap[str, PolicyOverride]
    pending_enrollment_ttl: _duration_pb2.Duration
    max_code_sends: int
    etag: str
    update_time: _timestamp_pb2.Timestamp
    challenge_ttl: _duration_pb2.Duration
    max_sends_per_user_hour: int
    max_sends_per_tenant_hour: int
    allowed_phone_regions: _containers.RepeatedScalarFieldContainer[str]
    phishing_resistant: Enforcement
    security_notifications: bool
    def __init__(self, tenant_id: _Optional[str] = ..., two_factor_enabled: bool = ..., allowed_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., enforcement: _Optional[_Union[Enforcement, str]] = ..., admin_roles: _Optional[_Iterable[str]] = ..., effective_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., grace_logins: _Optional[int] = ..., trusted_devices_allowed: bool = ..., trusted_device_ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., totp: _Optional[_Union[TotpSettings, _Mapping]] = ..., code_length: _Optional[int] = ..., code_ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., resend_cooldown: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., recovery_code_count: _Optional[int] = ..., max_failed_attempts: _Optional[int] = ..., lockout_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., allow_self_disable_when_required: bool = ..., audiences: _Optional[_Mapping[str, PolicyOverride]] = ..., pending_enrollment_ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_code_sends: _Optional[int] = ..., etag: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., challenge_ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., max_sends_per_user_hour: _Optional[int] = ..., max_sends_per_tenant_hour: _Optional[int] = ..., allowed_phone_regions: _Optional[_Iterable[str]] = ..., phishing_resistant: _Optional[_Union[Enforcement, str]] = ..., security_notifications: bool = ...) -> None: ...

class GetPolicyRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class GetPolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: Policy
    def __init__(self, policy: _Optional[_Union[Policy, _Mapping]] = ...) -> None: ...

class UpdatePolicyRequest(_message.Message):
    __slots__ = ("tenant_id", "policy", "update_mask", "etag", "actor_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    ETAG_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    policy: Policy
    update_mask: _field_mask_pb2.FieldMask
    etag: str
    actor_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., policy: _Optional[_Union[Policy, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ..., etag: _Optional[str] = ..., actor_id: _Optional[str] = ...) -> None: ...

class UpdatePolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: Policy
    def __init__(self, policy: _Optional[_Union[Policy, _Mapping]] = ...) -> None: ...

class EvaluateUserRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "roles", "audience")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    audience: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., audience: _Optional[str] = ...) -> None: ...

class EvaluateUserResponse(_message.Message):
    __slots__ = ("verdict", "enrolled")
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_FIELD_NUMBER: _ClassVar[int]
    verdict: _common_pb2.PolicyVerdict
    enrolled: bool
    def __init__(self, verdict: _Optional[_Union[_common_pb2.PolicyVerdict, _Mapping]] = ..., enrolled: bool = ...) -> None: ...

class UserSummary(_message.Message):
    __slots__ = ("user_id", "totp_state", "enabled_methods", "recovery_codes_remaining", "has_unconfirmed_contact", "grace_logins_used", "locked_until")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    TOTP_STATE_FIELD_NUMBER: _ClassVar[int]
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    HAS_UNCONFIRMED_CONTACT_FIELD_NUMBER: _ClassVar[int]
    GRACE_LOGINS_USED_FIELD_NUMBER: _ClassVar[int]
    LOCKED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    totp_state: _common_pb2.TotpState
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    recovery_codes_remaining: int
    has_unconfirmed_contact: bool
    grace_logins_used: int
    locked_until: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., totp_state: _Optional[_Union[_common_pb2.TotpState, str]] = ..., enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., recovery_codes_remaining: _Optional[int] = ..., has_unconfirmed_contact: bool = ..., grace_logins_used: _Optional[int] = ..., locked_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListUsersRequest(_message.Message):
    __slots__ = ("tenant_id", "filter", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    filter: UserFilter
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., filter: _Optional[_Union[UserFilter, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListUsersResponse(_message.Message):
    __slots__ = ("users", "next_page_token")
    USERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    users: _containers.RepeatedCompositeFieldContainer[UserSummary]
    next_page_token: str
    def __init__(self, users: _Optional[_Iterable[_Union[UserSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AuditEvent(_message.Message):
    __slots__ = ("id", "tenant_id", "user_id", "kind", "actor_id", "method", "outcome", "reason", "client_ip", "user_agent", "occurred_at", "details", "caller")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    CALLER_FIELD_NUMBER: _ClassVar[int]
    id: int
    tenant_id: str
    user_id: str
    kind: str
    actor_id: str
    method: _common_pb2.Method
    outcome: str
    reason: str
    client_ip: str
    user_agent: str
    occurred_at: _timestamp_pb2.Timestamp
    details: _containers.ScalarMap[str, str]
    caller: str
    def __init__(self, id: _Optional[int] = ..., tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., kind: _Optional[str] = ..., actor_id: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ..., outcome: _Optional[str] = ..., reason: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., details: _Optional[_Mapping[str, str]] = ..., caller: _Optional[str] = ...) -> None: ...

class ListAuditEventsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "kinds", "start_time", "end_time", "page_size", "page_token")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    kinds: _containers.RepeatedScalarFieldContainer[str]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., kinds: _Optional[_Iterable[str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAuditEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    next_page_token: str
    def __init__(self, events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class EraseUserRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "actor_id", "reason")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    actor_id: str
    reason: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class EraseUserResponse(_message.Message):
    __slots__ = ("found", "erased_rows", "event")
    class ErasedRowsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    FOUND_FIELD_NUMBER: _ClassVar[int]
    ERASED_ROWS_FIELD_NUMBER: _ClassVar[int]
    EVENT_FIELD_NUMBER: _ClassVar[int]
    found: bool
    erased_rows: _containers.ScalarMap[str, int]
    event: AuditEvent
    def __init__(self, found: bool = ..., erased_rows: _Optional[_Mapping[str, int]] = ..., event: _Optional[_Union[AuditEvent, _Mapping]] = ...) -> None: ...

class ExportUserRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "actor_id", "reason", "audit_event_limit")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AUDIT_EVENT_LIMIT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    actor_id: str
    reason: str
    audit_event_limit: int
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., reason: _Optional[str] = ..., audit_event_limit: _Optional[int] = ...) -> None: ...

class ExportedContact(_message.Message):
    __slots__ = ("kind", "masked_address", "confirmed_at")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MASKED_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    kind: _delivery_pb2.ContactKind
    masked_address: str
    confirmed_at: _timestamp_pb2.Timestamp
    def __init__(self, kind: _Optional[_Union[_delivery_pb2.ContactKind, str]] = ..., masked_address: _Optional[str] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ExportedTrustedDevice(_message.Message):
    __slots__ = ("device_id", "created_at", "expires_at", "revoked_at", "client_ip", "user_agent")
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    device_id: str
    created_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    revoked_at: _timestamp_pb2.Timestamp
    client_ip: str
    user_agent: str
    def __init__(self, device_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class ExportUserResponse(_message.Message):
    __slots__ = ("tenant_id", "user_id", "found", "first_seen_at", "enabled_methods", "default_method", "totp_state", "totp_confirmed_at", "webauthn_credentials", "contacts", "trusted_devices", "recovery_codes_remaining", "recovery_codes_total", "recovery_codes_generated_at", "grace_logins_used", "failed_attempts", "locked_until", "audit_events")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    FOUND_FIELD_NUMBER: _ClassVar[int]
    FIRST_SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_METHOD_FIELD_NUMBER: _ClassVar[int]
    TOTP_STATE_FIELD_NUMBER: _ClassVar[int]
    TOTP_CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    WEBAUTHN_CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICES_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_GENERATED_AT_FIELD_NUMBER: _ClassVar[int]
    GRACE_LOGINS_USED_FIELD_NUMBER: _ClassVar[int]
    FAILED_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LOCKED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    AUDIT_EVENTS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    found: bool
    first_seen_at: _timestamp_pb2.Timestamp
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    default_method: _common_pb2.Method
    totp_state: _common_pb2.TotpState
    totp_confirmed_at: _timestamp_pb2.Timestamp
    webauthn_credentials: _containers.RepeatedCompositeFieldContainer[_enrollment_pb2.WebAuthnCredential]
    contacts: _containers.RepeatedCompositeFieldContainer[ExportedContact]
    trusted_devices: _containers.RepeatedCompositeFieldContainer[ExportedTrustedDevice]
    recovery_codes_remaining: int
    recovery_codes_total: int
    recovery_codes_generated_at: _timestamp_pb2.Timestamp
    grace_logins_used: int
    failed_attempts: int
    locked_until: _timestamp_pb2.Timestamp
    audit_events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., found: bool = ..., first_seen_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., default_method: _Optional[_Union[_common_pb2.Method, str]] = ..., totp_state: _Optional[_Union[_common_pb2.TotpState, str]] = ..., totp_confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., webauthn_credentials: _Optional[_Iterable[_Union[_enrollment_pb2.WebAuthnCredential, _Mapping]]] = ..., contacts: _Optional[_Iterable[_Union[ExportedContact, _Mapping]]] = ..., trusted_devices: _Optional[_Iterable[_Union[ExportedTrustedDevice, _Mapping]]] = ..., recovery_codes_remaining: _Optional[int] = ..., recovery_codes_total: _Optional[int] = ..., recovery_codes_generated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., grace_logins_used: _Optional[int] = ..., failed_attempts: _Optional[int] = ..., locked_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., audit_events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ...) -> None: ...
