"""Helpers for the encrypted-mode tests (test_secure_*.py): key files, a
cchatd with an encrypted listener, cchat processes on pipes, a record
proxy that attacks the stream, and tcpdump on the loopback interface.

Everything is a real process or a real socket; the proxy only moves,
drops or changes bytes as a network attacker could.
"""
import signal
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest

from cchat_pipe import STAMP, PipeCchat, client_fixture  # noqa: F401
from conftest import BIN, TIMEOUT, Server

SECURE_PORT_RE = r"listening on \S+ port (\d+) \(encrypted\)"
AUTH_FAILED = "authentication failed"
DATA = 0x10


def make_key(directory, name="key"):
    """A fresh key file made by `cchat keygen`."""
    path = Path(directory) / name
    out = subprocess.run([str(BIN / "cchat"), "keygen", str(path)],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert out.returncode == 0, out.stderr
    return path


def make_passphrase_file(directory, text, name="passphrase"):
    path = Path(directory) / name
    path.write_text(text + "\n")
    path.chmod(0o600)
    return path


class SecureServer(Server):
    """A cchatd with its plain port (.port) and encrypted port
    (.secure_port), both on 127.0.0.1 and chosen by the kernel."""

    def __init__(self, tmp_path, options, **kwargs):
        super().__init__(tmp_path, ["--secure-port", "0", *options],
                         **kwargs)
        self.secure_port = int(self.wait_stderr(SECURE_PORT_RE).group(1))


@pytest.fixture
def start_secure_server(tmp_path):
    servers = []

    def start(*options, **kwargs):
        srv = SecureServer(tmp_path, [str(o) for o in options], **kwargs)
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.stop()


class Cchat(PipeCchat):
    """cchat on pipes, by port, in #sec unless told otherwise."""
    default_channel = "#sec"

    def __init__(self, port, nick, args=(), channel="#sec",
                 host="127.0.0.1"):
        super().__init__(port=port, nick=nick, channel=channel, host=host,
                         args=args)


cchat = client_fixture(Cchat)


def secure_args(key):
    return ["--secure", "--key", key]


def two_secure_clients(server, cchat, key, channel="#sec"):
    """alice and bob, both encrypted, both in channel."""
    alice = cchat(server.secure_port, "alice", secure_args(key),
                  channel=channel)
    alice.joined(channel)
    bob = cchat(server.secure_port, "bob", secure_args(key), channel=channel)
    bob.joined(channel)
    alice.joined(channel, nick="bob")
    return alice, bob


# ---- The attacker's proxy ----------------------------------------------

class RecordProxy:
    """A TCP proxy for one connection that forwards whole frames (the
    3-byte header of docs/secure-protocol.md section 3 tells their
    length) and, once armed, does one thing to the next DATA record in
    one direction:

      flip      change one bit of the ciphertext
      replay    forward it, then forward it again
      drop      do not forward it
      reorder   hold it back and forward it after the next DATA record
      truncate  forward half of it, then close both connections
    """

    ACTIONS = ("flip", "replay", "drop", "reorder", "truncate")

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.armed = {}
        self.held = {}
        self.lock = threading.Lock()
        self.acted = threading.Event()  # the armed record was handled
        self.done = threading.Event()   # ... and, for reorder, sent late
        self.socks = []
        self.frames = {"c2s": [], "s2c": []}
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, direction, action):
        assert direction in ("c2s", "s2c") and action in self.ACTIONS
        with self.lock:
            self.armed[direction] = action

    def _accept(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        server = socket.create_connection(self.target)
        self.socks += [client, server]
        threading.Thread(target=self._pump, daemon=True,
                         args=(client, server, "c2s")).start()
        threading.Thread(target=self._pump, daemon=True,
                         args=(server, client, "s2c")).start()

    @staticmethod
    def _read_exact(sock, n):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                break
            data += chunk
        return data

    def _read_frame(self, sock):
        """A whole frame; a shorter piece at the end of the stream; or
        None at its end."""
        hdr = self._read_exact(sock, 3)
        if len(hdr) < 3:
            return hdr or None
        return hdr + self._read_exact(sock, struct.unpack(">H", hdr[1:])[0])

    def _act(self, direction, frame, dst):
        with self.lock:
            action = self.armed.pop(direction, None) \
                if frame[0] == DATA else None
            held = self.held.pop(direction, None) \
                if frame[0] == DATA else None
        if held is not None:            # the reorder's second record
            dst.sendall(frame + held)
            self.done.set()
            return True
        if action is None:
            dst.sendall(frame)
            return True
        self.acted.set()
        if action == "flip":
            changed = bytearray(frame)
            changed[3 + 16 + 5] ^= 0x08     # a ciphertext bit
            dst.sendall(bytes(changed))
        elif action == "replay":
            dst.sendall(frame + frame)
        elif action == "drop":
            pass
        elif action == "reorder":
            with self.lock:
                self.held[direction] = frame
            return True
        elif action == "truncate":
            dst.sendall(frame[:len(frame) // 2])
            self.done.set()
            for sock in self.socks:         # an end of stream both ways
                try:
                    sock.shutdown(socket.SHUT_WR)
                except OSError:             # the other pump got there first
                    pass
            return False
        self.done.set()
        return True

    def _pump(self, src, dst, direction):
        try:
            while True:
                frame = self._read_frame(src)
                if frame is None:
                    break
                self.frames[direction].append(frame)
                if len(frame) < 3 or len(frame) != 3 + struct.unpack(
                        ">H", frame[1:3])[0]:
                    dst.sendall(frame)      # the stream's cut-off end
                    break
                if not self._act(direction, frame, dst):
                    return
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def close(self):
        for sock in self.socks + [self.listener]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


@pytest.fixture
def record_proxy():
    proxies = []

    def start(port):
        proxy = RecordProxy(port)
        proxies.append(proxy)
        return proxy

    yield start
    for proxy in proxies:
        proxy.close()


# ---- Capturing the wire ------------------------------------------------

class Tcpdump:
    """tcpdump on lo for one TCP port, writing every packet as it comes
    to a pcap file; started and ready once it says "listening".  Without
    --immediate-mode the kernel hands packets over in blocks, and those
    of the last moments would be lost at the stop."""

    def __init__(self, path, port, interface="lo"):
        self.path = Path(path)
        self.proc = subprocess.Popen(
            ["tcpdump", "-i", interface, "--immediate-mode", "-U", "-n",
             "-s", "0",
             "-w", str(self.path), "tcp port %d" % port],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.err = b""
        deadline = time.monotonic() + TIMEOUT
        while b"listening on" not in self.err:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError("tcpdump did not start: " +
                                     self.err.decode(errors="replace"))
            self.err += self.proc.stderr.read1(4096)

    def _settle(self):
        """Until the file has not grown for a moment."""
        size, still_since = -1, time.monotonic()
        deadline = still_since + TIMEOUT
        while time.monotonic() < deadline:
            now = self.path.stat().st_size if self.path.exists() else 0
            if now != size:
                size, still_since = now, time.monotonic()
            elif time.monotonic() - still_since > self.SETTLE_S:
                return
            time.sleep(0.05)

    SETTLE_S = 0.3

    def stop(self):
        """Ends the capture and returns the path of the pcap file."""
        self._settle()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.err += self.proc.stderr.read()
        self.proc.stderr.close()
        assert self.path.exists(), self.err.decode(errors="replace")
        return self.path


def wait_log(server, pattern):
    return server.wait_stderr(pattern)

