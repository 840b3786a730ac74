#!/usr/bin/env python3
"""Ory Kratos identities -> tollgate import rows (JSON Lines).

Reads identities as Kratos's admin API returns them with their second-factor
credentials included:
  GET /admin/identities?include_credential=totp&include_credential=lookup_secret
(a JSON array per page; give every page, or one JSON object per line) and
writes one row per identity that has TOTP, for `tollgate import`. Standard
library only.

Mapping (Kratos v1.3 and v25/v26; see docs/migrating.md):
  credentials.totp.config.totp_url              otpauth_uri (carries secret,
                                                digits, period, algorithm)
  credentials.totp.created_at                   totp_enabled_at
  credentials.lookup_secret.config
    .recovery_codes[] {code, used_at}           recovery_codes: the unused ones
  traits.email (--email-trait)                  email
  verifiable_addresses[] (via email) .verified  email_confirmed
  id (default) or a trait (--user-id-trait)     user_id

Usage: kratos_to_tollgate.py identities.json [page2.json ...] > users.jsonl
Warnings (never a secret) go to stderr.
"""
import argparse
import json
import sys

UNSET_TIMES = (None, "", "0001-01-01T00:00:00Z")


def warn(message):
    print(f"kratos_to_tollgate: {message}", file=sys.stderr)


def identities_of(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = json.loads(text)
        return doc if isinstance(doc, list) else [doc]
    except json.JSONDecodeError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def row_of(identity, args):
    name = identity.get("id", "?")
    credentials = identity.get("credentials") or {}
    totp = credentials.get("totp")
    if not totp:
        return None
    uri = (totp.get("config") or {}).get("totp_url")
    if not uri:
        warn(f"{name}: skipped: its TOTP credential has no config (was include_credential=totp given?)")
        return None
    traits = identity.get("traits") or {}
    user_id = identity.get("id") if args.user_id_trait is None else traits.get(args.user_id_trait)
    if not user_id:
        warn(f"{name}: skipped: no user id")
        return None
    row = {"user_id": user_id, "otpauth_uri": uri}
    if totp.get("created_at") not in UNSET_TIMES:
        row["totp_enabled_at"] = totp["created_at"]
    lookup = (credentials.get("lookup_secret") or {}).get("config") or {}
    codes = [c["code"] for c in lookup.get("recovery_codes", []) if c.get("used_at") in UNSET_TIMES]
    if codes:
        row["recovery_codes"] = codes
    elif "lookup_secret" in credentials:
        warn(f"{name}: no unused recovery codes (or their config was not included)")
    email = traits.get(args.email_trait)
    if isinstance(email, str) and email:
        verified = any(
            a.get("value", "").lower() == email.lower() and a.get("verified")
            for a in identity.get("verifiable_addresses") or []
        )
        row["email"] = email
        row["email_confirmed"] = verified
        row["email_enabled"] = verified and args.enable_email
    row["default_method"] = "totp"
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="+", help="JSON files of identities")
    parser.add_argument("--user-id-trait", help="use this trait as user_id instead of the identity id")
    parser.add_argument("--email-trait", default="email", help="the trait holding the email address (default: email)")
    parser.add_argument("--enable-email", action="store_true",
                        help="turn verified email addresses on as a second factor too")
    args = parser.parse_args()
    written = skipped = 0
    for path in args.pages:
        for identity in identities_of(path):
            row = row_of(identity, args)
            if row is None:
                skipped += 1
                continue
            print(json.dumps(row))
            written += 1
    warn(f"{written} identities written, {skipped} without TOTP skipped")


if __name__ == "__main__":
    main()
