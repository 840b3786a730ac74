"""tollgate's errors as Python exceptions: one class per stable reason.

Every failed tollgate call carries a ``google.rpc.Status`` in the
``grpc-status-details-bin`` trailer. Its details hold a
``google.rpc.ErrorInfo`` (domain ``tollgate``, a stable ``reason`` such as
``CODE_MISMATCH``, ``metadata`` such as ``attempts_left``), and sometimes a
``google.rpc.RetryInfo`` (when to try again) or a ``google.rpc.BadRequest``
(which fields were wrong). :func:`from_rpc_error` reads them into the
exception class for the reason, so an application writes::

    try:
        client.challenge.VerifyChallenge(challenge_id=..., user_id=..., code=typed)
    except tollgate.errors.CodeMismatch as wrong:
        show(f"Wrong code, {wrong.attempts_left} tries left")
    except tollgate.errors.LockedOut as locked:
        show(f"Locked until {locked.locked_until:%H:%M}")

Every class derives from :class:`TollgateError`, which is also a
``grpc.RpcError`` (``.code()``, ``.details()``, ``.trailing_metadata()``), so
code written against plain grpcio keeps working. A reason this package does
not know (a newer server) becomes a plain :class:`TollgateError` with the
reason kept; a failure that carries no tollgate ``ErrorInfo`` at all (the
server is unreachable, a deadline passed) is a :class:`TollgateError` whose
``reason`` is ``None``.

The exception's text is the server's reason and message, which never
contain the code, secret or token that was sent.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar, Dict, Iterable, List, NamedTuple, Optional, Tuple, Type, Union

import grpc

__all__ = [
    "TollgateError",
    "FieldViolation",
    "MetadataItem",
    "from_rpc_error",
    "BY_REASON",
    "ERROR_DOMAIN",
    "InvalidArgument",
    "CodeMismatch",
    "AlreadyEnabled",
    "NoPendingEnrollment",
    "NotEnrolled",
    "CodeAlreadyUsed",
    "ChallengeExpired",
    "ChallengeNotFound",
    "MethodNotAllowed",
    "LockedOut",
    "PolicyForbids",
    "ContactUnconfirmed",
    "ContactNotFound",
    "ContactAlreadyConfirmed",
    "CodeExpired",
    "SendLimitReached",
    "PhoneRegionNotAllowed",
    "Overloaded",
    "ConfirmationVoided",
    "DeliveryFailed",
    "ResendTooSoon",
    "MessageNotFound",
    "EtagMismatch",
    "CallerNotAllowed",
    "ApiKeyInvalid",
    "NoCredential",
    "ApiKeyExists",
    "WebAuthnNotConfigured",
    "WebAuthnRejected",
    "CredentialExists",
    "CredentialNotFound",
    "NoPhishingResistantMethod",
    "ImportConflict",
    "StorageUnavailable",
    "InternalError",
]

#: The ``ErrorInfo.domain`` of every tollgate error.
ERROR_DOMAIN = "tollgate"

_STATUS_DETAILS_KEY = "grpc-status-details-bin"


class FieldViolation(NamedTuple):
    """One entry of a ``google.rpc.BadRequest``: which field, and what is wrong with it."""

    field: str
    description: str


class MetadataItem(NamedTuple):
    """One (key, value) entry of a call's metadata, like grpcio's own ``_Metadatum``."""

    key: str
    value: Union[str, bytes]


class TollgateError(grpc.RpcError):
    """A failed tollgate call.

    Subclasses stand for one reason each (``REASON``) and name the gRPC code
    the server sends with it (``GRPC_CODE``). An instance carries what the
    server said:

    ``status_code``
        the call's ``grpc.StatusCode`` (also ``.code()``).
    ``reason``
        the ``ErrorInfo`` reason, e.g. ``"CODE_MISMATCH"``; ``None`` when the
        failure carried no tollgate ``ErrorInfo``.
    ``message``
        the server's message, fit to show (also ``.details()``).
    ``metadata``
        the ``ErrorInfo`` metadata, e.g. ``{"attempts_left": "3"}``.
    ``attempts_left``
        wrong codes left before a lockout (``CODE_MISMATCH`` at sign-in), or ``None``.
    ``retry_after``
        seconds to wait before trying again, from ``google.rpc.RetryInfo``, or ``None``.
    ``locked_until``, ``available_at``
        timezone-aware ``datetime`` values from the metadata (``LOCKED_OUT``;
        ``RESEND_TOO_SOON``, ``SEND_LIMIT_REACHED``), or ``None``.
    ``field_violations``
        the ``google.rpc.BadRequest`` entries (``INVALID_ARGUMENT``).
    """

    #: The ErrorInfo reason this class stands for ("" on the base class).
    REASON: ClassVar[str] = ""
    #: The gRPC status code the server sends with that reason.
    GRPC_CODE: ClassVar[Optional[grpc.StatusCode]] = None

    status_code: grpc.StatusCode
    reason: Optional[str]
    message: str
    metadata: Dict[str, str]
    attempts_left: Optional[int]
    retry_after: Optional[float]
    locked_until: Optional[datetime]
    available_at: Optional[datetime]
    field_violations: List[FieldViolation]

    def __init__(
        self,
        status_code: grpc.StatusCode,
        message: str,
        *,
        reason: Optional[str] = None,
        metadata: Optional[Dict[str, str]] = None,
        retry_after: Optional[float] = None,
        field_violations: Iterable[FieldViolation] = (),
        trailing_metadata: Iterable[Tuple[str, Union[str, bytes]]] = (),
    ) -> None:
        self.status_code = status_code
        self.message = message
        self.reason = reason
        self.metadata = dict(metadata or {})
        self.retry_after = retry_after
        self.field_violations = list(field_violations)
        self.attempts_left = _parse_int(self.metadata.get("attempts_left"))
        self.locked_until = _parse_time(self.metadata.get("locked_until"))
        self.available_at = _parse_time(self.metadata.get("available_at"))
        self._trailing_metadata = tuple(MetadataItem(key, value) for key, value in trailing_metadata)
        super().__init__(str(self))

    def __str__(self) -> str:
        label = self.reason if self.reason else self.status_code.name
        return f"{label}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code.name}, "
            f"reason={self.reason!r}, message={self.message!r}, metadata={self.metadata!r})"
        )

    # --- grpc.RpcError / grpc.Call compatibility -------------------------

    def code(self) -> grpc.StatusCode:
        """The gRPC status code, as ``grpc.RpcError.code()`` gives it."""
        return self.status_code

    def details(self) -> str:
        """The server's message, as ``grpc.RpcError.details()`` gives it."""
        return self.message

    # grpc-stubs types the items as its private _Metadatum (key and value
    # attributes); MetadataItem has both and unpacks as a pair, like grpcio's.
    def trailing_metadata(self) -> Tuple[MetadataItem, ...]:  # type: ignore[override]
        """The call's trailing metadata (``grpc-status-details-bin`` included)."""
        return self._trailing_metadata

    def initial_metadata(self) -> Tuple[MetadataItem, ...]:
        """Always empty: a failed tollgate call sends nothing before its status."""
        return ()


