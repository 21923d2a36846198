"""Keys for `summit serve`: its own host key, and the client keys it lets in.

The host key is generated once and kept, so clients see the same fingerprint
across restarts (a changed host key makes OpenSSH refuse to connect). Client
keys come only from an authorized_keys file, re-read when it changes so adding
a colleague's key needs no restart.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import platformdirs

APP_NAME = "summit-explorer"
HOST_KEY_NAME = "ssh_host_ed25519_key"


class KeyFileError(Exception):
    """A key file is missing or unreadable; the message is one line for the user."""


def default_host_key_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / HOST_KEY_NAME


def default_authorized_keys_path() -> Path:
    return Path.home() / ".ssh" / "authorized_keys"


def load_or_create_host_key(path: Path | None) -> tuple[asyncssh.SSHKey, Path]:
    """The host key at `path` (default: the user data dir), generated on first use.

    A new key is written with mode 0600 from the start (never world-readable,
    not even briefly) and renamed into place so a crash leaves no half key.
    """
    target = (path or default_host_key_path()).expanduser()
    if target.exists():
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError as exc:
            raise KeyFileError(f"cannot read host key {target}: {exc.strerror}") from exc
        if mode & 0o077:
            raise KeyFileError(
                f"refusing host key {target}: others may read it (mode {mode:04o}); "
                f"run chmod 600 {target}"
            )
        try:
            return asyncssh.read_private_key(str(target)), target
        except (OSError, asyncssh.KeyImportError, ValueError) as exc:
            raise KeyFileError(f"cannot read host key {target}: {exc}") from exc
    if path is not None:
        raise KeyFileError(
            f"host key file {target} does not exist (create one with "
            f"ssh-keygen -t ed25519 -N '' -f {target}, or omit --host-key)"
        )
    key = asyncssh.generate_private_key("ssh-ed25519", comment="summit serve host key")
    _write_private(target, key.export_private_key())
    return key, target


def _write_private(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


UNSAFE_MODE_BITS = stat.S_IWGRP | stat.S_IWOTH
"""An authorized_keys file others may write lets them add their own key (sshd's StrictModes)."""

HARMLESS_OPTIONS = frozenset(
    {"restrict", "no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding", "no-user-rc"}
)
"""Key options that only forbid what this server never allows anyway."""
ENFORCED_OPTIONS = frozenset({"from", "expiry-time"})
"""Key options this server honours (asyncssh checks from=; expiry-time is checked here).
A key with any other option (command=, environment=, no-pty, permitopen=, …) is refused:
ignoring an option the operator wrote would grant more than they meant."""


@dataclass(frozen=True)
class KeyDecision:
    """Whether a key may log in, and if not, why (for the log)."""

    allowed: bool
    reason: str | None = None


@dataclass
class AuthorizedKeys:
    """The client keys from one authorized_keys file, reloaded when the file changes.

    Fails closed: a file that is deleted, unreadable, garbled (a line that is not a key)
    or writable by others revokes every key until it is fixed; `problem` says why.
    """

    path: Path
    _keys: asyncssh.SSHAuthorizedKeys | None = None
    _stamp: tuple[int, int, int, int] | None = None
    problem: str | None = None

    def load(self) -> None:
        """(Re)read the file; raises KeyFileError with a one-line message."""
        try:
            info = self.path.stat()
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise KeyFileError(
                f"no authorized keys file at {self.path}: put your public key there "
                "or pass --authorized-keys FILE"
            ) from exc
        except (OSError, ValueError) as exc:
            raise KeyFileError(f"cannot read authorized keys {self.path}: {exc}") from exc
        if info.st_mode & UNSAFE_MODE_BITS:
            raise KeyFileError(
                f"refusing authorized keys {self.path}: others may write to it "
                f"(mode {stat.S_IMODE(info.st_mode):04o}); run chmod go-w {self.path}"
            )
        self._keys = parse_authorized_keys(text, self.path)
        self._stamp = _stamp(info)
        self.problem = None

    def refresh(self) -> str | None:
        """Reload if the file changed. A file gone or gone bad revokes every key; the
        reason is returned (once per change) for the log."""
        try:
            info = self.path.stat()
        except OSError as exc:
            return self._revoke(f"authorized keys {self.path} unreadable ({exc.strerror}): "
                                "every key refused", None)
        if _stamp(info) == self._stamp:
            return None
        try:
            self.load()
        except KeyFileError as exc:
            return self._revoke(f"{exc}: every key refused", _stamp(info))
        return None

    def _revoke(self, why: str, stamp: tuple[int, int, int, int] | None) -> str | None:
        changed = why != self.problem
        self._keys, self._stamp, self.problem = None, stamp, why
        return why if changed else None

    def decide(self, key: asyncssh.SSHKey, client_addr: str,
               now: dt.datetime | None = None) -> KeyDecision:
        """Whether `key` may log in from `client_addr`, honouring from= and expiry-time."""
        if self._keys is None:
            return KeyDecision(False, self.problem or "no authorized keys")
        options = self._keys.validate(key, client_addr, client_addr, None, ca=False)
        if options is None:
            return KeyDecision(False, "not an authorized key (or from= does not match)")
        unsupported = sorted(set(options) - HARMLESS_OPTIONS - ENFORCED_OPTIONS)
        if unsupported:
            return KeyDecision(False, f"key option {unsupported[0]} is not supported")
        expiries = options.get("expiry-time") or []
        for value in expiries if isinstance(expiries, list) else [expiries]:
            expiry = parse_expiry(str(value))
            if expiry is None:
                return KeyDecision(False, "unreadable expiry-time")
            if (now or dt.datetime.now(dt.UTC)) >= expiry:
                return KeyDecision(False, "key expired")
        return KeyDecision(True)

    def allows(self, key: asyncssh.SSHKey, client_host: str, client_addr: str) -> bool:
        return self.decide(key, client_addr).allowed


def _stamp(info: os.stat_result) -> tuple[int, int, int, int]:
    return info.st_mtime_ns, info.st_size, info.st_ino, info.st_mode


def parse_authorized_keys(text: str, path: Path) -> asyncssh.SSHAuthorizedKeys:
    """Every line a key (blank lines and comments aside), or KeyFileError: a garbled
    file must not keep some keys working while others silently vanish."""
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            asyncssh.import_authorized_keys(stripped + "\n")
        except (ValueError, asyncssh.KeyImportError) as exc:
            raise KeyFileError(
                f"authorized keys {path} line {number} is not a key ({exc})"
            ) from exc
    if not any(line.strip() and not line.strip().startswith("#") for line in lines):
        raise KeyFileError(f"authorized keys {path} holds no key")
    return asyncssh.import_authorized_keys(text)


def parse_expiry(value: str) -> dt.datetime | None:
    """OpenSSH's expiry-time: YYYYMMDD[HHMM[SS]], local time unless it ends in Z."""
    text = value.strip().strip('"')
    utc = text.endswith(("Z", "z"))
    digits = text[:-1] if utc else text
    formats = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}
    if not digits.isdigit() or len(digits) not in formats:
        return None
    try:
        moment = dt.datetime.strptime(digits, formats[len(digits)])
    except ValueError:
        return None
    return moment.replace(tzinfo=dt.UTC) if utc else moment.astimezone()
