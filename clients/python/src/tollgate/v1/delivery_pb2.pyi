import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from tollgate.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ContactKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONTACT_KIND_UNSPECIFIED: _ClassVar[ContactKind]
    CONTACT_KIND_EMAIL: _ClassVar[ContactKind]
    CONTACT_KIND_PHONE: _ClassVar[ContactKind]

class MessageKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_KIND_UNSPECIFIED: _ClassVar[MessageKind]
    MESSAGE_KIND_SIGN_IN_CODE: _ClassVar[MessageKind]
    MESSAGE_KIND_CONTACT_CONFIRMATION: _ClassVar[MessageKind]
    MESSAGE_KIND_TWO_FACTOR_ENABLED: _ClassVar[MessageKind]
    MESSAGE_KIND_TWO_FACTOR_DISABLED: _ClassVar[MessageKind]
    MESSAGE_KIND_METHOD_ADDED: _ClassVar[MessageKind]
    MESSAGE_KIND_METHOD_REMOVED: _ClassVar[MessageKind]
    MESSAGE_KIND_RECOVERY_CODES_REGENERATED: _ClassVar[MessageKind]
    MESSAGE_KIND_RECOVERY_CODE_USED: _ClassVar[MessageKind]
    MESSAGE_KIND_RECOVERY_CODES_LOW: _ClassVar[MessageKind]
    MESSAGE_KIND_TRUSTED_DEVICE_ADDED: _ClassVar[MessageKind]
    MESSAGE_KIND_LOCKED_OUT: _ClassVar[MessageKind]
CONTACT_KIND_UNSPECIFIED: ContactKind
CONTACT_KIND_EMAIL: ContactKind
CONTACT_KIND_PHONE: ContactKind
MESSAGE_KIND_UNSPECIFIED: MessageKind
MESSAGE_KIND_SIGN_IN_CODE: MessageKind
MESSAGE_KIND_CONTACT_CONFIRMATION: MessageKind
MESSAGE_KIND_TWO_FACTOR_ENABLED: MessageKind
MESSAGE_KIND_TWO_FACTOR_DISABLED: MessageKind
MESSAGE_KIND_METHOD_ADDED: MessageKind
MESSAGE_KIND_METHOD_REMOVED: MessageKind
MESSAGE_KIND_RECOVERY_CODES_REGENERATED: MessageKind
MESSAGE_KIND_RECOVERY_CODE_USED: MessageKind
MESSAGE_KIND_RECOVERY_CODES_LOW: MessageKind
MESSAGE_KIND_TRUSTED_DEVICE_ADDED: MessageKind
MESSAGE_KIND_LOCKED_OUT: MessageKind

class SecurityNotice(_message.Message):
    __slots__ = ("occurred_at", "client_ip", "user_agent", "method", "recovery_codes_remaining", "locked_until", "by_administrator")
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    USER_AGENT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RECOVERY_CODES_REMAINING_FIELD_NUMBER: _ClassVar[int]
    LOCKED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    BY_ADMINISTRATOR_FIELD_NUMBER: _ClassVar[int]
    occurred_at: _timestamp_pb2.Timestamp
    client_ip: str
    user_agent: str
    method: _common_pb2.Method
    recovery_codes_remaining: int
    locked_until: _timestamp_pb2.Timestamp
    by_administrator: bool
    def __init__(self, occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., client_ip: _Optional[str] = ..., user_agent: _Optional[str] = ..., method: _Optional[_Union[_common_pb2.Method, str]] = ..., recovery_codes_remaining: _Optional[int] = ..., locked_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., by_administrator: bool = ...) -> None: ...

class Contact(_message.Message):
    __slots__ = ("kind", "masked_address", "confirmed_at", "confirmation_sent_at", "last_delivery_error")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MASKED_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    CONFIRMED_AT_FIELD_NUMBER: _ClassVar[int]
    CONFIRMATION_SENT_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_DELIVERY_ERROR_FIELD_NUMBER: _ClassVar[int]
    kind: ContactKind
    masked_address: str
    confirmed_at: _timestamp_pb2.Timestamp
    confirmation_sent_at: _timestamp_pb2.Timestamp
    last_delivery_error: str
    def __init__(self, kind: _Optional[_Union[ContactKind, str]] = ..., masked_address: _Optional[str] = ..., confirmed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., confirmation_sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_delivery_error: _Optional[str] = ...) -> None: ...

class RegisterContactRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "kind", "address")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    kind: ContactKind
    address: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., kind: _Optional[_Union[ContactKind, str]] = ..., address: _Optional[str] = ...) -> None: ...

class RegisterContactResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class SendConfirmationRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "kind")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    kind: ContactKind
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., kind: _Optional[_Union[ContactKind, str]] = ...) -> None: ...

class SendConfirmationResponse(_message.Message):
    __slots__ = ("masked_destination", "sent_at")
    MASKED_DESTINATION_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    masked_destination: str
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, masked_destination: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ResendConfirmationsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_ids", "kind")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    kind: ContactKind
    def __init__(self, tenant_id: _Optional[str] = ..., user_ids: _Optional[_Iterable[str]] = ..., kind: _Optional[_Union[ContactKind, str]] = ...) -> None: ...

class ResendConfirmationsResponse(_message.Message):
    __slots__ = ("sent_count", "already_confirmed_count", "too_soon_count", "limited_count")
    SENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    ALREADY_CONFIRMED_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOO_SOON_COUNT_FIELD_NUMBER: _ClassVar[int]
    LIMITED_COUNT_FIELD_NUMBER: _ClassVar[int]
    sent_count: int
    already_confirmed_count: int
    too_soon_count: int
    limited_count: int
    def __init__(self, sent_count: _Optional[int] = ..., already_confirmed_count: _Optional[int] = ..., too_soon_count: _Optional[int] = ..., limited_count: _Optional[int] = ...) -> None: ...

class ConfirmContactRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id", "kind", "token_or_code")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TOKEN_OR_CODE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    kind: ContactKind
    token_or_code: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., kind: _Optional[_Union[ContactKind, str]] = ..., token_or_code: _Optional[str] = ...) -> None: ...

class ConfirmContactResponse(_message.Message):
    __slots__ = ("contact",)
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    contact: Contact
    def __init__(self, contact: _Optional[_Union[Contact, _Mapping]] = ...) -> None: ...

class ListContactsRequest(_message.Message):
    __slots__ = ("tenant_id", "user_id")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    user_id: str
    def __init__(self, tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ListContactsResponse(_message.Message):
    __slots__ = ("contacts",)
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    contacts: _containers.RepeatedCompositeFieldContainer[Contact]
    def __init__(self, contacts: _Optional[_Iterable[_Union[Contact, _Mapping]]] = ...) -> None: ...

class StreamOutboxRequest(_message.Message):
    __slots__ = ("tenant_id",)
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    def __init__(self, tenant_id: _Optional[str] = ...) -> None: ...

class OutboxMessage(_message.Message):
    __slots__ = ("message_id", "tenant_id", "user_id", "kind", "channel", "recipient", "subject", "text_body", "html_body", "code", "link", "created_at", "attempt", "notice")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    RECIPIENT_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    TEXT_BODY_FIELD_NUMBER: _ClassVar[int]
    HTML_BODY_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    LINK_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    tenant_id: str
    user_id: str
    kind: MessageKind
    channel: ContactKind
    recipient: str
    subject: str
    text_body: str
    html_body: str
    code: str
    link: str
    created_at: _timestamp_pb2.Timestamp
    attempt: int
    notice: SecurityNotice
    def __init__(self, message_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., user_id: _Optional[str] = ..., kind: _Optional[_Union[MessageKind, str]] = ..., channel: _Optional[_Union[ContactKind, str]] = ..., recipient: _Optional[str] = ..., subject: _Optional[str] = ..., text_body: _Optional[str] = ..., html_body: _Optional[str] = ..., code: _Optional[str] = ..., link: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempt: _Optional[int] = ..., notice: _Optional[_Union[SecurityNotice, _Mapping]] = ...) -> None: ...

class AckMessageRequest(_message.Message):
    __slots__ = ("message_id", "tenant_id")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    tenant_id: str
    def __init__(self, message_id: _Optional[str] = ..., tenant_id: _Optional[str] = ...) -> None: ...

class AckMessageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
