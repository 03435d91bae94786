"""Signals, clean shutdown, SIGPIPE, and the operator console."""
import signal
import socket
import struct

import pytest


@pytest.mark.parametrize("signo,name", [(signal.SIGTERM, "Terminated"),
                                        (signal.SIGINT, "Interrupt")])
def test_signal_shuts_down_cleanly_with_error_to_clients(start_server,
                                                        raw_client, signo,
                                                        name):
    srv = start_server()
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv)                        # not even registered
    b.send("NICK half")
    srv.signal(signo)
    for c in (a, b):
        lines = c.expect_closed()
        assert lines[-1] == ("ERROR :Closing Link: 127.0.0.1 "
                             f"(Server shutting down: {name})")
    assert srv.wait_exit() == 0
    assert "shutting down" in srv.stderr_text()


def test_writes_to_vanished_clients_do_not_kill_the_server(start_server,
                                                           raw_client):
    srv = start_server("--no-flood-control")
    talker = raw_client(srv).register("talker").join("#room")
    for round_ in range(5):
        gone = raw_client(srv).register(f"gone{round_}").join("#room")
        # Ask for lots of output, then reset the connection under it.
        gone.send_raw(b"WHO #room\r\nNAMES #room\r\n" * 200)
        gone.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        gone.close()
        talker.send(f"PRIVMSG #room :round {round_}")
        talker.expect(rf"^:gone{round_}!\S+ QUIT :")
    talker.sync()
    assert srv.proc.poll() is None


@pytest.fixture
def console_server(start_server):
    srv = start_server(console=True)
    srv.wait_stdout(r"console ready")
    return srv


def test_console_say_msg_wall(console_server, raw_client):
    srv = console_server
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv).register("bob")
    srv.console("say #room Hello from the operator")
    a.expect(r"^:cchatd\.local PRIVMSG #room :Hello from the operator$")
    srv.wait_stdout(r"ok: said to 1 members of #room")
    srv.console("msg bob psst")
    b.expect(r"^:cchatd\.local PRIVMSG bob :psst$")
    srv.console("wall Maintenance at noon")
    a.expect(r"^:cchatd\.local NOTICE alice :Maintenance at noon$")
    b.expect(r"^:cchatd\.local NOTICE bob :Maintenance at noon$")
    srv.wait_stdout(r"ok: sent to 2 clients")
    srv.console("say #nowhere hi")
    srv.wait_stdout(r"error: no such channel: #nowhere")
    srv.console("msg ghost hi")
    srv.wait_stdout(r"error: no such nick: ghost")
    srv.console("say")
    srv.wait_stdout(r"error: usage: say CHANNEL TEXT")
    srv.console("frobnicate")
    srv.wait_stdout(r"error: unknown command frobnicate")
    srv.console("help")
    srv.wait_stdout(r"shutdown \[REASON\]")
    srv.console("stats")
    srv.wait_stdout(r"clients 2 channels 1 ")


def test_console_kick(console_server, raw_client):
    srv = console_server
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv).register("bob").join("#room")
    a.sync()
    srv.console("kick #room bob talk less")
    a.expect(r"^:cchatd\.local KICK #room bob :talk less$")
    b.expect(r"^:cchatd\.local KICK #room bob :talk less$")
    srv.console("kick bob spamming")
    lines = b.expect_closed()
    assert lines[-1] == ("ERROR :Closing Link: 127.0.0.1 "
                         "(Killed by the server operator: spamming)")
    srv.wait_stdout(r"ok: disconnected bob")
    srv.console("kick bob again")
    srv.wait_stdout(r"error: no such nick: bob")
    b2 = raw_client(srv).register("bob").join("#room")
    srv.console("kick bob")
    b2.expect(r"\(Killed by the server operator\)$")
    a.expect(r"^:bob!\S+ QUIT :Killed by the server operator$")


def test_console_shutdown(console_server, raw_client):
    srv = console_server
    a = raw_client(srv).register("alice")
    srv.console("shutdown back soon")
    lines = a.expect_closed()
    assert lines[-1] == ("ERROR :Closing Link: 127.0.0.1 "
                         "(Server shutting down: back soon)")
    assert srv.wait_exit() == 0


def test_console_end_of_input_keeps_serving(console_server, raw_client):
    srv = console_server
    srv.proc.stdin.close()
    srv.wait_stderr(r"console: end of input")
    raw_client(srv).register("still")


def test_console_starts_by_itself_on_a_terminal(tmp_path):
    import os
    import pty
    import subprocess
    from conftest import BIN, TIMEOUT, wait_for
    master, slave = pty.openpty()
    err = open(tmp_path / "stderr.txt", "wb")
    proc = subprocess.Popen([str(BIN / "cchatd"), "--listen", "127.0.0.1",
                             "--port", "0"], stdin=slave, stdout=slave,
                            stderr=err)
    os.close(slave)
    os.set_blocking(master, False)
    seen = b""
    try:
        def console_ready():
            nonlocal seen
            try:
                seen += os.read(master, 4096)
            except BlockingIOError:
                pass
            return b"console ready" in seen
        wait_for(console_ready, what="the console on a terminal")
        os.write(master, b"shutdown from the terminal\n")
        assert proc.wait(TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        err.close()
