import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tollgate.v1 import common_pb2 as _common_pb2
from tollgate.v1 import delivery_pb2 as _delivery_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TotpAlgorithm(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TOTP_ALGORITHM_UNSPECIFIED: _ClassVar[TotpAlgorithm]
    TOTP_ALGORITHM_SHA1: _ClassVar[TotpAlgorithm]
    TOTP_ALGORITHM_SHA256: _ClassVar[TotpAlgorithm]
    TOTP_ALGORITHM_SHA512: _ClassVar[TotpAlgorithm]

class WebAuthnKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEB_AUTHN_KIND_UNSPECIFIED: _ClassVar[WebAuthnKind]
    WEB_AUTHN_KIND_PASSKEY: _ClassVar[WebAuthnKind]
    WEB_AUTHN_KIND_SECURITY_KEY: _ClassVar[WebAuthnKind]

class ImportOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMPORT_OUTCOME_UNSPECIFIED: _ClassVar[ImportOutcome]
    IMPORT_OUTCOME_IMPORTED: _ClassVar[ImportOutcome]
    IMPORT_OUTCOME_UNCHANGED: _ClassVar[ImportOutcome]
    IMPORT_OUTCOME_REPLACED: _ClassVar[ImportOutcome]
    IMPORT_OUTCOME_VALID: _ClassVar[ImportOutcome]
TOTP_ALGORITHM_UNSPECIFIED: TotpAlgorithm
TOTP_ALGORITHM_SHA1: TotpAlgorithm
TOTP_ALGORITHM_SHA256: TotpAlgorithm
TOTP_ALGORITHM_SHA512: TotpAlgorithm
WEB_AUTHN_KIND_UNSPECIFIED: WebAuthnKind
WEB_AUTHN_KIND_PASSKEY: WebAuthnKind
WEB_AUTHN_KIND_SECURITY_KEY: WebAuthnKind
IMPORT_OUTCOME_UNSPECIFIED: ImportOutcome
IMPORT_OUTCOME_IMPORTED: ImportOutcome
IMPORT_OUTCOME_UNCHANGED: ImportOutcome
IMPORT_OUTCOME_REPLACED: ImportOutcome
IMPORT_OUTCOME_VALID: ImportOutcome

class GetEnrollmentRequest(_message.Message):
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

class TotpStatus(_message.Message):
    __slots__ = ("state", "confirmed_at", "pending_expires_at")
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    PENDING_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    state: _common_pb2.TotpState
    confirmed_at: _timestamp_pb2.Timestamp
    pending_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, state: _Optional[_Union[_common_pb2.TotpState, str]] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., pending_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ContactMethodStatus(_message.Message):
    __slots__ = ("enabled", "contact_confirmed", "masked_address")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CONTACT_CONFIRMED_FIELD_NUMBER: _ClassVar[int]
    MASKED_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    contact_confirmed: bool
    masked_address: str
    def __init__(self, enabled: bool = ..., contact_confirmed: bool = ..., masked_address: _Optional[str] = ...) -> None: ...

class GetEnrollmentResponse(_message.Message):
    __slots__ = ("totp", "email", "sms", "default_method", "enabled_methods", "two_factor_enabled", "recovery_codes_remaining", "policy")
    TOTP_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SMS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_METHOD_FIELD_NUMBER: _ClassVar[int]
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    TWO_FACTOR_ENABLED_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    totp: TotpStatus
    email: ContactMethodStatus
    sms: ContactMethodStatus
    default_method: _common_pb2.Method
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    two_factor_enabled: bool
    recovery_codes_remaining: int
    policy: _common_pb2.PolicyVerdict
    def __init__(self, totp: _Optional[_Union[TotpStatus, _Mapping]] = ..., email: _Optional[_Union[ContactMethodStatus, _Mapping]] = ..., sms: _Optional[_Union[ContactMethodStatus, _Mapping]] = ..., default_method: _Optional[_Union[_common_pb2.Method, str]] = ..., enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., two_factor_enabled: bool = ..., recovery_codes_remaining: _Optional[int] = ..., policy: _Optional[_Union[_common_pb2.PolicyVerdict, _Mapping]] = ...) -> None: ...

class BeginTotpRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "account_name", "audience")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    account_name: str
    audience: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., account_name: _Optional[str] = ..., audience: _Optional[str] = ...) -> None: ...

