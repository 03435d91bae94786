"""Bad and awkward input: NUL, bare CR/LF, invalid UTF-8, long lines,
lines split across reads, clients that vanish mid-line."""
import socket
import struct

import pytest

from conftest import RawClient


@pytest.fixture
def pair(server, raw_client):
    a = raw_client(server).register("alice").join("#room")
    b = raw_client(server).register("bob").join("#room")
    a.sync()
    return a, b


def test_nul_byte_line_is_refused_and_next_line_works(pair):
    alice, bob = pair
    alice.send_raw(b"PRIVMSG #room :before\x00after\r\n")
    alice.expect(r"NOTICE alice :Line ignored: it contains a NUL byte")
    alice.send("PRIVMSG #room :clean")
    assert bob.expect(r"PRIVMSG #room :(.*)$").group(1) == "clean"


def test_bare_cr_and_bare_lf_end_lines(server, raw_client):
    c = raw_client(server)
    c.send_raw(b"NICK crlf\rUSER crlf 0 * :Bare CR\n")
    c.expect(r" 001 crlf ")
    c.send_raw(b"PING :one\rPING :two\nPING :three\r\n\r\n\n\r")
    c.expect(r"PONG \S+ :one$")
    c.expect(r"PONG \S+ :two$")
    c.expect(r"PONG \S+ :three$")
    assert not any(" 421 " in l for l in c.sync())


def test_cr_and_lf_in_separate_reads_are_one_terminator(server, raw_client):
    c = raw_client(server).register("split")
    c.send_raw(b"PING :a\r")
    c.expect(r"PONG \S+ :a$")
    c.send_raw(b"\nPING :b\r\n")
    c.expect(r"PONG \S+ :b$")
    # An empty line in between would have been skipped anyway; what must
    # not happen is a reply to a phantom command.
    assert not any(" 421 " in l for l in c.sync())


def test_invalid_utf8_is_relayed_unchanged(pair):
    alice, bob = pair
    payload = b"caf\xe9 \xff\xfe \xc3\x28 ok \xe2\x82\xac"
    alice.send_raw(b"PRIVMSG #room :" + payload + b"\r\n")
    line = bob.expect(r"PRIVMSG #room :").string
    assert line.encode("utf-8", "surrogateescape").endswith(payload)


def test_invalid_utf8_in_names_is_refused(pair):
    alice, _ = pair
    alice.send_raw(b"JOIN #caf\xe9\r\n")
    alice.expect(r" 403 alice #caf.* :No such channel")
    alice.send_raw(b"NICK caf\xe9\r\n")
    alice.expect(r" 432 alice caf.* :Erroneous nickname")
    alice.send_raw("JOIN #café\r\n".encode())
    alice.expect(r"JOIN #café$")


def test_over_long_line_is_cut_to_512_bytes(pair):
    alice, bob = pair
    text = "x" * 2000
    alice.send(f"PRIVMSG #room :{text}")
    alice.send("PRIVMSG #room :after the long one")
    first = bob.expect(r"PRIVMSG #room :(x+)$")
    assert len(first.string.encode()) + 2 <= 512
    assert len(first.group(1)) > 400
    bob.expect(r"PRIVMSG #room :after the long one$")


def test_relayed_line_never_exceeds_512_bytes_or_splits_utf8(pair):
    alice, bob = pair
    # 510 bytes from the client; the relay adds a prefix and must cut.
    head = "PRIVMSG #room :"
    text = "é" * ((510 - len(head)) // 2)
    alice.send(head + text)
    line = bob.expect(r"PRIVMSG #room :").string
    raw = line.encode("utf-8", "surrogateescape")
    assert len(raw) + 2 <= 512
    raw.decode("utf-8")                       # whole characters only


def test_lines_split_across_many_reads(pair):
    alice, bob = pair
    data = b"PRIVMSG #room :dribbled one byte at a time\r\n"
    for i in range(len(data)):
        alice.send_raw(data[i:i + 1])
    bob.expect(r"PRIVMSG #room :dribbled one byte at a time$")


def test_many_lines_in_one_read(start_server, raw_client):
    srv = start_server("--no-flood-control")
    a = raw_client(srv).register("alice").join("#room")
    b = raw_client(srv).register("bob").join("#room")
    a.sync()
    a.send_raw(b"".join(b"PRIVMSG #room :m%d\r\n" % i for i in range(50)))
    for i in range(50):
        b.expect(rf"PRIVMSG #room :m{i}$")


def test_client_vanishing_mid_line(pair, server, raw_client):
    alice, bob = pair
    bob.send_raw(b"PRIVMSG #room :this line never ends")
    bob.close()
    alice.expect(r"^:bob!\S+ QUIT :Remote host closed the connection$")
    assert not any("never ends" in l for l in alice.lines)
    raw_client(server).register("newcomer")


def test_client_resetting_mid_line(pair, server, raw_client):
    alice, bob = pair
    bob.send_raw(b"PRIVMSG #room :half")
    bob.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    bob.close()                               # RST instead of FIN
    alice.expect(r"^:bob!\S+ QUIT :")
    raw_client(server).register("newcomer")


def test_garbage_and_prefix_only_lines_are_ignored(server, raw_client):
    c = raw_client(server).register("tidy")
    c.send_raw(b"   \r\n:only.a.prefix\r\n:prefix   \r\n\x01\x02\x03\r\n")
    c.expect(r" 421 tidy \x01\x02\x03 :Unknown command")
    c.send(":ignored.prefix PING :p")
    c.expect(r"PONG \S+ :p$")


def test_fifteen_and_more_parameters(server, raw_client):
    c = raw_client(server).register("params")
    c.send("PING " + " ".join(str(i) for i in range(1, 21)))
    c.expect(r"PONG \S+ :1$")


def test_ipv6_listener(start_server):
    try:
        probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        probe.bind(("::1", 0))
        probe.close()
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    srv = start_server(listen="::1")
    assert srv.host == "::1"
    c = RawClient("::1", srv.port, family=socket.AF_INET6)
    try:
        c.register("six")
        c.send("WHO six")
        c.expect(r" 352 six \* ~six 0::1 ")
    finally:
        c.close()