_C = grpc.StatusCode


class InvalidArgument(TollgateError):
    """``INVALID_ARGUMENT``: a malformed field; ``field_violations`` names it."""

    REASON = "INVALID_ARGUMENT"
    GRPC_CODE = _C.INVALID_ARGUMENT


class CodeMismatch(TollgateError):
    """``CODE_MISMATCH``: the code is well-formed but wrong; ``attempts_left`` at sign-in."""

    REASON = "CODE_MISMATCH"
    GRPC_CODE = _C.INVALID_ARGUMENT


class AlreadyEnabled(TollgateError):
    """``ALREADY_ENABLED``: ``BeginTotp``/``ConfirmTotp`` when TOTP is already enabled."""

    REASON = "ALREADY_ENABLED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class NoPendingEnrollment(TollgateError):
    """``NO_PENDING_ENROLLMENT``: ``ConfirmTotp`` without a pending secret, or after it expired."""

    REASON = "NO_PENDING_ENROLLMENT"
    GRPC_CODE = _C.FAILED_PRECONDITION


class NotEnrolled(TollgateError):
    """``NOT_ENROLLED``: the user has no (allowed) method enabled."""

    REASON = "NOT_ENROLLED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class CodeAlreadyUsed(TollgateError):
    """``CODE_ALREADY_USED``: the TOTP step or recovery code was used before."""

    REASON = "CODE_ALREADY_USED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class ChallengeExpired(TollgateError):
    """``CHALLENGE_EXPIRED``: the challenge is older than 5 minutes: sign in again."""

    REASON = "CHALLENGE_EXPIRED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class ChallengeNotFound(TollgateError):
    """``CHALLENGE_NOT_FOUND``: unknown, another user's, cancelled, or already completed."""

    REASON = "CHALLENGE_NOT_FOUND"
    GRPC_CODE = _C.NOT_FOUND


