#!/usr/bin/env python3
"""privacyIDEA token export -> tollgate import rows (JSON Lines).

Reads what privacyIDEA's token janitor exports (privacyIDEA 3.11 and later):
  CSV:  pi-tokenjanitor find --tokenattribute 'tokentype=totp' export --format csv
        lines "owner, serial, otpkey, type, otplen, timeStep" without a header
        (owner is login@realm, or n/a); the CSV has no hash algorithm: --hashlib
  JSON: the YAML export (export --format yaml), converted to JSON on the
        privacyIDEA host, where PyYAML is installed:
          python3 -c 'import sys,json,yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)' \\
            < tokens.yaml > tokens.json
        a list of tokens: type, otpkey, otplen, active, revoked, locked, owner,
        info_list {timeStep, hashlib}
and writes one row per user with a TOTP token, for `tollgate import`.
Standard library only.

Mapping (see docs/migrating.md):
  otpkey (hex; base32 when exported with --b32: give --b32 here too)
                            totp_secret (hex turned into base32)
  otplen                    totp_digits
  timeStep / info_list.timeStep   totp_period
  info_list.hashlib sha1|sha256|sha512   totp_algorithm
  owner login@realm         user_id: the login (--keep-realm: login@realm)
HOTP and other token types are skipped with a warning, as are tokens that are
disabled, revoked or locked, and tokens with no owner. A user with several
TOTP tokens keeps the first (tollgate holds one authenticator app per user).

Usage: privacyidea_to_tollgate.py tokens.csv|tokens.json > users.jsonl
Warnings (never a secret) go to stderr.
"""
import argparse
import base64
import binascii
import csv
import json
import sys

ALGORITHMS = {"sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512"}


def warn(message):
    print(f"privacyidea_to_tollgate: {message}", file=sys.stderr)


def tokens_from_csv(path, hashlib):
    with open(path, encoding="utf-8", newline="") as f:
        for fields in csv.reader(f, skipinitialspace=True):
            if not fields or not fields[0].strip():
                continue
            owner, serial, otpkey, kind, otplen = (x.strip() for x in fields[:5])
            step = fields[5].strip() if len(fields) > 5 else "30"
            yield {
                "owner": owner, "serial": serial, "otpkey": otpkey, "type": kind,
                "otplen": otplen, "info_list": {"timeStep": step, "hashlib": hashlib},
            }


def tokens_from_json(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    return doc if isinstance(doc, list) else doc.get("tokens", [])


def secret_of(token, b32):
    key = str(token.get("otpkey", "")).strip()
    if b32:
        return key.replace(" ", "").upper().rstrip("=")
    raw = binascii.unhexlify(key)
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def row_of(token, args):
    serial = token.get("serial", "?")
    kind = str(token.get("type", "")).lower()
    if kind != "totp":
        warn(f"{serial}: skipped: a {kind or 'untyped'} token (tollgate imports TOTP only)")
        return None
    for flag, bad in (("active", False), ("revoked", True), ("locked", True)):
        if flag in token and bool(token[flag]) == bad:
            warn(f"{serial}: skipped: {'disabled' if flag == 'active' else flag}")
            return None
    owner = str(token.get("owner") or "n/a").strip()
    if owner in ("", "n/a"):
        warn(f"{serial}: skipped: no owner")
        return None
    user_id = owner if args.keep_realm else owner.rsplit("@", 1)[0]
    info = token.get("info_list") or {}
    hashlib = str(info.get("hashlib") or args.hashlib).lower()
    if hashlib not in ALGORITHMS:
        warn(f"{serial}: skipped: hashlib {hashlib} is not supported")
        return None
    try:
        secret = secret_of(token, args.b32)
    except (binascii.Error, ValueError):
        warn(f"{serial}: skipped: otpkey is not {'base32' if args.b32 else 'hex'} (--b32?)")
        return None
    return {
        "user_id": user_id,
        "totp_secret": secret,
        "totp_digits": int(token.get("otplen") or 6),
        "totp_period": int(str(info.get("timeStep") or 30).rstrip("s")),
        "totp_algorithm": ALGORITHMS[hashlib],
        "default_method": "totp",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("export", help="the token export: .csv, or .json (the YAML export as JSON)")
    parser.add_argument("--b32", action="store_true", help="otpkey is base32 (exported with --b32), not hex")
    parser.add_argument("--hashlib", default="sha1", choices=sorted(ALGORITHMS),
                        help="the algorithm of CSV tokens, which the CSV does not say (default: sha1)")
    parser.add_argument("--keep-realm", action="store_true", help="user_id is login@realm, not the login")
    args = parser.parse_args()
    if args.export.lower().endswith(".csv"):
        tokens = tokens_from_csv(args.export, args.hashlib)
    else:
        tokens = tokens_from_json(args.export)
    seen = set()
    written = skipped = 0
    for token in tokens:
        row = row_of(token, args)
        if row is None:
            skipped += 1
            continue
        if row["user_id"] in seen:
            warn(f"{token.get('serial', '?')}: skipped: {row['user_id']} has a TOTP token already")
            skipped += 1
            continue
        seen.add(row["user_id"])
        print(json.dumps(row))
        written += 1
    warn(f"{written} users written, {skipped} tokens skipped")


if __name__ == "__main__":
    main()
