"""cchat on a real terminal (inside tmux): readline keeps the line being
typed intact while messages arrive, and history works."""
import re
import shutil
import subprocess
import time

import pytest

from conftest import BIN, TIMEOUT

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(not TMUX, reason="tmux is not installed")
PROMPT = "[#lobby] "


class Tmux:
    """One tmux server on a private socket running one command."""

    def __init__(self, tmp_path, argv, width=120, height=30):
        self.sock = str(tmp_path / "tmux.sock")
        self.tmux("new-session", "-d", "-s", "t", "-x", str(width),
                  "-y", str(height), "--", *argv)

    def tmux(self, *args):
        return subprocess.run([TMUX, "-S", self.sock, *args], check=True,
                              capture_output=True, timeout=TIMEOUT
                              ).stdout.decode("utf-8", "replace")

    def type(self, text):
        self.tmux("send-keys", "-t", "t", "-l", text)

    def key(self, *names):
        self.tmux("send-keys", "-t", "t", *names)

    def screen(self):
        lines = self.tmux("capture-pane", "-t", "t", "-p").split("\n")
        return [line.rstrip() for line in lines if line.strip()]

    def wait(self, check, what):
        """Polls the screen until check(lines) is true; returns lines."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            lines = self.screen()
            if check(lines):
                return lines
            if time.monotonic() > deadline:
                raise AssertionError(f"screen never showed {what}:\n"
                                     + "\n".join(lines))
            time.sleep(0.05)

    def wait_input_line(self, text):
        """The last line on screen must be the prompt and exactly text."""
        want = (PROMPT + text).rstrip()
        return self.wait(lambda lines: lines and lines[-1] == want,
                         f"input line {want!r}")

    def close(self):
        subprocess.run([TMUX, "-S", self.sock, "kill-server"],
                       capture_output=True, timeout=TIMEOUT)


@pytest.fixture
def terminal(tmp_path):
    started = []

    def start(argv):
        term = Tmux(tmp_path, argv)
        started.append(term)
        return term

    yield start
    for term in started:
        term.close()


def start_cchat(terminal, server, raw_client, nick):
    watcher = raw_client(server).register("watcher").join("#lobby")
    term = terminal([str(BIN / "cchat"), "-p", str(server.port), "-n", nick,
                     server.host])
    watcher.expect(rf"^:{nick}!\S+ JOIN #lobby")
    term.wait_input_line("")
    return term, watcher


def test_incoming_message_keeps_half_typed_line(server, raw_client,
                                                terminal):
    term, watcher = start_cchat(terminal, server, raw_client, "tina")
    term.type("half typed")
    term.wait_input_line("half typed")

    watcher.send("PRIVMSG #lobby :interrupting you")
    lines = term.wait(lambda lines: any(
        re.search(r"<watcher -> #lobby> interrupting you$", line)
        for line in lines), "the incoming message")
    assert lines[-1] == PROMPT + "half typed"
    assert not any("interrupting" in line and "half typed" in line
                   for line in lines)

    term.type(" line")
    term.key("Enter")
    watcher.expect(r"^:tina!\S+ PRIVMSG #lobby :half typed line$")


def test_cursor_position_survives_a_message(server, raw_client, terminal):
    term, watcher = start_cchat(terminal, server, raw_client, "uma")
    term.type("abcdef")
    term.key("Left", "Left", "Left")
    term.wait_input_line("abcdef")
    watcher.send("PRIVMSG #lobby :while you type")
    term.wait(lambda lines: any("while you type" in line for line in lines),
              "the incoming message")
    term.type("X")
    term.key("Enter")
    watcher.expect(r"^:uma!\S+ PRIVMSG #lobby :abcXdef$")


def test_up_arrow_recalls_history(server, raw_client, terminal):
    term, watcher = start_cchat(terminal, server, raw_client, "vera")
    term.type("first message")
    term.key("Enter")
    watcher.expect(r"PRIVMSG #lobby :first message$")
    term.type("second message")
    term.key("Enter")
    watcher.expect(r"PRIVMSG #lobby :second message$")
    term.wait_input_line("")

    lines = term.wait_input_line("")
    # Each accepted line stays on screen once, on its own line.
    assert not any(line.count(PROMPT.strip()) > 1 for line in lines)
    assert [line for line in lines if line.startswith(PROMPT)] == [
        PROMPT + "first message", PROMPT + "second message"]

    term.key("Up")
    term.wait_input_line("second message")
    term.key("Up")
    term.wait_input_line("first message")
    term.key("Enter")
    watcher.expect(r"^:vera!\S+ PRIVMSG #lobby :first message$")


def test_prompt_follows_the_current_channel(server, raw_client, terminal):
    term, watcher = start_cchat(terminal, server, raw_client, "wes")
    term.type("/join #other")
    term.key("Enter")
    term.wait(lambda lines: lines and lines[-1] == "[#other]",
              "the #other prompt")
    term.type("/quit bye")
    term.key("Enter")
    watcher.expect(r"^:wes!\S+ QUIT ")
