"""Interoperability: the protocol document is enough to build a peer.

ccsp.py implements CCSP v1 from docs/secure-protocol.md on Python's own
crypto (no code shared with secure/).  Here it talks to cchatd as a
client and to cchat as a server, in key-file and passphrase mode, across
many rekeys.  The C programs use their software provider; the guest test
(chat/tests/vm) does the same across the VM boundary with /dev/crypto.
"""
import re
import socket
import subprocess
import threading

import ccsp
from secure_helpers import (BIN, STAMP, TIMEOUT, cchat,  # noqa: F401
                            make_key, make_passphrase_file, secure_args,
                            start_secure_server)


def irc(peer, line):
    peer.send(line.encode() + b"\r\n")


def read_until(peer, pattern):
    seen = []
    while True:
        raw = peer.recv_line()
        assert raw is not None, f"closed while waiting for {pattern!r}: " \
            f"{seen[-10:]}"
        line = raw.decode(errors="replace")
        seen.append(line)
        if line.startswith("PING "):
            irc(peer, "PONG " + line[5:])
        if re.search(pattern, line):
            return line


def python_client(port, **kwargs):
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    peer = ccsp.Peer(sock, "client", **kwargs)
    peer.handshake()
    return peer


def test_independent_client_talks_to_cchatd(tmp_path, start_secure_server,
                                            cchat):
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--rekey-records", "4",
                                 "--no-flood-control")
    bob = cchat(server.secure_port, "bob", secure_args(key))
    bob.joined()
    py = python_client(server.secure_port, psk=key.read_bytes())
    assert py.rekey[0] == 4         # announced in the server hello
    irc(py, "NICK pyclient")
    irc(py, "USER py 0 * :Python peer")
    read_until(py, r" 001 pyclient ")
    irc(py, "JOIN #sec")
    read_until(py, r" 366 pyclient #sec ")
    bob.joined(nick="pyclient")
    for i in range(30):
        irc(py, f"PRIVMSG #sec :from python {i}")
    for i in range(30):
        bob.expect(rf"{STAMP}<pyclient -> #sec> from python {i}$")
    for i in range(12):         # one at a time: a record each
        bob.send(f"from cchat to python {i}")
        read_until(py, rf"^:bob!\S+ PRIVMSG #sec :from cchat to python {i}$")
    assert py.tx.rekeys >= 7 and py.rx.rekeys >= 2
    irc(py, "QUIT :done")
    read_until(py, r"^ERROR :Closing Link")
    assert py.recv_line() is None and py.peer_closed   # a close record
    py.sock.close()
    bob.expect(r"<-- pyclient quit \(Quit: done\)")


def test_independent_client_passphrase_mode(tmp_path, start_secure_server):
    phrase = make_passphrase_file(tmp_path, "a long and random passphrase")
    server = start_secure_server("--passphrase-file", phrase)
    py = python_client(server.secure_port,
                       passphrase="a long and random passphrase")
    irc(py, "NICK pyphrase")
    irc(py, "USER py 0 * :Python peer")
    read_until(py, r" 001 pyphrase ")
    py.close()
    py.sock.close()


def test_independent_client_with_a_wrong_key(tmp_path, start_secure_server):
    key = make_key(tmp_path)
    server = start_secure_server("--key", key)
    sock = socket.create_connection(("127.0.0.1", server.secure_port),
                                    timeout=TIMEOUT)
    peer = ccsp.Peer(sock, "client", psk=bytes(32))
    try:
        peer.handshake()
        raise AssertionError("handshake with a wrong key succeeded")
    except ccsp.CcspError as exc:
        assert str(exc) == "authentication failed"
    sock.close()
    server.wait_stderr(r"port \d+: authentication failed \(the peer "
                       r"rejected the handshake")


def serve_one_irc_client(listener, key, got, rekey_records):
    """A minimal IRC server on the Python peer: welcome, JOIN echo, and
    one message back for every PRIVMSG."""
    sock, _ = listener.accept()
    sock.settimeout(TIMEOUT)
    peer = ccsp.Peer(sock, "server", psk=key, rekey_records=rekey_records)
    peer.handshake()
    nick = None
    while True:
        raw = peer.recv_line()
        if raw is None:
            break
        line = raw.decode()
        got.append(line)
        if line.startswith("NICK "):
            nick = line.split()[1]
        elif line.startswith("USER "):
            irc(peer, f":py.server 001 {nick} :Welcome, {nick}")
            irc(peer, f":py.server 376 {nick} :End of MOTD")
        elif line.startswith("JOIN "):
            irc(peer, f":{nick}!u@h JOIN {line.split()[1]}")
        elif line.startswith("PRIVMSG "):
            irc(peer, f":pyserver!u@h PRIVMSG #sec :you said "
                      f"{line.split(':', 1)[1]}")
        elif line.startswith("QUIT"):
            irc(peer, "ERROR :Closing Link: bye")
            peer.close()
            break
    sock.close()


def test_cchat_talks_to_an_independent_server(tmp_path):
    key = make_key(tmp_path)
    listener = socket.create_server(("127.0.0.1", 0))
    got = []
    thread = threading.Thread(target=serve_one_irc_client, daemon=True,
                              args=(listener, key.read_bytes(), got, 3))
    thread.start()
    proc = subprocess.Popen(
        [str(BIN / "cchat"), "--secure", "--key", str(key), "-p",
         str(listener.getsockname()[1]), "-n", "alice", "-c", "#sec",
         "127.0.0.1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    lines = "".join(f"message {i}\n" for i in range(12))
    out, err = proc.communicate(lines, timeout=TIMEOUT)
    thread.join(TIMEOUT)
    listener.close()
    assert proc.returncode == 0, err
    assert "*** encrypted session established" in out
    assert "Welcome, alice" in out
    for i in range(12):
        assert f"PRIVMSG #sec :message {i}" in got
        assert f"<pyserver -> #sec> you said message {i}" in out
    assert got[0] == "NICK alice" and got[1].startswith("USER alice ")
    assert got[-1].startswith("QUIT")
