"""Channel modes and the numerics around them, against a real cchatd:
+t +k +l +i (with INVITE) +m +s +p +n, +b masks, +o/+v, several modes
in one MODE line and MODES=, STATUSMSG.  Written from RFC 2812 and the
Modern IRC client protocol document."""
import re

import pytest


@pytest.fixture
def trio(server, raw_client):
    op = raw_client(server).register("op").join("#c")
    bob = raw_client(server).register("bob").join("#c")
    eve = raw_client(server).register("eve")
    op.sync()
    return op, bob, eve


def isupport(client):
    text = " ".join(l for l in client.lines if " 005 " in l)
    return dict(t.split("=", 1) if "=" in t else (t, "")
                for t in re.findall(r"(?<= )[A-Z]+(?:=\S*)?", text))


def test_isupport_advertises_the_modes(trio):
    op, _, _ = trio
    tokens = isupport(op)
    assert tokens["CHANMODES"] == "b,k,l,imnpRstz"
    assert tokens["PREFIX"] == "(ov)@+"
    assert tokens["STATUSMSG"] == "@+"
    assert tokens["MODES"] == "4"
    assert tokens["MAXLIST"] == "b:50"


def test_topic_lock(trio):
    op, bob, _ = trio
    op.send("MODE #c +t")
    bob.expect(r"^:op!\S+ MODE #c \+t$")
    bob.send("TOPIC #c :mine")
    bob.expect(r" 482 bob #c :You're not channel operator$")
    op.send("TOPIC #c :the op's")
    bob.expect(r"TOPIC #c :the op's$")


def test_key(trio):
    op, bob, eve = trio
    op.send("MODE #c +k s3cret")
    bob.expect(r"^:op!\S+ MODE #c \+k s3cret$")
    op.send("MODE #c +k other")
    op.expect(r" 467 op #c :Channel key already set$")
    eve.send("JOIN #c")
    eve.expect(r" 475 eve #c :Cannot join channel \(\+k\)$")
    eve.send("MODE #c")
    eve.expect(r" 324 eve #c \+nk \*$")
    bob.send("MODE #c")
    bob.expect(r" 324 bob #c \+nk s3cret$")
    eve.send("JOIN #other,#c x,s3cret")
    eve.expect(r" 366 eve #c ")
    op.send("MODE #c -k *")
    eve.expect(r"^:op!\S+ MODE #c -k \*$")


def test_limit(trio, server, raw_client):
    op, bob, eve = trio
    op.send("MODE #c +l 2")
    bob.expect(r"MODE #c \+l 2$")
    eve.send("JOIN #c")
    eve.expect(r" 471 eve #c :Cannot join channel \(\+l\)$")
    op.send("MODE #c +l zero")
    op.expect(r" 696 op #c l zero ")
    op.send("MODE #c -l")
    bob.expect(r"MODE #c -l$")
    eve.join("#c")


def test_invite_only_and_invite(trio):
    op, bob, eve = trio
    op.send("MODE #c +i")
    bob.expect(r"MODE #c \+i$")
    eve.send("JOIN #c")
    eve.expect(r" 473 eve #c :Cannot join channel \(\+i\)$")
    bob.send("INVITE eve #c")
    bob.expect(r" 482 bob #c ")              # +i: operators invite
    eve.send("INVITE bob #c")
    eve.expect(r" 442 eve #c ")
    op.send("INVITE bob #c")
    op.expect(r" 443 op bob #c :is already on channel$")
    op.send("INVITE nobody #c")
    op.expect(r" 401 op nobody ")
    op.send("INVITE eve #c")
    op.expect(r" 341 op eve #c$")
    eve.expect(r"^:op!~op@127\.0\.0\.1 INVITE eve #c$")
    eve.join("#c")
    eve.send("PART #c")
    eve.send("JOIN #c")                        # the invitation was used
    eve.expect(r" 473 eve #c ")


def test_moderated_and_voice(trio):
    op, bob, _ = trio
    op.send("MODE #c +m")
    bob.expect(r"MODE #c \+m$")
    bob.send("PRIVMSG #c :can I?")
    bob.expect(r" 404 bob #c :Cannot send to channel$")
    op.send("MODE #c +v bob")
    bob.expect(r"^:op!\S+ MODE #c \+v bob$")
    bob.send("PRIVMSG #c :now I can")
    op.expect(r"^:bob!\S+ PRIVMSG #c :now I can$")
    op.send("NAMES #c")
    names = op.expect(r" 353 op = #c :(.*)$").group(1).split()
    assert sorted(names) == ["+bob", "@op"]


def test_op_and_deop(trio):
    op, bob, eve = trio
    op.send("MODE #c +o bob")
    bob.expect(r"^:op!\S+ MODE #c \+o bob$")
    bob.send("MODE #c -o op")
    op.expect(r"^:bob!\S+ MODE #c -o op$")
    op.send("MODE #c +t")
    op.expect(r" 482 op #c ")
    bob.send("MODE #c +o eve")
    bob.expect(r" 441 bob eve #c :They aren't on that channel$")
    bob.send("MODE #c +o ghost")
    bob.expect(r" 401 bob ghost ")
    bob.send("KICK #c op :bye")
    op.expect(r"KICK #c op :bye$")