class MethodNotAllowed(TollgateError):
    """``METHOD_NOT_ALLOWED``: the method is not one the challenge offered."""

    REASON = "METHOD_NOT_ALLOWED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class LockedOut(TollgateError):
    """``LOCKED_OUT``: too many wrong codes; ``locked_until`` and ``retry_after`` say until when."""

    REASON = "LOCKED_OUT"
    GRPC_CODE = _C.RESOURCE_EXHAUSTED


class PolicyForbids(TollgateError):
    """``POLICY_FORBIDS``: 2FA is switched off for the tenant, or self-disable is not allowed."""

    REASON = "POLICY_FORBIDS"
    GRPC_CODE = _C.PERMISSION_DENIED


class ContactUnconfirmed(TollgateError):
    """``CONTACT_UNCONFIRMED``: ``EnableMethod``/``SendCode`` before the contact is confirmed."""

    REASON = "CONTACT_UNCONFIRMED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class ContactNotFound(TollgateError):
    """``CONTACT_NOT_FOUND``: no contact of that kind is registered."""

    REASON = "CONTACT_NOT_FOUND"
    GRPC_CODE = _C.NOT_FOUND


class ContactAlreadyConfirmed(TollgateError):
    """``CONTACT_ALREADY_CONFIRMED``: confirming (or sending a confirmation to) a confirmed contact."""

    REASON = "CONTACT_ALREADY_CONFIRMED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class CodeExpired(TollgateError):
    """``CODE_EXPIRED``: the email/SMS code (or contact confirmation) expired: send a new one."""

    REASON = "CODE_EXPIRED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class SendLimitReached(TollgateError):
    """``SEND_LIMIT_REACHED``: the hourly sending limit; ``scope``, ``available_at``, ``retry_after``."""

    REASON = "SEND_LIMIT_REACHED"
    GRPC_CODE = _C.RESOURCE_EXHAUSTED

    @property
    def scope(self) -> Optional[str]:
        """Whose limit was reached (the metadata's ``scope``: the user or the tenant)."""
        return self.metadata.get("scope")


class PhoneRegionNotAllowed(TollgateError):
    """``PHONE_REGION_NOT_ALLOWED``: a phone number outside the policy's allowed regions."""

    REASON = "PHONE_REGION_NOT_ALLOWED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class Overloaded(TollgateError):
    """``OVERLOADED``: the hashing queue is full; ``retry_after`` says when to try again."""

    REASON = "OVERLOADED"
    GRPC_CODE = _C.RESOURCE_EXHAUSTED


class ConfirmationVoided(TollgateError):
    """``CONFIRMATION_VOIDED``: the contact confirmation took its 5 codes; send a new one."""

    REASON = "CONFIRMATION_VOIDED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class DeliveryFailed(TollgateError):
    """``DELIVERY_FAILED``: the provider refused the message for good."""

    REASON = "DELIVERY_FAILED"
    GRPC_CODE = _C.UNAVAILABLE


class ResendTooSoon(TollgateError):
    """``RESEND_TOO_SOON``: the cool-down has not passed; ``available_at``, ``retry_after``."""

    REASON = "RESEND_TOO_SOON"
    GRPC_CODE = _C.RESOURCE_EXHAUSTED


