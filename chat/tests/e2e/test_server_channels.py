"""Channel commands: JOIN, PART, NAMES, TOPIC, LIST, WHO, KICK, MODE."""
import pytest


@pytest.fixture
def trio(server, raw_client):
    """alice (operator), bob and carol in #room."""
    people = [raw_client(server).register(n) for n in ("alice", "bob",
                                                      "carol")]
    for p in people:
        p.join("#room")
    for p in people:
        p.sync()
    return people


def test_join_echo_names_and_first_member_is_operator(server, raw_client):
    a = raw_client(server).register("alice")
    a.send("JOIN #one,#two")
    a.expect(r"^:alice!~alice@127\.0\.0\.1 JOIN #one$")
    a.expect(r" 353 alice = #one :@alice$")
    a.expect(r" 366 alice #one :End of /NAMES list\.")
    a.expect(r"^:alice!\S+ JOIN #two$")
    a.expect(r" 353 alice = #two :@alice$")
    b = raw_client(server).register("bob")
    b.join("#one")
    names = [l for l in b.lines if " 353 " in l][-1]
    assert sorted(names.split(":")[-1].split()) == ["@alice", "bob"]
    a.expect(r"^:bob!~bob@127\.0\.0\.1 JOIN #one$")


def test_channel_names_are_case_insensitive(server, raw_client):
    a = raw_client(server).register("alice").join("#Chat[1]")
    b = raw_client(server).register("bob")
    b.send("JOIN #chat{1}")
    b.expect(r"^:bob!\S+ JOIN #Chat\[1\]$")
    a.expect(r"^:bob!\S+ JOIN #Chat\[1\]$")


def test_join_again_is_ignored_and_bad_names_rejected(server, raw_client):
    a = raw_client(server).register("alice").join("#room")
    a.send("JOIN #room")
    a.send("JOIN nochan")
    a.expect(r" 403 alice nochan :No such channel")
    a.send("JOIN #bad\x07bell")
    a.expect(r" 403 alice #bad\x07bell :No such channel")
    assert sum(" JOIN #room" in l for l in a.lines) == 1


def test_too_many_channels(start_server, raw_client):
    srv = start_server("--max-channels", "2")
    a = raw_client(srv).register("alice")
    a.send("JOIN #a,#b,#c")
    a.expect(r" 366 alice #b ")
    a.expect(r" 405 alice #c :You have joined too many channels")
    a.send("PART #a")
    a.join("#c")


def test_fan_out_reaches_every_member_but_not_the_sender(server, raw_client):
    members = [raw_client(server).register(f"user{i}").join("#fan")
               for i in range(6)]
    outsider = raw_client(server).register("outsider")
    sender = members[0]
    sender.send("PRIVMSG #fan :hello everyone")
    for m in members[1:]:
        m.expect(r"^:user0!~user0@127\.0\.0\.1 PRIVMSG #fan :hello everyone$")
    assert not any("hello everyone" in l for l in sender.sync())
    assert not any("hello everyone" in l for l in outsider.sync())


def test_part_broadcast_and_errors(trio):
    alice, bob, carol = trio
    bob.send("PART #room :see you")
    for p in trio:
        p.expect(r"^:bob!\S+ PART #room :see you$")
    bob.send("PART #room")
    bob.expect(r" 442 bob #room :You're not on that channel")
    bob.send("PART #nowhere")
    bob.expect(r" 403 bob #nowhere :No such channel")
    carol.send("PART #room")
    alice.expect(r"^:carol!\S+ PART #room$")


def test_join_zero_parts_all(server, raw_client):
    a = raw_client(server).register("alice")
    a.join("#a").join("#b")
    a.send("JOIN 0")
    a.expect(r"^:alice!\S+ PART #")
    a.expect(r"^:alice!\S+ PART #")
    a.send("NAMES #a")
    a.expect(r" 366 alice #a ")
    assert not any(" 353 " in l for l in a.lines[-2:])


def test_empty_channel_disappears(server, raw_client):
    a = raw_client(server).register("alice").join("#gone")
    a.send("PART #gone")
    a.send("LIST")
    a.expect(r" 323 alice :End of /LIST")
    assert not any(" 322 alice #gone " in l for l in a.lines)


def test_names(trio):
    alice = trio[0]
    alice.send("NAMES #room")
    names = alice.expect(r" 353 alice = #room :(.*)$").group(1).split()
    assert sorted(names) == ["@alice", "bob", "carol"]
    alice.expect(r" 366 alice #room :End of /NAMES list\.")
    alice.send("NAMES #none")
    alice.expect(r" 366 alice #none :End of /NAMES list\.")
    alice.send("NAMES")
    alice.expect(r" 366 alice \* :End of /NAMES list\.")


def test_topic(trio, raw_client, server):
    alice, bob, carol = trio
    alice.send("TOPIC #room")
    alice.expect(r" 331 alice #room :No topic is set")
    bob.send("TOPIC #room :Weekly meeting")
    for p in trio:
        p.expect(r"^:bob!\S+ TOPIC #room :Weekly meeting$")
    late = raw_client(server).register("dave")
    late.send("JOIN #room")
    late.expect(r" 332 dave #room :Weekly meeting$")
    late.expect(r" 333 dave #room bob!~bob@127\.0\.0\.1 \d+$")
    late.expect(r" 366 dave #room ")
    outsider = raw_client(server).register("eve")
    outsider.send("TOPIC #room :hijack")
    outsider.expect(r" 442 eve #room :You're not on that channel")
    outsider.send("TOPIC #room")
    outsider.expect(r" 332 eve #room :Weekly meeting$")
    outsider.send("TOPIC #nochan")
    outsider.expect(r" 403 eve #nochan :No such channel")
    alice.send("TOPIC #room :" + "t" * 400)
    topic = alice.expect(r"^:alice!\S+ TOPIC #room :(t+)$").group(1)
    assert len(topic) == 300


