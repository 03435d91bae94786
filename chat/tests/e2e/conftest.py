"""Fixtures for the chat end-to-end tests: real cchatd processes, real sockets.

Binaries come from $CCHAT_BIN (set by `make check-chat`; build/san/bin with
SANITIZE=1), else build/bin under the repository.

Fixtures and helpers
--------------------
server
    A cchatd on 127.0.0.1 with a free port, default options.  Yields a
    Server: .host, .port, .proc, .stderr_text(), .stdout_text().  At
    teardown it gets SIGTERM and the test fails unless it exits with 0
    (under the sanitizers that also means: no leak, no error).

start_server(*options, console=False)
    Factory fixture for a cchatd with extra command line options, e.g.
    start_server("--no-flood-control", "--sendq", "65536").  Unless the
    options say otherwise, --max-per-address is 0 (no limit).  With
    console=True its stdin is a pipe: server.console("say #c hi").
    Stopped like `server` at teardown.

RawClient(host, port)  (also the `raw_client` factory fixture:
raw_client(server) -> RawClient connected to that server, closed at
teardown)
    .send("PRIVMSG #c :hi")      adds CR LF; .send_raw(b"...") sends bytes
    .expect(r"regex")            reads lines until one matches (re.search);
                                 returns the re.Match, fails after TIMEOUT
    .register("nick")            NICK + USER, waits for the end of the MOTD
    .join("#chan")               JOIN, waits for the end of NAMES
    .sync()                      PING/PONG round trip: everything the
                                 server sent before is now read
    .lines                       every line received so far, as text
    .expect_closed()             reads to end of stream, returns the lines
    A RawClient answers the server's PING by itself unless made with
    auto_pong=False; the PING line is still recorded and can be expected.

Waits are generous (TIMEOUT seconds) because the machine is small and
shared and the sanitizer build is slow; no test sleeps to assert.
"""
import os
import re
import resource
import select
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[3]
BIN = Path(os.environ.get("CCHAT_BIN", TOP / "build" / "bin"))
TIMEOUT = float(os.environ.get("CCHAT_TEST_TIMEOUT", "30"))
SERVER_NAME = "cchatd.local"


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


raise_fd_limit()


