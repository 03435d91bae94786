"""What is on the wire: tcpdump on the loopback interface while two cchat
users exchange lines carrying a marker.  On the plain port the marker
(and every IRC command) is in the capture; on the encrypted port it is
not, and the TCP payloads look random: their byte entropy is close to
the 8 bits of uniform noise, where IRC text stays near 5.
"""
import shutil
import uuid

import pytest

import pcap
from secure_helpers import (STAMP, Tcpdump, cchat,  # noqa: F401
                            make_key, secure_args, start_secure_server)

# Bits per byte.  Random bytes measure 7.9 and more over a few KiB (the
# estimate is a little low on short samples); the record headers, the
# only fixed bytes, are 3 of every 67 to 163.
MIN_ENCRYPTED_ENTROPY = 7.0
MAX_PLAIN_ENTROPY = 6.0
LINES = 40

pytestmark = pytest.mark.skipif(shutil.which("tcpdump") is None,
                                reason="tcpdump is not installed")


def exchange(alice, bob, marker):
    for i in range(LINES):
        speaker, listener = (alice, bob) if i % 2 == 0 else (bob, alice)
        speaker.send(f"{marker} line {i:02d} of the wire test")
        listener.expect(rf"{STAMP}<{speaker.nick} -> #wire> {marker} line "
                        rf"{i:02d} of the wire test$")


def capture_chat(tmp_path, server, cchat, port, args):
    marker = "WIREMARK-" + uuid.uuid4().hex[:12]
    dump = Tcpdump(tmp_path / f"port{port}.pcap", port)
    try:
        alice = cchat(port, "alice", args, channel="#wire")
        alice.joined("#wire")
        bob = cchat(port, "bob", args, channel="#wire")
        bob.joined("#wire")
        alice.joined("#wire", nick="bob")
        exchange(alice, bob, marker)
        assert alice.quit() == 0 and bob.quit() == 0
    finally:
        path = dump.stop()
    return path, marker.encode()


def test_marker_on_the_plain_wire_not_on_the_encrypted_one(
        tmp_path, start_secure_server, cchat):
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--no-flood-control")

    plain, plain_marker = capture_chat(tmp_path, server, cchat, server.port,
                                       [])
    assert pcap.contains(plain, plain_marker, server.port)
    assert pcap.contains(plain, b"PRIVMSG #wire :", server.port)
    plain_bytes = pcap.payload_bytes(plain, server.port)
    assert pcap.entropy(plain_bytes) < MAX_PLAIN_ENTROPY

    secure, secure_marker = capture_chat(tmp_path, server, cchat,
                                         server.secure_port,
                                         secure_args(key))
    streams = pcap.stream_bytes(secure, server.secure_port)
    assert len(streams) == 4        # two connections, both directions
    for text in (secure_marker, b"PRIVMSG", b"#wire", b"alice", b"NICK"):
        assert not pcap.contains(secure, text, server.secure_port), text
    payload = pcap.payload_bytes(secure, server.secure_port)
    assert len(payload) > 8 * 1024
    bits = pcap.entropy(payload)
    assert bits > MIN_ENCRYPTED_ENTROPY, bits
    print(f"plain: {len(plain_bytes)} bytes, "
          f"{pcap.entropy(plain_bytes):.2f} bits/byte; encrypted: "
          f"{len(payload)} bytes, {bits:.2f} bits/byte")
