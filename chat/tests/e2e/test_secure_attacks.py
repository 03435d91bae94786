"""Attacks on the encrypted chat by someone on the network without the
key, and what the user sees: each one ends the attacked connection with
the documented error on the side that detects it (and, where an alert
can still travel, the same words "reported by the peer" on the other),
and nothing forged, replayed or garbled ever reaches another user.

alice talks through a proxy that acts on her records (secure_helpers.
RecordProxy); bob is connected directly and watches the channel.
"""
import re
import socket
import threading

import pytest

import ccsp
from secure_helpers import (AUTH_FAILED, STAMP, TIMEOUT, cchat,  # noqa: F401
                            make_key, record_proxy, secure_args,
                            start_secure_server)

TAMPERED = "record authentication failed (tampered)"
REPLAYED = "replayed or reordered record"
GAP = "dropped or reordered record (sequence gap)"
TRUNCATED = "truncated stream: the connection ended without a close record"
MID_RECORD = TRUNCATED + ", in the middle of a record"
BY_PEER = " (reported by the peer)"
GAP_DETECTED = "dropped or reordered record (record "


@pytest.fixture
def scene(tmp_path, start_secure_server, cchat, record_proxy):
    """cchatd; bob directly; alice through the proxy; both in #sec."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--no-flood-control")
    bob = cchat(server.secure_port, "bob", secure_args(key))
    bob.joined()
    proxy = record_proxy(server.secure_port)
    alice = cchat(proxy.port, "alice", secure_args(key))
    alice.joined()
    bob.joined(nick="alice")
    alice.send("a first line, untouched")
    bob.expect(r"<alice -> #sec> a first line, untouched$")
    bob.send("a reply, untouched")
    alice.expect(r"<bob -> #sec> a reply, untouched$")
    return server, proxy, alice, bob


def lines_with(client, text):
    return [line for line in client.stdout_text().splitlines()
            if text in line]


def alice_error(alice):
    assert alice.wait() == 1, alice.stdout_text()
    match = re.search(r"^cchat: 127\.0\.0\.1 port \d+: (.*)$",
                      alice.stderr_text(), re.M)
    assert match, alice.stderr_text()
    return match.group(1)


def server_error(server):
    """What cchatd logged about alice's connection."""
    match = server.wait_stderr(r"alice!~alice@127\.0\.0\.1 port \d+: (.*)")
    return match.group(1)


def bob_saw_alice_quit(bob, reason):
    bob.expect(rf"{STAMP}<-- alice quit \({re.escape(reason[:60])}")


def attack(proxy, sender, marker, action):
    """One line for the armed record; a drop or a reorder only shows with
    the next record, so a second line follows once the first was taken
    (lines sent together could share one record)."""
    sender.send(f"{marker} one")
    assert proxy.acted.wait(TIMEOUT)
    if action in ("drop", "reorder"):
        sender.send(f"{marker} two")
    assert proxy.done.wait(TIMEOUT)


# (what the side that detects the attack says, what the other side
# says): the detector names the records concerned, e.g. "dropped or
# reordered record (record 4 arrived when 3 was due)"; the other side
# repeats the alert's fixed text.  Truncation is seen by both sides and
# announced by no alert.
C2S = {
    "flip": (TAMPERED, TAMPERED + BY_PEER),
    "replay": (REPLAYED + " (record ", REPLAYED + BY_PEER),
    "drop": (GAP_DETECTED, GAP + BY_PEER),
    "reorder": (GAP_DETECTED, GAP + BY_PEER),
    "truncate": (MID_RECORD, TRUNCATED),
}


@pytest.mark.parametrize("action", sorted(C2S))
def test_attack_on_client_records(scene, action):
    """alice -> server: the server detects it, logs it with her address,
    tells her (when an alert can go), closes; bob sees her quit and
    never the attacked text."""
    server, proxy, alice, bob = scene
    marker = f"MARKER-{action}-c2s"
    proxy.arm("c2s", action)
    attack(proxy, alice, marker, action)
    server_says, alice_says = C2S[action]
    assert server_error(server).startswith(server_says)
    assert alice_error(alice).startswith(alice_says)
    bob_saw_alice_quit(bob, server_says)
    seen = lines_with(bob, marker)
    if action == "replay":      # the original was genuine, once
        assert seen == [seen[0]] and seen[0].endswith(
            f"<alice -> #sec> {marker} one")
    else:
        assert seen == []
    bob.send("still here")      # the server and bob are unharmed
    bob.expect(r"<bob -> #sec> still here$")


S2C = C2S


@pytest.mark.parametrize("action", sorted(S2C))
def test_attack_on_server_records(scene, action):
    """server -> alice: alice detects it, prints the error verbatim,
    exits 1 and never shows the attacked line; the server hears it."""
    server, proxy, alice, bob = scene
    marker = f"MARKER-{action}-s2c"
    proxy.arm("s2c", action)
    attack(proxy, bob, marker, action)
    alice_says, server_says = S2C[action]
    assert alice_error(alice).startswith(alice_says)
    assert server_error(server).startswith(server_says)
    seen = lines_with(alice, marker)
    if action == "replay":
        assert len(seen) == 1 and seen[0].endswith(f"{marker} one")
    else:
        assert seen == []
    bob_saw_alice_quit(bob, server_says)


def test_man_in_the_middle_without_the_key(tmp_path, start_secure_server,
                                           cchat):
    """Someone who runs the protocol properly on both legs, with a key of
    their own, sits between alice and the server: both of them say
    "authentication failed" and nothing alice types gets anywhere."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key)
    bob = cchat(server.secure_port, "bob", secure_args(key))
    bob.joined()
    mallory_key = make_key(tmp_path, "mallory").read_bytes()
    listener = socket.create_server(("127.0.0.1", 0))
    outcome = {}

    def middle():
        victim, _ = listener.accept()
        upstream = socket.create_connection(("127.0.0.1", server.secure_port))
        for name, peer in (("victim", ccsp.Peer(victim, "server",
                                                psk=mallory_key)),
                           ("server", ccsp.Peer(upstream, "client",
                                                psk=mallory_key,
                                                check_peer=False))):
            try:
                peer.handshake()
                peer.recv()     # the verdict on our proof comes now
                outcome[name] = "got through"
            except (ccsp.CcspError, OSError) as exc:
                outcome[name] = str(exc)
        victim.close()
        upstream.close()

    thread = threading.Thread(target=middle, daemon=True)
    thread.start()
    alice = cchat(listener.getsockname()[1], "alice", secure_args(key))
    alice.send("MARKER-mitm")
    assert alice_error(alice).startswith(
        "authentication failed (the server's proof does not match: wrong "
        "key, or someone in the middle)")
    server.wait_stderr(r"\*!\*@127\.0\.0\.1 port \d+: authentication failed "
                       r"\(the client's proof does not match: wrong key, or "
                       r"someone in the middle\)")
    thread.join(TIMEOUT)
    listener.close()
    assert outcome["victim"].startswith(AUTH_FAILED + " (reported")
    assert outcome["server"].startswith(AUTH_FAILED + " (reported")
    assert "MARKER-mitm" not in alice.stdout_text() + bob.stdout_text()
    assert "Welcome" not in alice.stdout_text()