def test_list(trio):
    alice = trio[0]
    alice.send("TOPIC #room :about things")
    alice.send("JOIN #other")
    alice.expect(r" 366 alice #other ")
    alice.send("LIST")
    alice.expect(r" 321 alice Channel :Users  Name")
    rows = {}
    while True:
        line = alice.read_line()
        if " 323 " in line:
            break
        parts = line.split(" ", 5)
        assert parts[1] == "322"
        rows[parts[3]] = (parts[4], parts[5])
    assert rows["#room"] == ("3", ":about things")
    assert rows["#other"] == ("1", ":")
    alice.send("LIST #other")
    alice.expect(r" 322 alice #other 1 :$")
    alice.expect(r" 323 alice :End of /LIST")


def test_who(trio):
    alice = trio[0]
    alice.send("WHO #room")
    rows = []
    while True:
        line = alice.read_line()
        if " 315 " in line:
            assert line.endswith("315 alice #room :End of /WHO list.")
            break
        rows.append(line)
    assert len(rows) == 3
    assert any(r.endswith(" 352 alice #room ~alice 127.0.0.1 cchatd.local "
                          "alice H@ :0 Test Client") for r in rows)
    assert any(" bob H :0 " in r for r in rows)
    alice.send("WHO carol")
    alice.expect(r" 352 alice \* ~carol 127\.0\.0\.1 \S+ carol H :0 ")
    alice.expect(r" 315 alice carol :End of /WHO list\.")
    alice.send("WHO nobody")
    alice.expect(r" 315 alice nobody :End of /WHO list\.")


def test_kick_by_operator(trio):
    alice, bob, carol = trio
    alice.send("KICK #room bob :behave")
    for p in trio:
        p.expect(r"^:alice!\S+ KICK #room bob :behave$")
    bob.send("PRIVMSG #room :still here?")
    bob.expect(r" 404 bob #room :Cannot send to channel")
    alice.send("KICK #room carol")
    carol.expect(r"^:alice!\S+ KICK #room carol :alice$")


def test_kick_errors(trio, raw_client, server):
    alice, bob, carol = trio
    bob.send("KICK #room carol :no")
    bob.expect(r" 482 bob #room :You're not channel operator")
    alice.send("KICK #room nobody")
    alice.expect(r" 401 alice nobody :No such nick/channel")
    outsider = raw_client(server).register("dave")
    alice.send("KICK #room dave")
    alice.expect(r" 441 alice dave #room :They aren't on that channel")
    outsider.send("KICK #room alice")
    outsider.expect(r" 442 dave #room :You're not on that channel")
    alice.send("KICK #nowhere bob")
    alice.expect(r" 403 alice #nowhere :No such channel")
    alice.send("KICK #room")
    alice.expect(r" 461 alice KICK :Not enough parameters")
    carol.sync()


def test_operator_kicks_self_and_channel_goes(server, raw_client):
    a = raw_client(server).register("alice").join("#solo")
    a.send("KICK #solo alice,bob")
    a.expect(r"^:alice!\S+ KICK #solo alice :alice$")
    a.send("LIST #solo")
    a.expect(r" 323 alice ")
    assert not any(" 322 " in l for l in a.lines)


def test_modes(trio, server):
    alice, bob, _ = trio
    alice.send("MODE #room")
    alice.expect(r" 324 alice #room \+n$")
    alice.expect(r" 329 alice #room \d+$")
    alice.send("MODE #room b")
    alice.expect(r" 368 alice #room :End of channel ban list")
    bob.send("MODE #room +m")
    bob.expect(r" 482 bob #room :You're not channel operator")
    alice.send("MODE #room +mZ")
    alice.expect(r" 472 alice Z :is unknown mode char to me for #room")
    bob.expect(r"^:alice!\S+ MODE #room \+m$")
    alice.send("MODE #nochan")
    alice.expect(r" 403 alice #nochan ")
    alice.send("MODE alice")
    alice.expect(r" 221 alice \+$")
    alice.send("MODE alice +i")
    alice.expect(r"^:alice MODE alice :\+i$")
    alice.send("MODE alice")
    alice.expect(r" 221 alice \+i$")
    alice.send("MODE alice +x")
    alice.expect(r" 501 alice :Unknown MODE flag")
    alice.send("MODE bob +i")
    alice.expect(r" 502 alice :Cant change mode for other users")
    alice.send("MODE")
    alice.expect(r" 461 alice MODE :Not enough parameters")


def test_join_past_the_channel_limit_answers_405_for_each(start_server,
                                                          raw_client):
    srv = start_server("--max-channels", "20")
    a = raw_client(srv).register("alice")
    a.send("JOIN " + ",".join(f"#a{i}" for i in range(1, 24)))
    a.expect(r" 366 alice #a20 ")
    for i in (21, 22, 23):
        a.expect(rf" 405 alice #a{i} :You have joined too many channels")


def test_join_the_same_channel_twice_in_one_line(server, raw_client):
    a = raw_client(server).register("alice")
    a.send("JOIN #Dup,#dup,#DUP")
    a.expect(r" 366 alice #Dup ")
    lines = a.sync()
    assert not any(" JOIN " in l for l in lines)
