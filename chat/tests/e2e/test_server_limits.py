"""Limits: send queue (slow readers), flood control, clients, lengths."""
import re
import subprocess
import threading
import time

import pytest

from conftest import BIN, TIMEOUT, RawClient


def test_slow_reader_is_dropped_while_others_get_everything(start_server,
                                                            raw_client):
    srv = start_server("--no-flood-control", "--sendq", "65536")
    sender = raw_client(srv).register("sender").join("#busy")
    fast = raw_client(srv).register("fast").join("#busy")
    slow = raw_client(srv, rcvbuf=4096).register("slow").join("#busy")
    sender.sync()
    fast.sync()
    text = "y" * 400
    got = {"count": 0, "quit": None}

    def read_fast():
        while got["quit"] is None:
            line = fast.read_line()
            if line is None:
                return
            if line.endswith(text):
                got["count"] += 1
            elif " QUIT " in line:
                got["quit"] = line

    reader = threading.Thread(target=read_fast, daemon=True)
    reader.start()
    sent = 0
    # The kernel buffers a few MB for the slow socket before the server's
    # own queue fills; 40,000 lines of 400 bytes (16 MB) is far more.  The
    # sender waits for the fast reader to keep within 300 lines, so that
    # this Python reader is never the slow one.
    deadline = time.monotonic() + TIMEOUT * 4
    while got["quit"] is None and sent < 40000:
        assert time.monotonic() < deadline, "slow reader never dropped"
        if sent - got["count"] > 300:
            time.sleep(0.001)
            continue
        sender.send_raw(b"".join(
            f"PRIVMSG #busy :{text}\r\n".encode() for _ in range(100)))
        sent += 100
    reader.join(TIMEOUT)
    assert got["quit"] is not None, "slow reader never dropped"
    assert got["quit"].startswith(":slow!") and \
        got["quit"].endswith("QUIT :SendQ exceeded")
    # Everything sent reached the fast reader, in order and complete.
    for _ in range(sent - got["count"]):
        fast.expect(rf"PRIVMSG #busy :{text}$")
    lines = slow.expect_closed()
    assert len(lines) < sent
    assert sender.sync() is not None
    srv.wait_stderr(r"send queue over 65536 bytes")


def test_flood_control_paces_a_burst(start_server, raw_client):
    srv = start_server("--flood-burst", "5", "--flood-rate", "10")
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv).register("bob").join("#room")
    a.sync()
    time.sleep(0.6)               # let alice's bucket refill after joining
    start = time.monotonic()
    a.send_raw(b"".join(b"PRIVMSG #room :n%d\r\n" % i for i in range(25)))
    for i in range(25):
        b.expect(rf"PRIVMSG #room :n{i}$")
    elapsed = time.monotonic() - start
    # 5 lines at once, then 10 a second: 20 more lines need >= 2 s.
    assert elapsed >= 1.5, f"25 lines took only {elapsed:.2f}s"


def test_paste_beyond_the_line_reader_arrives_whole_and_paced(start_server,
                                                              raw_client):
    # 30 lines of 210 bytes (6.4 KB, more than the 4 KB line reader), as
    # ii pipes a paste: queued and handled at the flood rate, none lost.
    srv = start_server("--flood-rate", "10")
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv).register("bob").join("#room")
    a.sync()
    text = "x" * 180
    start = time.monotonic()
    a.send_raw(b"".join(b"PRIVMSG #room :%02d %s\r\n" % (i, text.encode())
                        for i in range(30)))
    for i in range(30):
        b.expect(rf"PRIVMSG #room :{i:02d} {text}$")
    elapsed = time.monotonic() - start
    assert elapsed >= 1.0, f"30 lines past a burst of 10 took {elapsed:.2f}s"
    assert a.sync() is not None
    assert not any("ERROR" in l for l in a.lines)


def test_excess_flood_disconnects_when_the_input_queue_overflows(
        start_server, raw_client):
    srv = start_server("--recvq", "1024")
    a = raw_client(srv).register("alice").join("#room")
    flooder = raw_client(srv).register("flooder").join("#room")
    a.sync()
    flooder.send_raw(b"".join(b"PRIVMSG #room :flood %04d\r\n" % i
                              for i in range(400)))
    lines = flooder.expect_closed()
    assert lines[-1].endswith("(Excess Flood)")
    a.expect(r"^:flooder!\S+ QUIT :Excess Flood$")
    srv.wait_stderr(r"input queue over 1024 bytes, disconnecting")


