import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Method(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    METHOD_UNSPECIFIED: _ClassVar[Method]
    METHOD_TOTP: _ClassVar[Method]
    METHOD_EMAIL: _ClassVar[Method]
    METHOD_SMS: _ClassVar[Method]
    METHOD_RECOVERY_CODE: _ClassVar[Method]
    METHOD_WEBAUTHN: _ClassVar[Method]

class TotpState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TOTP_STATE_UNSPECIFIED: _ClassVar[TotpState]
    TOTP_STATE_NOT_CONFIGURED: _ClassVar[TotpState]
    TOTP_STATE_PENDING: _ClassVar[TotpState]
    TOTP_STATE_ENABLED: _ClassVar[TotpState]

class ComplianceState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMPLIANCE_STATE_UNSPECIFIED: _ClassVar[ComplianceState]
    COMPLIANCE_STATE_NOT_REQUIRED: _ClassVar[ComplianceState]
    COMPLIANCE_STATE_COMPLIANT: _ClassVar[ComplianceState]
    COMPLIANCE_STATE_IN_GRACE: _ClassVar[ComplianceState]
    COMPLIANCE_STATE_MUST_ENROLL: _ClassVar[ComplianceState]

class RequirementReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REQUIREMENT_REASON_UNSPECIFIED: _ClassVar[RequirementReason]
    REQUIREMENT_REASON_TWO_FACTOR_DISABLED: _ClassVar[RequirementReason]
    REQUIREMENT_REASON_OPTIONAL: _ClassVar[RequirementReason]
    REQUIREMENT_REASON_NOT_YET_EFFECTIVE: _ClassVar[RequirementReason]
    REQUIREMENT_REASON_NOT_ADMIN: _ClassVar[RequirementReason]
    REQUIREMENT_REASON_ADMIN_ROLE: _ClassVar[RequirementReason]
    REQUIREMENT_REASON_REQUIRED_FOR_ALL: _ClassVar[RequirementReason]
METHOD_UNSPECIFIED: Method
METHOD_TOTP: Method
METHOD_EMAIL: Method
METHOD_SMS: Method
METHOD_RECOVERY_CODE: Method
METHOD_WEBAUTHN: Method
TOTP_STATE_UNSPECIFIED: TotpState
TOTP_STATE_NOT_CONFIGURED: TotpState
TOTP_STATE_PENDING: TotpState
TOTP_STATE_ENABLED: TotpState
COMPLIANCE_STATE_UNSPECIFIED: ComplianceState
COMPLIANCE_STATE_NOT_REQUIRED: ComplianceState
COMPLIANCE_STATE_COMPLIANT: ComplianceState
COMPLIANCE_STATE_IN_GRACE: ComplianceState
COMPLIANCE_STATE_MUST_ENROLL: ComplianceState
REQUIREMENT_REASON_UNSPECIFIED: RequirementReason
REQUIREMENT_REASON_TWO_FACTOR_DISABLED: RequirementReason
REQUIREMENT_REASON_OPTIONAL: RequirementReason
REQUIREMENT_REASON_NOT_YET_EFFECTIVE: RequirementReason
REQUIREMENT_REASON_NOT_ADMIN: RequirementReason
REQUIREMENT_REASON_ADMIN_ROLE: RequirementReason
REQUIREMENT_REASON_REQUIRED_FOR_ALL: RequirementReason

class PolicyVerdict(_message.Message):
    __slots__ = ("required", "reason", "state", "grace_logins_left", "message", "effective_at")
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    GRACE_LOGINS_LEFT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_AT_FIELD_NUMBER: _ClassVar[int]
    required: bool
    reason: RequirementReason
    state: ComplianceState
    grace_logins_left: int
    message: str
    effective_at: _timestamp_pb2.Timestamp
    def __init__(self, required: bool = ..., reason: _Optional[_Union[RequirementReason, str]] = ..., state: _Optional[_Union[ComplianceState, str]] = ..., grace_logins_left: _Optional[int] = ..., message: _Optional[str] = ..., effective_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
