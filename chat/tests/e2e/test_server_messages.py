"""PRIVMSG, NOTICE, NICK changes, QUIT and WHOIS."""
import re

import pytest


@pytest.fixture
def pair(server, raw_client):
    a = raw_client(server).register("alice").join("#room")
    b = raw_client(server).register("bob").join("#room")
    a.sync()
    return a, b


def test_private_message_and_notice(pair):
    alice, bob = pair
    alice.send("PRIVMSG bob :just for you")
    bob.expect(r"^:alice!~alice@127\.0\.0\.1 PRIVMSG bob :just for you$")
    bob.send("NOTICE ALICE :noted")            # nicks fold case
    alice.expect(r"^:bob!~bob@127\.0\.0\.1 NOTICE alice :noted$")


def test_notice_to_channel(pair):
    alice, bob = pair
    alice.send("NOTICE #room :heads up")
    bob.expect(r"^:alice!\S+ NOTICE #room :heads up$")


def test_privmsg_errors(pair, server, raw_client):
    alice, bob = pair
    alice.send("PRIVMSG nobody :hi")
    alice.expect(r" 401 alice nobody :No such nick/channel")
    alice.send("PRIVMSG #nowhere :hi")
    alice.expect(r" 403 alice #nowhere :No such channel")
    alice.send("PRIVMSG")
    alice.expect(r" 411 alice :No recipient given \(PRIVMSG\)")
    alice.send("PRIVMSG bob")
    alice.expect(r" 412 alice :No text to send")
    alice.send("PRIVMSG bob :")
    alice.expect(r" 412 alice :No text to send")
    outsider = raw_client(server).register("carol")
    outsider.send("PRIVMSG #room :let me in")
    outsider.expect(r" 404 carol #room :Cannot send to channel")
    bob.sync()
    assert not any("let me in" in l for l in bob.lines)


def test_notice_never_gets_an_error_reply(pair):
    alice, _ = pair
    alice.send("NOTICE nobody :hi")
    alice.send("NOTICE #nowhere :hi")
    alice.send("NOTICE")
    alice.send("NOTICE bob")
    got = alice.sync()
    assert got == []


def test_several_targets_and_too_many(server, raw_client):
    alice = raw_client(server).register("alice")
    others = [raw_client(server).register(n) for n in ("b1", "b2", "b3",
                                                      "b4", "b5")]
    alice.send("PRIVMSG b1,b2,b3,b4,b5 :to many")
    for o in others[:4]:
        o.expect(r"^:alice!\S+ PRIVMSG b\d :to many$")
    alice.expect(r" 407 alice b5 :Too many recipients")
    assert not any("to many" in l for l in others[4].sync())


def test_nick_change_is_seen_by_self_and_channel_peers(pair, server,
                                                      raw_client):
    alice, bob = pair
    stranger = raw_client(server).register("stranger")
    alice.send("NICK alicia")
    alice.expect(r"^:alice!~alice@127\.0\.0\.1 NICK :alicia$")
    bob.expect(r"^:alice!~alice@127\.0\.0\.1 NICK :alicia$")
    assert not any(" NICK " in l for l in stranger.sync())
    bob.send("PRIVMSG alicia :found you")
    alice.expect(r"^:bob!\S+ PRIVMSG alicia :found you$")
    bob.send("PRIVMSG alice :old name")
    bob.expect(r" 401 bob alice :No such nick/channel")
    # The old nick is free again; a case-only change is allowed.
    stranger.send("NICK alice")
    stranger.expect(r"^:stranger!\S+ NICK :alice$")
    alice.send("NICK ALICIA")
    bob.expect(r"^:alicia!\S+ NICK :ALICIA$")