def test_no_outside_messages_flag(trio):
    op, bob, eve = trio
    eve.send("PRIVMSG #c :from outside")
    eve.expect(r" 404 eve #c ")
    op.send("MODE #c -n")
    bob.expect(r"MODE #c -n$")
    eve.send("PRIVMSG #c :from outside")
    bob.expect(r"^:eve!\S+ PRIVMSG #c :from outside$")


def test_secret_and_private_hide_the_channel(trio):
    op, bob, eve = trio
    op.send("MODE #c +s")
    bob.expect(r"MODE #c \+s$")
    eve.send("LIST")
    eve.expect(" 323 ")
    assert not any(" 322 eve #c " in l for l in eve.lines)
    eve.send("WHOIS bob")
    eve.expect(" 318 ")
    assert not any(" 319 " in l for l in eve.lines)
    eve.send("NAMES #c")
    eve.expect(r" 366 eve #c ")
    assert not any(" 353 eve " in l for l in eve.lines)
    eve.send("WHO #c")
    eve.expect(r" 315 eve #c ")
    assert not any(" 352 eve " in l for l in eve.lines)
    bob.send("NAMES #c")
    bob.expect(r" 353 bob @ #c :")
    op.send("MODE #c -s+p")
    bob.expect(r"MODE #c -s\+p$")
    bob.send("NAMES #c")
    bob.expect(r" 353 bob \* #c :")
    bob.send("LIST")
    bob.expect(r" 322 bob #c 2 ")


def test_bans_with_masks_and_casemapping(trio, server, raw_client):
    op, bob, eve = trio
    op.send("MODE #c +b EVE")                # nick only -> nick!*@*
    op.expect(r"MODE #c \+b EVE!\*@\*$")
    eve.send("JOIN #c")
    eve.expect(r" 474 eve #c :Cannot join channel \(\+b\)$")
    op.send("MODE #c b")
    op.expect(r" 367 op #c EVE!\*@\* op \d+$")
    op.expect(r" 368 op #c :End of channel ban list$")
    op.send("MODE #c +b *!~b?b@127.0.0.*")   # bob can no longer speak
    op.expect(r"MODE #c \+b \*!~b\?b@127\.0\.0\.\*$")
    bob.send("PRIVMSG #c :hello?")
    bob.expect(r" 404 bob #c ")
    op.send("MODE #c -b *!~b?b@127.0.0.*")
    op.expect(r"MODE #c -b ")
    bob.send("PRIVMSG #c :hello")
    op.expect(r"PRIVMSG #c :hello$")
    nick = raw_client(server).register("nick[1]")
    op.send("MODE #c +b nick{1}!*@*")      # rfc1459: {} fold to []
    op.expect(r"MODE #c \+b nick\{1\}")
    nick.send("JOIN #c")
    nick.expect(r" 474 nick\[1\] #c ")


def test_ban_list_is_bounded(trio):
    op, _, _ = trio
    limit = int(isupport(op)["MAXLIST"].split(":")[1])
    for start in range(0, limit, 4):
        op.send("MODE #c +bbbb " + " ".join(f"m{i}!*@*" for i in
                                            range(start, start + 4)))
    op.sync()
    op.send("MODE #c +b one-too-many")
    op.expect(rf" 478 op #c one-too-many!\*@\* :Channel ban list is full$")


def test_several_modes_and_parameters_in_one_line(trio, server, raw_client):
    op, bob, eve = trio
    eve.join("#c")
    op.send("MODE #c +tnlk-n 5 key")
    bob.expect(r"^:op!\S+ MODE #c \+tlk-n 5 key$")
    op.send("MODE #c +ov bob eve")
    bob.expect(r"^:op!\S+ MODE #c \+ov bob eve$")
    op.send("MODE #c")
    op.expect(r" 324 op #c \+tkl key 5$")
    # MODES=4: a fifth mode with a parameter is not applied.
    op.send("MODE #c +bbbbb a b c d e")
    bob.expect(r"^:op!\S+ MODE #c \+bbbb a!\*@\* b!\*@\* c!\*@\* d!\*@\*$")
    op.send("MODE #c +b")
    op.expect(r" 368 op #c ")
    assert not any(" 367 op #c e!" in l for l in op.lines)
    op.send("NAMES #c")
    names = op.expect(r" 353 op = #c :(.*)$").group(1).split()
    assert sorted(names) == ["+eve", "@bob", "@op"]


def test_statusmsg_reaches_only_operators(trio, server, raw_client):
    op, bob, eve = trio
    eve.join("#c")
    op.send("MODE #c +v bob")
    eve.expect(r"MODE #c \+v bob$")
    bob.send("PRIVMSG @#c :ops only")
    op.expect(r"^:bob!\S+ PRIVMSG @#c :ops only$")
    eve.send("PRIVMSG @#c :not voiced")
    eve.expect(r" 404 eve @#c ")
    assert not any("ops only" in l for l in eve.sync())


def test_list_filters_by_member_count(server, raw_client):
    a = raw_client(server).register("alice").join("#one").join("#two")
    b = raw_client(server).register("bob").join("#two")
    a.sync()
    assert isupport(a)["ELIST"] == "U"
    b.send("LIST >1")
    b.expect(r" 322 bob #two 2 :")
    b.expect(r" 323 bob ")
    assert not any(" 322 bob #one " in l for l in b.lines)
    b.send("LIST <2")
    b.expect(r" 322 bob #one 1 :")
    b.expect(r" 323 bob ")
    assert sum(" 322 bob #two " in l for l in b.lines) == 1
