"""cchat on pipes, for the end-to-end tests: stdin lines in, stdout and
stderr lines out, read by threads so that a test can wait for a line.

PipeCchat(server=None, nick=None, channel=None, host=None, port=None,
          args=())
    starts `cchat [-p PORT] [-n NICK] [-c CHANNEL] ARGS HOST`; .send(text),
    .expect(regex) (waits for an unread stdout line), .joined(channel),
    .close_stdin(), .quit(), .wait() (exit status), .stdout_text(),
    .stderr_text(), .stop().
client_fixture(cls)
    a `cchat` factory fixture for cls, stopping every client at teardown.
"""
import re
import subprocess
import threading
import time

import pytest

from conftest import BIN, TIMEOUT

STAMP = r"^\[\d\d:\d\d:\d\d\] "


class PipeCchat:
    default_channel = "#lobby"

    def __init__(self, server=None, nick=None, channel=None, host=None,
                 port=None, args=()):
        argv = [str(BIN / "cchat")]
        argv += ["-p", str(port if port is not None else server.port)]
        if nick:
            argv += ["-n", nick]
        if channel is not None:
            argv += ["-c", channel]
        argv += [str(a) for a in args]
        argv.append(host or server.host)
        self.argv = argv
        self.nick = nick
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.lines, self.errors = [], []
        self.pos = 0
        self.cond = threading.Condition()
        self.readers = [
            threading.Thread(target=self._pump, daemon=True,
                             args=(self.proc.stdout, self.lines)),
            threading.Thread(target=self._pump, daemon=True,
                             args=(self.proc.stderr, self.errors)),
        ]
        for reader in self.readers:
            reader.start()

    def _pump(self, stream, into):
        for raw in stream:
            with self.cond:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cond.notify_all()

    def _output_tail(self):
        return ("output:\n" + "\n".join(self.lines[-20:]) +
                "\nstderr:\n" + "\n".join(self.errors))

    def send(self, text):
        self.proc.stdin.write(text.encode() + b"\n")
        self.proc.stdin.flush()

    def expect(self, pattern, timeout=TIMEOUT):
        """Waits for an unread stdout line matching pattern; lines up to
        it count as read.  Returns the match."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                while self.pos < len(self.lines):
                    line = self.lines[self.pos]
                    self.pos += 1
                    match = re.search(pattern, line)
                    if match:
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and
                                 not self.readers[0].is_alive()):
                    raise AssertionError(
                        f"{self.nick}: no line matching {pattern!r}; " +
                        self._output_tail())
                self.cond.wait(min(left, 0.2))

    def joined(self, channel=None, nick=None):
        nick = re.escape(nick or self.nick)
        channel = re.escape(channel or self.default_channel)
        return self.expect(rf"{STAMP}--> {nick} \(\S+\) joined {channel}$")

    def close_stdin(self):
        self.proc.stdin.close()

    def wait(self, timeout=TIMEOUT):
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.nick} did not exit; " +
                                 self._output_tail())
        for reader in self.readers:
            reader.join(timeout)
        return code

    def quit(self):
        """/quit and the exit status."""
        self.send("/quit")
        return self.wait()

    def stdout_text(self):
        with self.cond:
            return "\n".join(self.lines)

    def stderr_text(self):
        with self.cond:
            return "\n".join(self.errors)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass


def client_fixture(cls):
    @pytest.fixture(name="cchat")
    def fixture():
        started = []

        def start(*args, **kwargs):
            client = cls(*args, **kwargs)
            started.append(client)
            return client

        yield start
        for client in started:
            client.stop()

    return fixture