def wait_for(predicate, timeout=TIMEOUT, what="condition"):
    """Polls predicate until it returns a true value, which is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Server:
    """A running cchatd; see the module docstring."""

    def __init__(self, tmp_path, options, console=False, listen="127.0.0.1"):
        self.dir = tmp_path / f"cchatd-{uuid.uuid4().hex[:8]}"
        self.dir.mkdir()
        self.stdout_path = self.dir / "stdout.txt"
        self.stderr_path = self.dir / "stderr.txt"
        argv = [str(BIN / "cchatd"), "--listen", listen, "--port", "0"]
        # Every test client comes from 127.0.0.1: no per-address limit
        # unless the test sets one.
        if "--max-per-address" not in options:
            argv += ["--max-per-address", "0"]
        argv += [str(o) for o in options]
        argv.append("--console" if console else "--no-console")
        with open(self.stdout_path, "wb") as out, \
                open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=err,
                stdin=subprocess.PIPE if console else subprocess.DEVNULL)
        match = self.wait_stderr(r"listening on (\S+) port (\d+)")
        self.host = match.group(1)
        self.port = int(match.group(2))
        self.wait_stderr(r"ready")

    def stderr_text(self):
        return self.stderr_path.read_text(errors="replace")

    def stdout_text(self):
        return self.stdout_path.read_text(errors="replace")

    def wait_stderr(self, pattern, timeout=TIMEOUT):
        def seen():
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"cchatd exited with {self.proc.returncode}:\n"
                    + self.stderr_text())
            return re.search(pattern, self.stderr_text())
        return wait_for(seen, timeout, f"cchatd to log {pattern!r}")

    def wait_stdout(self, pattern, timeout=TIMEOUT):
        return wait_for(lambda: re.search(pattern, self.stdout_text()),
                        timeout, f"console output {pattern!r}")

    def console(self, command):
        self.proc.stdin.write(command.encode() + b"\n")
        self.proc.stdin.flush()

    def signal(self, signo):
        self.proc.send_signal(signo)

    def wait_exit(self, timeout=TIMEOUT):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("cchatd did not exit:\n"
                                 + self.stderr_text())

    def stop(self):
        """SIGTERM, then the exit status must be 0."""
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
        code = self.wait_exit()
        if self.proc.stdin:
            self.proc.stdin.close()
        assert code == 0, f"cchatd exit status {code}:\n{self.stderr_text()}"


class RawClient:
    """A line-oriented IRC connection over a plain socket."""

    def __init__(self, host, port, timeout=TIMEOUT, family=socket.AF_UNSPEC,
                 rcvbuf=None, auto_pong=True):
        infos = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)
        fam, kind, proto, _, addr = infos[0]
        self.sock = socket.socket(fam, kind, proto)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(addr)
        self.timeout = timeout
        self.buf = b""
        self.lines = []
        self.eof = False
        self.nick = None
        self.auto_pong = auto_pong

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, line):
        if isinstance(line, str):
            line = line.encode()
        self.sock.sendall(line + b"\r\n")

    def _take_line(self):
        match = re.search(b"\r\n|\n", self.buf)
        if not match:
            return None
        raw = self.buf[:match.start()]
        self.buf = self.buf[match.end():]
        line = raw.decode("utf-8", "surrogateescape")
        self.lines.append(line)
        if self.auto_pong and line.startswith("PING "):
            self.send("PONG " + line[5:])
        return line

    def read_line(self, timeout=None):
        """The next line, or None at end of stream."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            line = self._take_line()
            if line is not None:
                return line
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no complete line from the server")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if not data:
                self.eof = True
            self.buf += data

    def expect(self, pattern, timeout=None):
        """Reads lines until one matches pattern; returns the match."""
        recent = []
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.read_line(max(left, 0.001))
            except (TimeoutError, socket.timeout):
                line = None
                left = 0
            if line is None:
                raise AssertionError(
                    f"{'timeout' if left <= 0 else 'end of stream'} "
                    f"waiting for {pattern!r}; last lines: {recent[-10:]}")
            recent.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def expect_closed(self, timeout=None):
        """Reads until the server closes; returns the lines read."""
        seen = []
        while True:
            line = self.read_line(timeout)
            if line is None:
                return seen
            seen.append(line)

    def sync(self, token=None):
        """Round trip: returns once every earlier reply has been read,
        and the lines read on the way."""
        token = token or uuid.uuid4().hex[:12]
        start = len(self.lines)
        self.send(f"PING :{token}")
        self.expect(rf"PONG \S+ :{token}$")
        return self.lines[start:-1]

    def register(self, nick, user=None, realname="Test Client"):
        self.send(f"NICK {nick}")
        self.send(f"USER {user or nick} 0 * :{realname}")
        self.expect(r"^:\S+ 001 ")
        self.expect(r"^:\S+ (376|422) ")
        self.nick = nick
        return self

    def join(self, channel):
        self.send(f"JOIN {channel}")
        self.expect(rf"^:\S+ 366 \S+ {re.escape(channel)} ")
        return self

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def connect_many(server, count):
    """count sockets connected to server, without reading anything."""
    socks = []
    for _ in range(count):
        s = socket.create_connection((server.host, server.port),
                                     timeout=TIMEOUT)
        socks.append(s)
    return socks


def read_all_until(socks, done, timeout=TIMEOUT):
    """Reads every socket without blocking until done(index, line) has
    returned True for each socket; returns the lines seen per socket."""
    bufs = [b""] * len(socks)
    seen = [[] for _ in socks]
    pending = set(range(len(socks)))
    index_of = {s.fileno(): i for i, s in enumerate(socks)}
    poller = select.poll()
    for s in socks:
        s.setblocking(False)
        poller.register(s, select.POLLIN)
    deadline = time.monotonic() + timeout
    while pending:
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(pending)} clients still waiting")
        for fd, _ in poller.poll(200):
            i = index_of[fd]
            try:
                data = socks[i].recv(262144)
            except BlockingIOError:
                continue
            if not data:
                poller.unregister(fd)
                pending.discard(i)
                continue
            bufs[i] += data
            *lines, bufs[i] = bufs[i].split(b"\r\n")
            for raw in lines:
                line = raw.decode("utf-8", "surrogateescape")
                seen[i].append(line)
                if i in pending and done(i, line):
                    pending.discard(i)
    for s in socks:
        s.setblocking(True)
        s.settimeout(TIMEOUT)
    return seen


@pytest.fixture
def start_server(tmp_path):
    servers = []

    def start(*options, console=False, listen="127.0.0.1"):
        srv = Server(tmp_path, options, console=console, listen=listen)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.stop()


@pytest.fixture
def server(start_server):
    return start_server()


@pytest.fixture
def raw_client():
    clients = []

    def connect(srv, **kwargs):
        client = RawClient(srv.host, srv.port, **kwargs)
        clients.append(client)
        return client

    yield connect
    for client in clients:
        client.close()
