#!/usr/bin/env python3
"""Keycloak realm export -> tollgate import rows (JSON Lines).

Reads a realm export (`kc.sh export --realm REALM --file realm.json`, or the
per-realm users files of `--users different_files`) and writes one row per
user who has a TOTP credential, for `tollgate import`. Standard library only.

Mapping (Keycloak 24-26; see docs/migrating.md):
  users[].credentials[] with type "otp":
    secretData (a JSON string) .value  the secret. Without secretEncoding it
                                       is the raw string whose UTF-8 bytes are
                                       the HMAC key: it is base32-encoded here.
                                       secretEncoding "BASE32": already base32.
    credentialData (a JSON string)     subType totp|hotp (HOTP is skipped),
                                       digits, period, algorithm HmacSHA1|
                                       HmacSHA256|HmacSHA512
    createdDate (ms)                   totp_enabled_at
  email, emailVerified                 email, email_confirmed (email_enabled
                                       only with --enable-email)
  id (default) | username | email      user_id (--user-id)
Keycloak keeps recovery codes hashed: they cannot be imported. Import with
`tollgate import --mint-recovery-codes --minted-codes FILE` to give users a
fresh set.

Usage: keycloak_to_tollgate.py realm.json [more.json ...] > users.jsonl
Warnings (never a secret) go to stderr.
"""
import argparse
import base64
import json
import sys
from datetime import datetime, timezone

ALGORITHMS = {"HmacSHA1": "SHA1", "HmacSHA256": "SHA256", "HmacSHA512": "SHA512"}


def warn(message):
    print(f"keycloak_to_tollgate: {message}", file=sys.stderr)


def users_of(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if isinstance(doc, list):
        return doc
    return doc.get("users", [])


def otp_row(user, name):
    """The TOTP part of a row, or None (with a warning) when there is none."""
    otps = [c for c in user.get("credentials", []) if c.get("type") == "otp"]
    totps = []
    for cred in otps:
        data = json.loads(cred.get("credentialData") or "{}")
        if data.get("subType", "totp") != "totp":
            warn(f"{name}: skipped a {data.get('subType')} credential (tollgate imports TOTP only)")
            continue
        totps.append((cred, data))
    if not totps:
        return None
    if len(totps) > 1:
        warn(f"{name}: {len(totps)} TOTP credentials; imported the first by priority, the others dropped")
        totps.sort(key=lambda t: t[0].get("priority", 0))
    cred, data = totps[0]
    value = json.loads(cred.get("secretData") or "{}").get("value", "")
    encoding = (data.get("secretEncoding") or "").upper()
    if encoding == "BASE32":
        secret = value.replace(" ", "").upper()
    elif encoding == "":
        secret = base64.b32encode(value.encode("utf-8")).decode("ascii").rstrip("=")
    else:
        warn(f"{name}: skipped: secretEncoding {encoding} is not known here")
        return None
    algorithm = ALGORITHMS.get(data.get("algorithm", "HmacSHA1"))
    if algorithm is None:
        warn(f"{name}: skipped: algorithm {data.get('algorithm')} is not supported")
        return None
    row = {
        "totp_secret": secret,
        "totp_digits": data.get("digits", 6),
        "totp_period": data.get("period", 30),
        "totp_algorithm": algorithm,
    }
    if cred.get("createdDate"):
        created = datetime.fromtimestamp(cred["createdDate"] / 1000, tz=timezone.utc)
        row["totp_enabled_at"] = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exports", nargs="+", help="realm export JSON files")
    parser.add_argument("--user-id", choices=["id", "username", "email"], default="id",
                        help="which Keycloak field becomes tollgate's user_id (default: id, the token's sub)")
    parser.add_argument("--enable-email", action="store_true",
                        help="turn verified email addresses on as a second factor too")
    args = parser.parse_args()
    written = skipped = 0
    for path in args.exports:
        for user in users_of(path):
            name = user.get("username") or user.get("id") or "?"
            user_id = user.get(args.user_id)
            if not user_id:
                warn(f"{name}: skipped: no {args.user_id}")
                skipped += 1
                continue
            totp = otp_row(user, name)
            if totp is None:
                skipped += 1
                continue
            row = {"user_id": user_id, **totp}
            if user.get("email"):
                verified = bool(user.get("emailVerified"))
                row["email"] = user["email"]
                row["email_confirmed"] = verified
                row["email_enabled"] = verified and args.enable_email
            row["default_method"] = "totp"
            print(json.dumps(row))
            written += 1
    warn(f"{written} users written, {skipped} without a TOTP credential skipped")


if __name__ == "__main__":
    main()