def test_recvq_option_bounds_are_checked():
    result = subprocess.run([str(BIN / "cchatd"), "--recvq", "10"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "--recvq wants a number" in result.stderr


def test_per_address_connection_limit(start_server, raw_client):
    srv = start_server("--max-per-address", "2")
    first = [raw_client(srv).register(f"c{i}") for i in range(2)]
    extra = raw_client(srv)
    assert extra.expect_closed() == [
        "ERROR :Closing Link: too many connections from your address"]
    first[0].send("QUIT")
    first[0].expect_closed()
    raw_client(srv).register("again")


def test_default_per_address_limit_applies_without_the_option(tmp_path):
    # The fixture turns the limit off; started by hand, the default holds.
    proc = subprocess.Popen([str(BIN / "cchatd"), "--listen", "127.0.0.1",
                             "--port", "0", "--no-console"],
                            stderr=subprocess.PIPE, text=True)
    try:
        port = None
        while port is None:
            line = proc.stderr.readline()
            assert line, "cchatd exited"
            m = re.search(r"listening on \S+ port (\d+)", line)
            if m:
                port = int(m.group(1))
        socks = [RawClient("127.0.0.1", port) for _ in range(11)]
        socks[0].send("PING :x")
        socks[0].expect("PONG")
        assert socks[10].expect_closed()[-1].endswith(
            "too many connections from your address")
        for s in socks:
            s.close()
    finally:
        proc.terminate()
        assert proc.wait(30) == 0


def test_no_flood_control_lets_bursts_through(start_server, raw_client):
    srv = start_server("--no-flood-control")
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv).register("bob").join("#room")
    a.sync()
    a.send_raw(b"".join(b"PRIVMSG #room :burst %04d\r\n" % i
                        for i in range(2000)))
    for i in range(2000):
        b.expect(rf"PRIVMSG #room :burst {i:04d}$")
    a.sync()


def test_max_clients(start_server, raw_client):
    srv = start_server("--max-clients", "3")
    first = [raw_client(srv).register(f"c{i}") for i in range(3)]
    extra = raw_client(srv)
    lines = extra.expect_closed()
    assert lines == ["ERROR :Closing Link: server is full"]
    first[0].send("QUIT")
    first[0].expect_closed()
    raw_client(srv).register("again")


def test_nick_length_limit(server, raw_client):
    c = raw_client(server)
    c.send("NICK " + "n" * 31)
    c.expect(r" 432 \* n{31} :Erroneous nickname")
    c.register("n" * 30)


def test_channel_name_length_limit(server, raw_client):
    c = raw_client(server).register("chan")
    c.send("JOIN #" + "c" * 50)
    c.expect(r" 403 chan #c{50} :No such channel")
    c.join("#" + "c" * 49)


@pytest.mark.parametrize("option,value", [
    ("--max-channels", "0"), ("--max-channels", "1001"),
    ("--sendq", "12"), ("--port", "70000"), ("--flood-rate", "x"),
    ("--max-clients", "-1"),
])
def test_bad_option_values_are_refused(option, value):
    import subprocess
    from conftest import BIN
    result = subprocess.run([str(BIN / "cchatd"), option, value],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    assert f"{option} wants a number" in result.stderr


def test_unusable_listen_address_and_missing_motd_fail_clearly(tmp_path):
    import subprocess
    from conftest import BIN
    bad = subprocess.run([str(BIN / "cchatd"), "--listen", "no.such.host.",
                          "--port", "0", "--no-console"],
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert bad.returncode == 1
    assert "cannot listen on no.such.host." in bad.stderr
    motd = subprocess.run([str(BIN / "cchatd"), "--listen", "127.0.0.1",
                           "--port", "0", "--no-console", "--motd",
                           str(tmp_path / "absent.txt")],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert motd.returncode == 1
    assert "cannot read MOTD" in motd.stderr
