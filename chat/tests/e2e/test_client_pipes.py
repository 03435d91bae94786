"""cchat driven through pipes (no terminal) against a real cchatd.

Each test starts real cchat processes; what they print on stdout is
what a user would see, one timestamped line per event.
"""
import re
import signal
import socket
import subprocess
import time

import pytest

from cchat_pipe import STAMP, PipeCchat, client_fixture
from conftest import BIN, TIMEOUT

Cchat = PipeCchat
cchat = client_fixture(Cchat)


@pytest.fixture
def quiet_server(start_server):
    """A cchatd that does not throttle the quick bursts of commands."""
    return start_server("--no-flood-control")


def two_in_lobby(server, cchat):
    alice = cchat(server, nick="alice")
    alice.joined()
    bob = cchat(server, nick="bob")
    bob.joined()
    alice.joined(nick="bob")
    return alice, bob


def test_channel_and_private_messages(server, cchat):
    alice, bob = two_in_lobby(server, cchat)
    alice.send("hello bob")
    bob.expect(rf"{STAMP}<alice -> #lobby> hello bob$")
    alice.expect(rf"{STAMP}<alice -> #lobby> hello bob$")
    bob.send("/msg alice just between us")
    alice.expect(rf"{STAMP}<bob -> alice> just between us$")
    alice.send("//slash at the start")
    bob.expect(rf"{STAMP}<alice -> #lobby> /slash at the start$")


def test_every_slash_command(quiet_server, cchat, raw_client):
    alice, bob = two_in_lobby(quiet_server, cchat)

    alice.send("/names")
    alice.expect(rf"{STAMP}--- names #lobby: .*\balice\b")
    alice.send("/who")
    alice.expect(rf"{STAMP}--- who #lobby: bob \(\S*bob@\S+\)")
    alice.send("/topic Release day")
    bob.expect(rf"{STAMP}--- alice set the topic of #lobby to: Release day$")
    bob.send("/topic")
    bob.expect(rf"{STAMP}--- topic of #lobby: Release day$")
    bob.send("/list")
    bob.expect(rf"{STAMP}--- list: #lobby \(2 users\) Release day$")
    bob.expect(rf"{STAMP}--- end of list$")
    alice.send("/me waves")
    bob.expect(rf"{STAMP}\* alice -> #lobby waves$")
    alice.send("/help")
    alice.expect(r"/join #channel \[key\]")
    alice.send("/frobnicate")
    alice.expect(rf"{STAMP}\*\*\* unknown command /frobnicate")

    bob.send("/join #dev")
    bob.joined("#dev")
    alice.send("/join #dev")
    bob.joined("#dev", nick="alice")
    bob.send("in dev now")
    alice.expect(rf"{STAMP}<bob -> #dev> in dev now$")

    alice.send("/part #dev see you")
    bob.expect(rf"{STAMP}<-- alice left #dev \(see you\)$")
    alice.send("/nick alicia")
    bob.expect(rf"{STAMP}--- alice is now known as alicia$")
    alice.expect(rf"{STAMP}--- alice is now known as alicia$")

    # alice created #lobby, so she may kick; bob falls back to #dev.
    alice.send("/kick bob enough")
    bob.expect(rf"{STAMP}<-- bob was kicked from #lobby by alicia \(enough\)$")
    watcher = raw_client(quiet_server).register("watcher").join("#dev")
    bob.send("still here")
    watcher.expect(r"^:bob!\S+ PRIVMSG #dev :still here$")

    alice.send("/quit so long")
    assert alice.wait() == 0
    watcher.send("NAMES #lobby")
    watcher.expect(r" 366 ")
    bob.send("/part")
    watcher.expect(r"^:bob!\S+ PART #dev")
    bob.send("nobody hears this")
    bob.expect(rf"{STAMP}\*\*\* message not sent: you are not in a channel")


def test_quit_is_seen_by_others(server, cchat):
    alice, bob = two_in_lobby(server, cchat)
    alice.send("/quit gone fishing")
    bob.expect(rf"{STAMP}<-- alice quit \(.*gone fishing.*\)$")
    assert alice.wait() == 0


def test_nick_collision_picks_another_nick(server, cchat, raw_client):
    first = cchat(server, nick="carol")
    first.joined()
    second = cchat(server, nick="carol")
    second.expect(rf"{STAMP}\*\*\* nick carol is taken, trying carol_$")
    second.joined(nick="carol_")
    second.send("I am the second carol")
    first.expect(rf"{STAMP}<carol_ -> #lobby> I am the second carol$")


def test_stdin_eof_sends_quit_and_exits(server, cchat, raw_client):
    watcher = raw_client(server).register("watcher").join("#lobby")
    piped = cchat(server, nick="dave")
    piped.joined()
    watcher.expect(r"^:dave!\S+ JOIN #lobby")
    piped.send("last words")
    piped.close_stdin()
    started = time.monotonic()
    assert piped.wait() == 0
    watcher.expect(r"^:dave!\S+ PRIVMSG #lobby :last words$")
    watcher.expect(r"^:dave!\S+ QUIT ")
    # The server closes right after QUIT: no waiting out the 2 s grace.
    assert time.monotonic() - started < 1.9


