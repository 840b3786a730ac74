import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tollgate.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_ALLOW: _ClassVar[Decision]
    DECISION_CHALLENGE: _ClassVar[Decision]
    DECISION_ENROLLMENT_REQUIRED: _ClassVar[Decision]

class AllowReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALLOW_REASON_UNSPECIFIED: _ClassVar[AllowReason]
    ALLOW_REASON_NOT_REQUIRED: _ClassVar[AllowReason]
    ALLOW_REASON_TRUSTED_DEVICE: _ClassVar[AllowReason]
    ALLOW_REASON_GRACE_LOGIN: _ClassVar[AllowReason]
DECISION_UNSPECIFIED: Decision
DECISION_ALLOW: Decision
DECISION_CHALLENGE: Decision
DECISION_ENROLLMENT_REQUIRED: Decision
ALLOW_REASON_UNSPECIFIED: AllowReason
ALLOW_REASON_NOT_REQUIRED: AllowReason
ALLOW_REASON_TRUSTED_DEVICE: AllowReason
ALLOW_REASON_GRACE_LOGIN: AllowReason

class BeginChallengeRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "roles", "audience", "trusted_device_token", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    roles: _containers.RepeatedScalarFieldContainer[str]
    audience: str
    trusted_device_token: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., roles: _Optional[_Iterable[str]] = ..., audience: _Optional[str] = ..., trusted_device_token: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class BeginChallengeResponse(_message.Message):
    __slots__ = ("decision", "allow_reason", "grace_logins_left", "challenge_id", "methods", "default_method", "expires_at", "message", "webauthn_request_options_json")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ALLOW_REASON_FIELD_NUMBER: _ClassVar[int]
    GRACE_LOGINS_LEFT_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_METHOD_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    WEBAUTHN_REQUEST_OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    allow_reason: AllowReason
    grace_logins_left: int
    challenge_id: str
    methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    default_method: _common_pb2.Method
    expires_at: _timestamp_pb2.Timestamp
    message: str
    webauthn_request_options_json: str
    def __init__(self, decision: _Optional[_Union[Decision, str]] = ..., allow_reason: _Optional[_Union[AllowReason, str]] = ..., grace_logins_left: _Optional[int] = ..., challenge_id: _Optional[str] = ..., methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., default_method: _Optional[_Union[_common_pb2.Method, str]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[str] = ..., webauthn_request_options_json: _Optional[str] = ...) -> None: ...

class SendCodeRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "challenge_id", "method")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    challenge_id: str
    method: _common_pb2.Method
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., challenge_id: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ...) -> None: ...

class SendCodeResponse(_message.Message):
    __slots__ = ("masked_destination", "code_expires_at", "resend_available_at")
    MASKED_DESTINATION_FIELD_NUMBER: _ClassVar[int]
    CODE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    RESEND_AVAILABLE_AT_FIELD_NUMBER: _ClassVar[int]
    masked_destination: str
    code_expires_at: _timestamp_pb2.Timestamp
    resend_available_at: _timestamp_pb2.Timestamp
    def __init__(self, masked_destination: _Optional[str] = ..., code_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., resend_available_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerifyChallengeRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "challenge_id", "method", "code", "remember_device", "client_ip", "user_agent", "webauthn_assertion_json", "session_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    REMEMBER_DEVICE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    WEBAUTHN_ASSERTION_JSON_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    challenge_id: str
    method: _common_pb2.Method
    code: str
    remember_device: bool
    client_ip: str
    user_agent: str
    webauthn_assertion_json: str
    session_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., challenge_id: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ..., code: _Optional[str] = ..., remember_device: bool = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ..., webauthn_assertion_json: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class VerifyChallengeResponse(_message.Message):
    __slots__ = ("trusted_device_token", "trusted_device_expires_at", "recovery_codes_remaining", "methods_used", "trusted_device_id")
    TRUSTED_DEVICE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    METHODS_USED_FIELD_NUMBER: _ClassVar[int]
    TRUSTED_DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    trusted_device_token: str
    trusted_device_expires_at: _timestamp_pb2.Timestamp
    recovery_codes_remaining: int
    methods_used: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    trusted_device_id: str
    def __init__(self, trusted_device_token: _Optional[str] = ..., trusted_device_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recovery_codes_remaining: _Optional[int] = ..., methods_used: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., trusted_device_id: _Optional[str] = ...) -> None: ...

class CancelChallengeRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "challenge_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    challenge_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., challenge_id: _Optional[str] = ...) -> None: ...

class CancelChallengeResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RevokeTrustedDevicesRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "device_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    device_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., device_id: _Optional[str] = ...) -> None: ...

class RevokeTrustedDevicesResponse(_message.Message):
    __slots__ = ("revoked_count",)
    REVOKED_COUNT_FIELD_NUMBER: _ClassVar[int]
    revoked_count: int
    def __init__(self, revoked_count: _Optional[int] = ...) -> None: ...

class CheckRecentVerificationRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "session_id", "max_age", "require_phishing_resistant", "roles", "audience", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_AGE_FIELD_NUMBER: _ClassVar[int]
    REQUIRE_PHISHING_RESISTANT_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    session_id: str
    max_age: _duration_pb2.Duration
    require_phishing_resistant: bool
    roles: _containers.RepeatedScalarFieldContainer[str]
    audience: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., session_id: _Optional[str] = ..., max_age: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., require_phishing_resistant: bool = ..., roles: _Optional[_Iterable[str]] = ..., audience: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class CheckRecentVerificationResponse(_message.Message):
    __slots__ = ("satisfied", "verified_at", "verified_method", "challenge_id", "methods", "default_method", "expires_at", "webauthn_request_options_json")
    SATISFIED_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_AT_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_METHOD_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_METHOD_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    WEBAUTHN_REQUEST_OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    satisfied: bool
    verified_at: _timestamp_pb2.Timestamp
    verified_method: _common_pb2.Method
    challenge_id: str
    methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    default_method: _common_pb2.Method
    expires_at: _timestamp_pb2.Timestamp
    webauthn_request_options_json: str
    def __init__(self, satisfied: bool = ..., verified_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., verified_method: _Optional[_Union[_common_pb2.Method, str]] = ..., challenge_id: _Optional[str] = ..., methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., default_method: _Optional[_Union[_common_pb2.Method, str]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., webauthn_request_options_json: _Optional[str] = ...) -> None: ...

class EndSessionRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "session_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    session_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., session_id: _Optional[str] = ...) -> None: ...

class EndSessionResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