def test_quit_is_broadcast_to_shared_channels(pair, server, raw_client):
    alice, bob = pair
    stranger = raw_client(server).register("stranger")
    bob.send("QUIT :gone fishing")
    lines = bob.expect_closed()
    assert lines[-1] == "ERROR :Closing Link: 127.0.0.1 (Quit: gone fishing)"
    alice.expect(r"^:bob!~bob@127\.0\.0\.1 QUIT :Quit: gone fishing$")
    assert not any(" QUIT " in l for l in stranger.sync())
    alice.send("NAMES #room")
    names = alice.expect(r" 353 alice = #room :(.*)$").group(1)
    assert names == "@alice"


def test_quit_without_reason(pair):
    alice, bob = pair
    bob.send("QUIT")
    bob.expect_closed()
    alice.expect(r"^:bob!\S+ QUIT :Client Quit$")


def test_quit_seen_once_with_many_shared_channels(server, raw_client):
    a = raw_client(server).register("alice")
    b = raw_client(server).register("bob")
    for ch in ("#x", "#y", "#z"):
        a.join(ch)
        b.join(ch)
    b.send("QUIT :bye")
    b.expect_closed()
    a.expect(r"^:bob!\S+ QUIT :Quit: bye$")
    assert sum(" QUIT " in l for l in a.sync()) == 0


def test_whois(pair):
    alice, bob = pair
    alice.send("WHOIS bob")
    alice.expect(r" 311 alice bob ~bob 127\.0\.0\.1 \* :Test Client$")
    alice.expect(r" 319 alice bob :#room$")
    alice.expect(r" 312 alice bob \S+ :")
    alice.expect(r" 318 alice bob :End of /WHOIS list\.")
    bob.send("WHOIS alice")
    bob.expect(r" 319 bob alice :@#room$")
    alice.send("WHOIS ghost")
    alice.expect(r" 401 alice ghost :No such nick/channel")
    alice.expect(r" 318 alice ghost :End of /WHOIS list\.")


def test_user_name_is_sanitized(server, raw_client):
    c = raw_client(server)
    c.send("NICK odd")
    c.send("USER a@b!c:d_very_long_user_name 0 * :Odd One")
    full = c.expect(r" 001 odd .* (odd!\S+)$").group(1)
    assert re.fullmatch(r"odd!~abcd_very@127\.0\.0\.1", full)


def test_each_target_once_however_spelled(server, raw_client):
    alice = raw_client(server).register("alice")
    bob = raw_client(server).register("bob")
    alice.send("PRIVMSG bob,bob,BOB :x")
    alice.send("PRIVMSG bob :after")
    bob.expect(r"PRIVMSG bob :after$")
    assert sum(l.endswith("PRIVMSG bob :x") for l in bob.lines) == 1
    # Duplicates do not count against TARGMAX either.
    alice.send("PRIVMSG bob,Bob,BOB,bOb,bob,nobody1,nobody2,nobody3 :y")
    for n in ("nobody1", "nobody2", "nobody3"):
        alice.expect(rf" 401 alice {n} :No such nick")
    assert not any(" 407 " in l for l in alice.sync())


def test_every_target_past_targmax_gets_407(server, raw_client):
    alice = raw_client(server).register("alice")
    alice.send("PRIVMSG n1,n2,n3,n4,n5,n6 :hi")
    for n in ("n1", "n2", "n3", "n4"):
        alice.expect(rf" 401 alice {n} ")
    alice.expect(r" 407 alice n5 ")
    alice.expect(r" 407 alice n6 ")


def test_names_honours_its_targmax(server, raw_client):
    alice = raw_client(server).register("alice")
    isupport = " ".join(l for l in alice.lines if " 005 " in l)
    targmax = re.search(r"TARGMAX=(\S+)", isupport).group(1)
    limits = dict(item.split(":") for item in targmax.split(","))
    assert limits["PRIVMSG"] == "4" and limits["JOIN"] == ""
    names = int(limits["NAMES"])
    chans = ",".join(f"#c{i}" for i in range(names + 1))
    alice.send(f"NAMES {chans}")
    alice.expect(rf" 366 alice #c{names - 1} ")
    alice.expect(rf" 407 alice #c{names} ")
