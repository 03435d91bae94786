"""The flush delay: relayed lines wait to share a write with later ones,
while the answers to a client's own commands go out at once (and carry
whatever was waiting ahead of them, in order)."""
import time

DELAY_S = 1.0  # the largest --flush-delay cchatd takes


def relay_pair(start_server, raw_client):
    srv = start_server("--flush-delay", str(int(DELAY_S * 1000)))
    alice = raw_client(srv)
    alice.register("alice")
    alice.join("#flush")
    bob = raw_client(srv)
    bob.register("bob")
    bob.join("#flush")
    alice.sync()
    return alice, bob


def test_a_relayed_line_waits_for_the_delay(start_server, raw_client):
    alice, bob = relay_pair(start_server, raw_client)
    sent = time.monotonic()
    bob.send("PRIVMSG #flush :held back")
    alice.expect(r"PRIVMSG #flush :held back$")
    waited = time.monotonic() - sent
    # A lower bound only: a busy machine can make the line later, never
    # earlier.
    assert waited >= 0.8 * DELAY_S, f"relayed after {waited:.2f}s"


def test_own_answers_do_not_wait_and_keep_order(start_server, raw_client):
    alice, bob = relay_pair(start_server, raw_client)
    bob.send("PRIVMSG #flush :queued first")
    bob.sync()
    sent = time.monotonic()
    alice.send("PING :mine")
    alice.expect(r"PONG \S+ :mine$")
    answered = time.monotonic() - sent
    assert answered < DELAY_S * 3 / 4, f"PONG after {answered:.2f}s"
    order = [i for i, line in enumerate(alice.lines)
             if "queued first" in line or ":mine" in line]
    assert len(order) == 2 and "queued first" in alice.lines[order[0]]