class MessageNotFound(TollgateError):
    """``MESSAGE_NOT_FOUND``: ``AckMessage`` for an unknown or already acknowledged message."""

    REASON = "MESSAGE_NOT_FOUND"
    GRPC_CODE = _C.NOT_FOUND


class EtagMismatch(TollgateError):
    """``ETAG_MISMATCH``: ``UpdatePolicy`` with a stale etag: read the policy again."""

    REASON = "ETAG_MISMATCH"
    GRPC_CODE = _C.ABORTED


class CallerNotAllowed(TollgateError):
    """``CALLER_NOT_ALLOWED``: this caller lacks the permission or the tenant; fix the configuration."""

    REASON = "CALLER_NOT_ALLOWED"
    GRPC_CODE = _C.PERMISSION_DENIED

    @property
    def permission(self) -> Optional[str]:
        """The permission the call needed (``sign_in``, ``outbox``, ``admin``), when known."""
        return self.metadata.get("permission")

    @property
    def tenant(self) -> Optional[str]:
        """The tenant the caller may not act for, when known."""
        return self.metadata.get("tenant")


class ApiKeyInvalid(TollgateError):
    """``API_KEY_INVALID``: the API key is missing, malformed, unknown or revoked."""

    REASON = "API_KEY_INVALID"
    GRPC_CODE = _C.UNAUTHENTICATED


class NoCredential(TollgateError):
    """``NO_CREDENTIAL``: a TCP call with neither a client certificate nor an API key."""

    REASON = "NO_CREDENTIAL"
    GRPC_CODE = _C.UNAUTHENTICATED


class ApiKeyExists(TollgateError):
    """``API_KEY_EXISTS``: an API key with that name exists already."""

    REASON = "API_KEY_EXISTS"
    GRPC_CODE = _C.ALREADY_EXISTS


class WebAuthnNotConfigured(TollgateError):
    """``WEBAUTHN_NOT_CONFIGURED``: no relying party covers the tenant and audience."""

    REASON = "WEBAUTHN_NOT_CONFIGURED"
    GRPC_CODE = _C.FAILED_PRECONDITION


class WebAuthnRejected(TollgateError):
    """``WEBAUTHN_REJECTED``: the browser's response does not match the ceremony."""

    REASON = "WEBAUTHN_REJECTED"
    GRPC_CODE = _C.INVALID_ARGUMENT


class CredentialExists(TollgateError):
    """``CREDENTIAL_EXISTS``: the tenant holds this WebAuthn credential id already."""

    REASON = "CREDENTIAL_EXISTS"
    GRPC_CODE = _C.ALREADY_EXISTS


class CredentialNotFound(TollgateError):
    """``CREDENTIAL_NOT_FOUND``: the user has no WebAuthn credential with that id."""

    REASON = "CREDENTIAL_NOT_FOUND"
    GRPC_CODE = _C.NOT_FOUND


class NoPhishingResistantMethod(TollgateError):
    """``NO_PHISHING_RESISTANT_METHOD``: step-up needs a passkey or security key the user lacks."""

    REASON = "NO_PHISHING_RESISTANT_METHOD"
    GRPC_CODE = _C.FAILED_PRECONDITION


class ImportConflict(TollgateError):
    """``IMPORT_CONFLICT``: the user already has a different secret or contact (``part``)."""

    REASON = "IMPORT_CONFLICT"
    GRPC_CODE = _C.FAILED_PRECONDITION

    @property
    def part(self) -> Optional[str]:
        """What differs: ``totp``, ``email`` or ``phone``."""
        return self.metadata.get("part")


class StorageUnavailable(TollgateError):
    """``STORAGE_UNAVAILABLE``: the database could not be reached; retry."""

    REASON = "STORAGE_UNAVAILABLE"
    GRPC_CODE = _C.UNAVAILABLE


class InternalError(TollgateError):
    """``INTERNAL``: a bug or an unexpected state on the server (its log says more)."""

    REASON = "INTERNAL"
    GRPC_CODE = _C.INTERNAL


