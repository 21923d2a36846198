"""`summit serve`: the explorer as its own SSH server, reached with `ssh -p 2222 host`.

Every authenticated SSH session gets a fresh explorer process on a pty of its
own (see `tui.serve.ptysession`); this package is the SSH side: who may log in (public
keys from an authorized_keys file, nothing else: `connection`), what a session may do (a
terminal running the explorer, and nothing else: no shell, no commands, no
forwarding, no SFTP), the limits (sessions, idle time, output buffering, connections
still logging in, login grace, window sizes, memory) and a clean stop on Ctrl+C or
SIGTERM that ends every session (this module: starting and stopping the server).

What runs inside a session is confined by a served `SessionPolicy` (tui.serve.policy): the
server hands it over in the session's environment, with the key's own state folder as
HOME; what the client sends as environment is validated data, never configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import asyncssh
import platformdirs

from tui.serve.connection import SummitSSHServer
from tui.serve.environment import explorer_command
from tui.serve.eventlog import EventLog
from tui.serve.session import HANGUP_GRACE
from tui.serve.settings import ServeOptions
from tui.serve.sshkeys import (
    APP_NAME,
    AuthorizedKeys,
    KeyFileError,
    load_or_create_host_key,
)
from tui.serve.state import ServerState

KEEPALIVE_INTERVAL = 30
KEEPALIVE_COUNT_MAX = 3


# -- the server -------------------------------------------------------------------


async def serve(options: ServeOptions, *, out: TextIO, err: TextIO,
                ready: Callable[[int], None] | None = None) -> int:
    """Listen until SIGINT/SIGTERM/SIGHUP, then end every session and return."""
    log = EventLog(err)
    keys = AuthorizedKeys(options.authorized_keys)
    try:
        keys.load()
        host_key, host_key_path = load_or_create_host_key(options.host_key)
    except KeyFileError as exc:
        print(f"summit serve: {exc}", file=err, flush=True)
        return 2
    index_dir = prepare_index(options, err)
    if index_dir is False:
        return 2
    if isinstance(index_dir, Path) and options.index_dir is None:
        # sessions get their own HOME and XDG folders: tell them where the index is
        options = dataclasses.replace(options, index_dir=str(index_dir))
    state_root = options.state_dir or default_state_root()
    try:
        state_root.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        print(f"summit serve: cannot use state dir {state_root}: {exc.strerror}", file=err,
              flush=True)
        return 2
    state = ServerState(options=options, keys=keys, log=log,
                        command=explorer_command(options), state_root=state_root,
                        index_dir=Path(options.index_dir) if options.index_dir else None)
    try:
        server = await _listen(state, host_key)
    except OSError as exc:
        print(f"summit serve: cannot listen on {options.host}:{options.port}: "
              f"{exc.strerror or exc}", file=err, flush=True)
        return 2
    port = server.sockets[0].getsockname()[1]
    _announce(out, options.host, port, host_key, host_key_path)
    if ready is not None:
        ready(port)
    await _wait_for_stop_signal()
    await _shutdown(state, server)
    print("summit serve: stopped", file=out, flush=True)
    return 0


async def _listen(state: ServerState, host_key: asyncssh.SSHKey) -> asyncssh.SSHAcceptor:
    return await asyncssh.create_server(
        lambda: SummitSSHServer(state),
        state.options.host, state.options.port,
        server_host_keys=[host_key],
        encoding=None,
        line_editor=False,
        allow_pty=True,
        x11_forwarding=False,
        agent_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        keepalive_interval=KEEPALIVE_INTERVAL,
        keepalive_count_max=KEEPALIVE_COUNT_MAX,
        login_timeout=state.options.login_grace,
        gss_host=None,
        reuse_address=True,
    )


def _announce(out: TextIO, host: str, port: int, key: asyncssh.SSHKey, path: Path) -> None:
    target = "localhost" if host in {"127.0.0.1", "::1", "localhost"} else host
    if host in {"", "0.0.0.0", "::"}:
        target = socket.gethostname()
    shown = f"[{host}]" if ":" in host else host
    print(f"summit serve: listening on {shown}:{port}", file=out)
    print(f"  host key  {key.get_fingerprint('sha256')}  ({path})", file=out)
    print(f"  connect   ssh -p {port} {target}", file=out, flush=True)


async def _wait_for_stop_signal() -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    for signum in signals:
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)


async def _shutdown(state: ServerState, server: asyncssh.SSHAcceptor) -> None:
    """Stop accepting, end every explorer (with a message), then drop the connections."""
    state.stopping = True
    server.close()
    sessions = list(state.sessions)
    for session in sessions:
        session.end("summit: the server is shutting down")
    if sessions:
        await asyncio.wait([asyncio.ensure_future(s.wait_ended()) for s in sessions],
                           timeout=HANGUP_GRACE + 5)
    await asyncio.sleep(0.1)  # let the goodbye messages reach the clients
    for conn in list(state.connections):
        conn.close()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(server.wait_closed(), 5)
    if state.tasks:
        await asyncio.wait(list(state.tasks), timeout=HANGUP_GRACE + 5)


def prepare_index(options: ServeOptions, err: TextIO) -> Path | bool:
    """Build or update the index once, so sessions starting together never race to.
    Returns where it is (False: unusable, True: not known)."""
    try:
        from index.engine import Engine
        from index.errors import SummitError
    except ImportError:
        return True
    try:
        engine = Engine(options.articles or None, options.index_dir)
        engine.open()
        where = engine.index_dir
        engine.close()
        return where
    except SummitError as exc:
        print(f"summit serve: {exc}", file=err, flush=True)
        return False
    except Exception as exc:  # each session will report it in its own terminal
        print(f"summit serve: warning: could not prepare the index ({exc})", file=err, flush=True)
    return True


def default_state_root() -> Path:
    """Per-key state of served sessions: apart from the operator's own history."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "serve"


def _configure_library_logging(debug: bool) -> None:
    """asyncssh logs every packet at debug level: keep it quiet unless asked."""
    logger = logging.getLogger("asyncssh")
    if debug:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s asyncssh %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    else:
        logger.setLevel(logging.ERROR)


def run(args: argparse.Namespace) -> int:
    """Entry point of `summit serve`; returns the process exit status."""
    options = ServeOptions.from_args(args)
    _configure_library_logging(options.debug)
    return asyncio.run(serve(options, out=sys.stdout, err=sys.stderr))