class BeginTotpResponse(_message.Message):
    __slots__ = ("secret_base32", "otpauth_uri", "qr_png", "qr_svg", "expires_at", "digits", "period", "algorithm", "issuer", "account_name")
    SECRET_BASE32_FIELD_NUMBER: _ClassVar[int]
    OTPAUTH_URI_FIELD_NUMBER: _ClassVar[int]
    QR_PNG_FIELD_NUMBER: _ClassVar[int]
    QR_SVG_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    DIGITS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    secret_base32: str
    otpauth_uri: str
    qr_png: bytes
    qr_svg: str
    expires_at: _timestamp_pb2.Timestamp
    digits: int
    period: _duration_pb2.Duration
    algorithm: TotpAlgorithm
    issuer: str
    account_name: str
    def __init__(self, secret_base32: _Optional[str] = ..., otpauth_uri: _Optional[str] = ..., qr_png: _Optional[bytes] = ..., qr_svg: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., digits: _Optional[int] = ..., period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., algorithm: _Optional[_Union[TotpAlgorithm, str]] = ..., issuer: _Optional[str] = ..., account_name: _Optional[str] = ...) -> None: ...

class ConfirmTotpRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "code", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    code: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., code: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class ConfirmTotpResponse(_message.Message):
    __slots__ = ("state", "confirmed_at", "recovery_codes")
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_FIELD_NUMBER: _ClassVar[int]
    state: _common_pb2.TotpState
    confirmed_at: _timestamp_pb2.Timestamp
    recovery_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, state: _Optional[_Union[_common_pb2.TotpState, str]] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., recovery_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class EnableMethodRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "method", "audience", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    method: _common_pb2.Method
    audience: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ..., audience: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class EnableMethodResponse(_message.Message):
    __slots__ = ("enabled_methods", "recovery_codes")
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_FIELD_NUMBER: _ClassVar[int]
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    recovery_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., recovery_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class SetDefaultMethodRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "method")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    method: _common_pb2.Method
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ...) -> None: ...

class SetDefaultMethodResponse(_message.Message):
    __slots__ = ("default_method",)
    DEFAULT_METHOD_FIELD_NUMBER: _ClassVar[int]
    default_method: _common_pb2.Method
    def __init__(self, default_method: _Optional[_Union[_common_pb2.Method, str]] = ...) -> None: ...

class DisableMethodRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "method", "roles", "audience", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    ROLES_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    method: _common_pb2.Method
    roles: _containers.RepeatedScalarFieldContainer[str]
    audience: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ..., roles: _Optional[_Iterable[str]] = ..., audience: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class DisableMethodResponse(_message.Message):
    __slots__ = ("enabled_methods", "two_factor_enabled")
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    TWO_FACTOR_ENABLED_FIELD_NUMBER: _ClassVar[int]
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    two_factor_enabled: bool
    def __init__(self, enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., two_factor_enabled: bool = ...) -> None: ...

class ResetUserRequest(_message.Message):
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

class ResetUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class BeginWebAuthnRegistrationRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "user_name", "display_name", "kind", "audience")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    USER_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    user_name: str
    display_name: str
    kind: WebAuthnKind
    audience: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., user_name: _Optional[str] = ..., display_name: _Optional[str] = ..., kind: _Optional[_Union[WebAuthnKind, str]] = ..., audience: _Optional[str] = ...) -> None: ...

class BeginWebAuthnRegistrationResponse(_message.Message):
    __slots__ = ("registration_id", "creation_options_json", "expires_at")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREATION_OPTIONS_JSON_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    creation_options_json: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, registration_id: _Optional[str] = ..., creation_options_json: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class FinishWebAuthnRegistrationRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "registration_id", "credential_json", "label", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_JSON_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    registration_id: str
    credential_json: str
    label: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., registration_id: _Optional[str] = ..., credential_json: _Optional[str] = ..., label: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class WebAuthnCredential(_message.Message):
    __slots__ = ("credential_id", "label", "kind", "created_at", "last_used_at", "backup_eligible", "backed_up")
    CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_USED_AT_FIELD_NUMBER: _ClassVar[int]
    BACKUP_ELIGIBLE_FIELD_NUMBER: _ClassVar[int]
    BACKED_UP_FIELD_NUMBER: _ClassVar[int]
    credential_id: str
    label: str
    kind: WebAuthnKind
    created_at: _timestamp_pb2.Timestamp
    last_used_at: _timestamp_pb2.Timestamp
    backup_eligible: bool
    backed_up: bool
    def __init__(self, credential_id: _Optional[str] = ..., label: _Optional[str] = ..., kind: _Optional[_Union[WebAuthnKind, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_used_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., backup_eligible: bool = ..., backed_up: bool = ...) -> None: ...

class FinishWebAuthnRegistrationResponse(_message.Message):
    __slots__ = ("credential", "recovery_codes")
    CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_FIELD_NUMBER: _ClassVar[int]
    credential: WebAuthnCredential
    recovery_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, credential: _Optional[_Union[WebAuthnCredential, _Mapping]] = ..., recovery_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class ListWebAuthnCredentialsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListWebAuthnCredentialsResponse(_message.Message):
    __slots__ = ("credentials",)
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    credentials: _containers.RepeatedCompositeFieldContainer[WebAuthnCredential]
    def __init__(self, credentials: _Optional[_Iterable[_Union[WebAuthnCredential, _Mapping]]] = ...) -> None: ...

class RenameWebAuthnCredentialRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "credential_id", "label")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    credential_id: str
    label: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., credential_id: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class RenameWebAuthnCredentialResponse(_message.Message):
    __slots__ = ("credential",)
    CREDENTIAL_FIELD_NUMBER: _ClassVar[int]
    credential: WebAuthnCredential
    def __init__(self, credential: _Optional[_Union[WebAuthnCredential, _Mapping]] = ...) -> None: ...

class RemoveWebAuthnCredentialRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "credential_id", "client_ip", "user_agent")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    CREDENTIAL_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    credential_id: str
    client_ip: str
    user_agent: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., credential_id: _Optional[str] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ...) -> None: ...

