"""Keys for `summit serve`: its own host key, and the client keys it lets in.

The host key is generated once and kept, so clients see the same fingerprint
across restarts (a changed host key makes OpenSSH refuse to connect). Client
keys come only from an authorized_keys file, re-read when it changes so adding
a colleague's key needs no restart.
"""

from __future__ import annotations

import contextlib
import os
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


@dataclass
class AuthorizedKeys:
    """The client keys from one authorized_keys file, reloaded when the file changes."""

    path: Path
    _keys: asyncssh.SSHAuthorizedKeys | None = None
    _stamp: tuple[int, int] | None = None

    def load(self) -> None:
        """(Re)read the file; raises KeyFileError with a one-line message."""
        try:
            stat = self.path.stat()
            keys = asyncssh.read_authorized_keys(str(self.path))
        except FileNotFoundError as exc:
            raise KeyFileError(
                f"no authorized keys file at {self.path}: put your public key there "
                "or pass --authorized-keys FILE"
            ) from exc
        except (OSError, ValueError, asyncssh.KeyImportError) as exc:
            raise KeyFileError(f"cannot read authorized keys {self.path}: {exc}") from exc
        self._keys, self._stamp = keys, (stat.st_mtime_ns, stat.st_size)

    def refresh(self) -> None:
        """Reload if the file changed; on a read error keep the last good keys."""
        try:
            stat = self.path.stat()
        except OSError:
            return
        if (stat.st_mtime_ns, stat.st_size) != self._stamp:
            with contextlib.suppress(KeyFileError):
                self.load()

    def allows(self, key: asyncssh.SSHKey, client_host: str, client_addr: str) -> bool:
        """True if the key is listed (and its from= option, if any, matches the peer)."""
        if self._keys is None:
            return False
        options = self._keys.validate(key, client_host, client_addr, None, ca=False)
        return options is not None