def test_server_vanishing_is_reported(start_server, cchat):
    srv = start_server()
    erin = cchat(srv, nick="erin")
    erin.joined()
    srv.stop()
    assert erin.wait() == 1
    assert "lost the connection" in erin.stderr_text()


def test_server_killed_mid_session(start_server, cchat):
    srv = start_server()
    frank = cchat(srv, nick="frank")
    frank.joined()
    srv.proc.kill()
    srv.proc.wait()
    assert frank.wait() == 1
    assert re.search(r"lost the connection to 127\.0\.0\.1",
                     frank.stderr_text())
    # The fixture's teardown wants a server that exited with 0; this
    # one was killed on purpose, so hand it a finished stand-in.
    stand_in = subprocess.Popen(["true"])
    stand_in.wait()
    srv.proc = stand_in


def test_refused_connection_fails_clearly(cchat):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = cchat(host="127.0.0.1", port=port, nick="gina")
    assert client.wait() == 1
    assert re.search(r"cannot connect to 127\.0\.0\.1 port \d+: "
                     r"Connection refused", client.stderr_text())


@pytest.mark.parametrize("args, message", [
    (["-n", "9lives"], "not a valid nick"),
    (["-p", "99999"], "not a valid port"),
    (["-c", "#bad,name"], "not a valid channel"),
    ([], "expected one HOST"),
])
def test_usage_errors(args, message):
    proc = subprocess.run([str(BIN / "cchat")] + args
                          + (["127.0.0.1"] if args else []),
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=TIMEOUT)
    assert proc.returncode == 2
    assert message in proc.stderr.decode()


def test_unresolvable_host(cchat):
    client = cchat(host="no-such-host.invalid", port=6667, nick="hank")
    assert client.wait() == 1
    assert "cannot resolve no-such-host.invalid" in client.stderr_text()


def ipv6_loopback_works():
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback_works(), reason="no IPv6 loopback")
def test_ipv6(start_server, cchat):
    srv = start_server(listen="::1")
    ivy = cchat(srv, nick="ivy", host="::1")
    ivy.joined()
    jon = cchat(srv, nick="jon", host="::1")
    jon.joined()
    ivy.send("over six")
    jon.expect(rf"{STAMP}<ivy -> #lobby> over six$")


def test_no_channel_option_and_join_later(server, cchat):
    kim = cchat(server, nick="kim", channel="")
    kim.expect(r"--- .*Welcome")
    kim.send("anyone?")
    kim.expect(rf"{STAMP}\*\*\* message not sent: you are not in a channel")
    kim.send("/join elsewhere")
    kim.joined("#elsewhere")


def test_long_message_is_split_not_cut(server, cchat, raw_client):
    watcher = raw_client(server).register("watcher").join("#lobby")
    lena = cchat(server, nick="lena")
    lena.joined()
    words = " ".join(f"w{i:04d}" for i in range(200))
    lena.send(words)
    got = []
    while " ".join(got) != words:
        got.append(watcher.expect(r"^:lena!\S+ PRIVMSG #lobby :(.*)$")
                   .group(1))
        assert len(got) < 10
    assert len(got) > 1


def test_hostile_text_cannot_reach_the_terminal(server, cchat, raw_client):
    mona = cchat(server, nick="mona")
    mona.joined()
    evil = raw_client(server).register("evil").join("#lobby")
    evil.send("PRIVMSG #lobby :\x1b]0;owned\x07\x1b[2J done")
    line = mona.expect(r"<evil -> #lobby> .*done$").group(0)
    assert "\x1b" not in line and "\x07" not in line


def test_interrupt_quits_politely(server, cchat, raw_client):
    watcher = raw_client(server).register("watcher").join("#lobby")
    ned = cchat(server, nick="ned")
    ned.joined()
    watcher.expect(r"^:ned!\S+ JOIN #lobby")
    ned.proc.send_signal(signal.SIGINT)
    assert ned.wait() == 0
    watcher.expect(r"^:ned!\S+ QUIT ")


def test_garbage_from_the_server_is_survived(cchat):
    """A hostile or broken server: odd, empty, over-long and binary lines
    must neither crash the client nor stop it from working."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = cchat(host="127.0.0.1", port=listener.getsockname()[1],
                       nick="oscar")
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(TIMEOUT)
            junk = [b":srv 001 oscar :Welcome", b"", b":onlyprefix",
                    b":srv 352", b":srv 403", b"PRIVMSG", b"JOIN",
                    b":x!y@z KICK", b":x!y@z NICK", b":srv 433",
                    b"\x00\x01\x02 \xff\xfe", b":a PRIVMSG #lobby :" +
                    b"z" * 3000, b":srv 322 oscar", b"ERROR",
                    b":x!y@z PRIVMSG #lobby :\x01ACTION", b"PING",
                    b"\r\r\n\n", b":x!y@z PRIVMSG #lobby :still alive"]
            conn.sendall(b"\r\n".join(junk) + b"\r\n")
            client.expect(rf"{STAMP}<x -> #lobby> still alive$")
            client.send("after the junk")
            data = b""
            while b"after the junk" not in data:
                chunk = conn.recv(65536)
                assert chunk, "client closed the connection"
                data += chunk
            assert b"PRIVMSG #lobby :after the junk\r\n" in data
    assert client.wait() == 1
    assert "lost the connection" in client.stderr_text()