class RemoveWebAuthnCredentialResponse(_message.Message):
    __slots__ = ("enabled_methods", "two_factor_enabled")
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    TWO_FACTOR_ENABLED_FIELD_NUMBER: _ClassVar[int]
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    two_factor_enabled: bool
    def __init__(self, enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., two_factor_enabled: bool = ...) -> None: ...

class ImportUserRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "actor_id", "totp", "recovery_codes", "mint_recovery_codes", "contacts", "default_method", "replace", "audience", "validate_only")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_ID_FIELD_NUMBER: _ClassVar[int]
    TOTP_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_FIELD_NUMBER: _ClassVar[int]
    MINT_RECOVERY_CODES_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_METHOD_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    VALIDATE_ONLY_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    actor_id: str
    totp: ImportedTotp
    recovery_codes: _containers.RepeatedScalarFieldContainer[str]
    mint_recovery_codes: bool
    contacts: _containers.RepeatedCompositeFieldContainer[ImportedContact]
    default_method: _common_pb2.Method
    replace: bool
    audience: str
    validate_only: bool
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., actor_id: _Optional[str] = ..., totp: _Optional[_Union[ImportedTotp, _Mapping]] = ..., recovery_codes: _Optional[_Iterable[str]] = ..., mint_recovery_codes: bool = ..., contacts: _Optional[_Iterable[_Union[ImportedContact, _Mapping]]] = ..., default_method: _Optional[_Union[_common_pb2.Method, str]] = ..., replace: bool = ..., audience: _Optional[str] = ..., validate_only: bool = ...) -> None: ...

class ImportedTotp(_message.Message):
    __slots__ = ("secret_base32", "otpauth_uri", "digits", "period", "algorithm", "enabled_at")
    SECRET_BASE32_FIELD_NUMBER: _ClassVar[int]
    OTPAUTH_URI_FIELD_NUMBER: _ClassVar[int]
    DIGITS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    ENABLED_AT_FIELD_NUMBER: _ClassVar[int]
    secret_base32: str
    otpauth_uri: str
    digits: int
    period: _duration_pb2.Duration
    algorithm: str
    enabled_at: _timestamp_pb2.Timestamp
    def __init__(self, secret_base32: _Optional[str] = ..., otpauth_uri: _Optional[str] = ..., digits: _Optional[int] = ..., period: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., algorithm: _Optional[str] = ..., enabled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ImportedContact(_message.Message):
    __slots__ = ("kind", "address", "confirmed", "enable")
    KIND_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_FIELD_NUMBER: _ClassVar[int]
    ENABLE_FIELD_NUMBER: _ClassVar[int]
    kind: _delivery_pb2.ContactKind
    address: str
    confirmed: bool
    enable: bool
    def __init__(self, kind: _Optional[_Union[_delivery_pb2.ContactKind, str]] = ..., address: _Optional[str] = ..., confirmed: bool = ..., enable: bool = ...) -> None: ...

class ImportUserResponse(_message.Message):
    __slots__ = ("outcome", "enabled_methods", "recovery_codes", "recovery_codes_remaining")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ENABLED_METHODS_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    outcome: ImportOutcome
    enabled_methods: _containers.RepeatedScalarFieldContainer[_common_pb2.Method]
    recovery_codes: _containers.RepeatedScalarFieldContainer[str]
    recovery_codes_remaining: int
    def __init__(self, outcome: _Optional[_Union[ImportOutcome, str]] = ..., enabled_methods: _Optional[_Iterable[_Union[_common_pb2.Method, str]]] = ..., recovery_codes: _Optional[_Iterable[str]] = ..., recovery_codes_remaining: _Optional[int] = ...) -> None: ...
