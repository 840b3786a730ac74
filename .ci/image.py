"""The parts of .ci/image that are easier in Python (standard library only).

  config INSPECT_JSON    the image configuration of `buildah inspect`, one
                         JSON document, keys sorted (for diff)
  tree ROOT              every file under ROOT: path, type, mode, owner, size,
                         SHA-256 or link target, one per line (for diff)
  start ROOT CONFIG VOLUME=HOSTDIR...
                         start the image's command the way a container
                         runtime with a read-only root does (run it inside
                         `unshare --mount`): ROOT, the image's mounted root
                         file system, bind-mounted onto DIR/root (DIR:
                         CONFIG's directory; the ROOT to give `exec`) with
                         /dev (the standard devices) and /proc, made
                         read-only, each of the image's volumes bind-mounted
                         from a host directory, then chroot, the working
                         directory, the user and group (no supplementary
                         groups, no new privileges) and exactly the
                         environment the configuration names, and exec
                         entrypoint + cmd
  exec ROOT CONFIG ARG...
                         run ARG... as the image's user, with its environment
                         and working directory, in ROOT as `start` left it
                         (like `kubectl exec`; run it inside the server's
                         mount namespace with `nsenter --mount`)
  signin BINARY SOCKET UID GID
                         as UID:GID, enrol a user in TOTP with BINARY's client
                         commands over SOCKET, begin a sign-in challenge and
                         pass it with the next code

CONFIG is the JSON `config` prints. Exit status 1 with a message on stderr
when something is not as expected.
"""

import base64
import ctypes
import hashlib
import hmac
import json
import os
import stat
import struct
import subprocess
import sys
import time


def fail(message: str) -> None:
    print(f"image.py: {message}", file=sys.stderr)
    sys.exit(1)


def config(inspect_path: str) -> None:
    with open(inspect_path) as f:
        inspected = json.load(f)
    print(json.dumps(inspected["OCIv1"]["config"], indent=1, sort_keys=True))


def tree(root: str) -> None:
    def describe(path: str) -> str:
        st = os.lstat(path)
        rel = os.path.relpath(path, root)
        name = "/" if rel == "." else "/" + rel
        line = f"{name} {stat.filemode(st.st_mode)} {st.st_uid}:{st.st_gid}"
        if stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                line += f" {st.st_size} sha256:{hashlib.sha256(f.read()).hexdigest()}"
        elif stat.S_ISLNK(st.st_mode):
            line += f" -> {os.readlink(path)}"
        return line

    print(describe(root))
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            print(describe(os.path.join(top, name)))