def _subclasses() -> List[Type[TollgateError]]:
    return [cls for cls in TollgateError.__subclasses__() if cls.REASON]


#: The exception class for each reason the server sends.
BY_REASON: Dict[str, Type[TollgateError]] = {cls.REASON: cls for cls in _subclasses()}

def from_rpc_error(error: grpc.RpcError) -> TollgateError:
    """The :class:`TollgateError` (subclass) for a failed grpcio call.

    Works on the errors of the synchronous API (``grpc.RpcError`` that are
    also ``grpc.Call``) and of ``grpc.aio`` (``grpc.aio.AioRpcError``). A
    :class:`TollgateError` comes back unchanged.
    """
    if isinstance(error, TollgateError):
        return error
    status_code = error.code()
    message = error.details() or ""
    trailing = _metadata_pairs(error.trailing_metadata())
    reason: Optional[str] = None
    domain: Optional[str] = None
    metadata: Dict[str, str] = {}
    retry_after: Optional[float] = None
    violations: List[FieldViolation] = []
    raw = next((value for key, value in trailing if key == _STATUS_DETAILS_KEY), None)
    if isinstance(raw, bytes):
        details = _decode_status_details(raw)
        if details is not None:
            reason, domain, metadata, retry_after, violations = details
    cls: Type[TollgateError] = TollgateError
    if reason is not None and domain == ERROR_DOMAIN:
        cls = BY_REASON.get(reason, TollgateError)
    return cls(
        status_code,
        message,
        reason=reason,
        metadata=metadata,
        retry_after=retry_after,
        field_violations=violations,
        trailing_metadata=trailing,
    )


_Details = Tuple[Optional[str], Optional[str], Dict[str, str], Optional[float], List[FieldViolation]]


def _decode_status_details(raw: bytes) -> Optional[_Details]:
    """Reads ErrorInfo, RetryInfo and BadRequest out of a serialized google.rpc.Status."""
    # Imported here: the google.rpc modules are only needed once a call failed.
    from google.protobuf.message import DecodeError
    from google.rpc import error_details_pb2, status_pb2

    try:
        status: Any = status_pb2.Status.FromString(raw)
    except DecodeError:
        return None
    reason: Optional[str] = None
    domain: Optional[str] = None
    metadata: Dict[str, str] = {}
    retry_after: Optional[float] = None
    violations: List[FieldViolation] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info: Any = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = str(info.reason)
            domain = str(info.domain)
            metadata = {str(k): str(v) for k, v in info.metadata.items()}
        elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            retry: Any = error_details_pb2.RetryInfo()
            detail.Unpack(retry)
            retry_after = int(retry.retry_delay.seconds) + int(retry.retry_delay.nanos) / 1e9
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad: Any = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations.extend(FieldViolation(str(v.field), str(v.description)) for v in bad.field_violations)
    return reason, domain, metadata, retry_after, violations


def _metadata_pairs(metadata: Any) -> Tuple[Tuple[str, Union[str, bytes]], ...]:
    # Both grpcio's tuple of (key, value) items and grpc.aio.Metadata iterate
    # as (key, value) pairs.
    if metadata is None:
        return ()
    return tuple((str(key), value) for key, value in metadata)


def _parse_int(text: Optional[str]) -> Optional[int]:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None


# RFC 3339 as the server writes it (chrono's to_rfc3339: 0, 3, 6 or 9
# fractional digits, an offset or Z). datetime.fromisoformat reads neither
# nanoseconds nor "Z" before Python 3.11, so this is parsed by hand.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


def _parse_time(text: Optional[str]) -> Optional[datetime]:
    """A timezone-aware datetime (in UTC) from an RFC 3339 timestamp, or None."""
    if text is None:
        return None
    match = _RFC3339.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    micros = int((fraction or "0")[:6].ljust(6, "0"))
    offset = timedelta(0)
    if not zulu:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        if sign == "-":
            offset = -offset
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micros,
            tzinfo=timezone(offset),
        )
    except ValueError:
        return None
    return moment.astimezone(timezone.utc)