def load_config(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def ids(root: str, user: str) -> tuple[int, int]:
    """The image's USER (`uid`, `uid:gid`, or names from its /etc/passwd)."""
    name, _, group = user.partition(":")

    def lookup(file: str, key: str) -> int:
        if key.isdigit():
            return int(key)
        with open(os.path.join(root, "etc", file)) as f:
            for line in f:
                fields = line.strip().split(":")
                if fields[0] == key:
                    return int(fields[2])
        fail(f"{key} is not in the image's /etc/{file}")
        return -1

    uid = lookup("passwd", name or "0")
    if group:
        return uid, lookup("group", group)
    with open(os.path.join(root, "etc", "passwd")) as f:
        for line in f:
            fields = line.strip().split(":")
            if fields[2] == str(uid):
                return uid, int(fields[3])
    return uid, uid


def become(root: str, cfg: dict) -> dict:
    """chroot into root, cd to the working directory, drop to the image's
    user; returns the environment to exec with."""
    uid, gid = ids(root, cfg.get("User") or "0")
    env = dict(e.split("=", 1) for e in cfg.get("Env") or [])
    os.chroot(root)
    os.chdir(cfg.get("WorkingDir") or "/")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(38, 1, 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        fail("prctl(PR_SET_NO_NEW_PRIVS) failed")
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)  # from root to another uid: every capability goes
    return env


def resolve(program: str, env: dict) -> str:
    if "/" in program:
        return program
    for directory in env.get("PATH", "").split(":"):
        candidate = os.path.join(directory, program)
        if os.access(candidate, os.X_OK):
            return candidate
    fail(f"{program} is not on the image's PATH")
    return program


# The devices every OCI runtime gives a container (the runtime spec's
# default devices). The static binary needs /dev/urandom: its getrandom
# crate finds no getrandom() in a static glibc and reads the device instead.
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")


def start(root: str, config_path: str, volumes: list[str]) -> None:
    # Started as `unshare --mount ... python3 image.py start`: the parent is
    # the caller, outside the new namespace. Refuse to bind anything in the
    # caller's own namespace.
    if os.readlink("/proc/self/ns/mnt") == os.readlink(f"/proc/{os.getppid()}/ns/mnt"):
        fail("start: run me with unshare --mount --propagation private, in a mount namespace of my own")
    cfg = load_config(config_path)
    declared = sorted(cfg.get("Volumes") or {})
    given = dict(v.split("=", 1) for v in volumes)
    if sorted(given) != declared:
        fail(f"the image declares volumes {declared}, given {sorted(given)}")
    new_root = os.path.join(os.path.dirname(os.path.abspath(config_path)), "root")
    os.makedirs(new_root, exist_ok=True)
    # As a runtime (runc) does: /dev with the standard devices and /proc,
    # their mount points made in the container's own writable layer (not
    # the image), then the root made read-only, then the volumes.
    subprocess.run(["mount", "--bind", root, new_root], check=True)
    for directory in ("dev", "proc"):
        os.makedirs(os.path.join(new_root, directory), exist_ok=True)
    mounts = [["mount", "-t", "tmpfs", "-o", "nosuid,mode=0755,size=64k", "tmpfs", new_root + "/dev"]]
    for device in DEVICES:
        mounts.append(["touch", f"{new_root}/dev/{device}"])
        mounts.append(["mount", "--bind", f"/dev/{device}", f"{new_root}/dev/{device}"])
    mounts.append(["mount", "-t", "proc", "-o", "nosuid,nodev,noexec", "proc", new_root + "/proc"])
    mounts.append(["mount", "-o", "remount,bind,ro", new_root])
    for volume in declared:
        mounts.append(["mount", "--bind", given[volume], new_root + volume])
    for command in mounts:
        subprocess.run(command, check=True)
    argv = (cfg.get("Entrypoint") or []) + (cfg.get("Cmd") or [])
    env = become(new_root, cfg)
    os.execve(resolve(argv[0], env), argv, env)


def exec_(root: str, config_path: str, argv: list[str]) -> None:
    env = become(root, load_config(config_path))
    os.execve(resolve(argv[0], env), argv, env)


def totp(secret: str, step: int, digits: int, algorithm: str) -> str:
    """RFC 6238, as an authenticator app computes it."""
    digest = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}.get(algorithm, hashlib.sha1)
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    mac = hmac.new(key, struct.pack(">Q", step), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def signin(binary: str, socket: str, uid: str, gid: str) -> None:
    def client(*args: str) -> dict:
        done = subprocess.run(
            [binary, *args, "--socket", socket, "--json"],
            user=int(uid), group=int(gid), extra_groups=[],
            capture_output=True, text=True, timeout=30,
        )
        if done.returncode != 0:
            fail(f"tollgate {' '.join(args)}: exit {done.returncode}: {done.stdout.strip()} {done.stderr.strip()}")
        return json.loads(done.stdout)

    user = "image-smoke"
    begun = client("totp", "begin", "--user", user)
    period = int(str(begun["period_seconds"]).rstrip("s"))
    digits, algorithm = int(begun["digits"]), str(begun["algorithm"])
    step = int(time.time()) // period
    confirmed = client("totp", "confirm", "--user", user, "--code",
                       totp(begun["secret_base32"], step, digits, algorithm))
    if confirmed.get("state") != "enabled" or not confirmed.get("recovery_codes"):
        fail(f"totp confirm: {confirmed}")
    challenge = client("challenge", "begin", "--user", user)
    if challenge.get("decision") != "challenge":
        fail(f"challenge begin: {challenge}")
    # Confirming spent this time step; the next one is inside the window the
    # server accepts (one step either side) and not used yet.
    step = int(time.time()) // period + 1
    verified = client("challenge", "verify", "--user", user, "--challenge", challenge["challenge_id"],
                      "--code", totp(begun["secret_base32"], step, digits, algorithm))
    if verified.get("verified") is not True or verified.get("methods_used") != ["totp"]:
        fail(f"challenge verify: {verified}")


def main() -> None:
    if len(sys.argv) < 2:
        fail(__doc__)
    command, args = sys.argv[1], sys.argv[2:]
    if command == "config" and len(args) == 1:
        config(*args)
    elif command == "tree" and len(args) == 1:
        tree(*args)
    elif command == "start" and len(args) >= 2:
        start(args[0], args[1], args[2:])
    elif command == "exec" and len(args) >= 3:
        exec_(args[0], args[1], args[2:])
    elif command == "signin" and len(args) == 4:
        signin(*args)
    else:
        fail(f"unknown command or wrong arguments: {sys.argv[1:]}\n{__doc__}")


if __name__ == "__main__":
    main()
