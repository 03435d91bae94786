"""User and server commands against a real cchatd: AWAY, ISON, USERHOST,
WHOIS, WHOWAS, LUSERS, VERSION, TIME, INFO, ADMIN, STATS, HELP, MONITOR
and the user modes.  Expected replies are those of RFC 2812, the Modern
IRC client protocol document and the IRCv3 MONITOR specification."""
import re
import time

import pytest

from conftest import SERVER_NAME


@pytest.fixture
def pair(server, raw_client):
    a = raw_client(server).register("alice").join("#room")
    b = raw_client(server).register("bob").join("#room")
    a.sync()
    return a, b


def test_away_sets_and_clears_with_301_305_306(pair):
    alice, bob = pair
    bob.send("AWAY :gone fishing")
    bob.expect(r" 306 bob :You have been marked as being away$")
    alice.send("PRIVMSG bob :are you there?")
    alice.expect(r" 301 alice bob :gone fishing$")
    alice.send("NOTICE bob :a notice gets no 301")
    assert not any(" 301 " in l for l in alice.sync())
    alice.send("WHO #room")
    alice.expect(r" 352 alice #room ~bob 127\.0\.0\.1 \S+ bob G :0 ")
    alice.send("WHOIS bob")
    alice.expect(r" 301 alice bob :gone fishing$")
    bob.send("AWAY")
    bob.expect(r" 305 bob :You are no longer marked as being away$")
    alice.send("WHO bob")
    alice.expect(r" 352 alice \* ~bob 127\.0\.0\.1 \S+ bob H :0 ")
    alice.send("PRIVMSG bob :back?")
    assert not any(" 301 " in l for l in alice.sync())


def test_away_message_is_cut_to_awaylen(pair):
    alice, bob = pair
    isupport = " ".join(l for l in alice.lines if " 005 " in l)
    awaylen = int(re.search(r"AWAYLEN=(\d+)", isupport).group(1))
    bob.send("AWAY :" + "z" * (awaylen + 50))
    bob.expect(" 306 ")
    alice.send("WHOIS bob")
    got = alice.expect(r" 301 alice bob :(z+)$").group(1)
    assert len(got) == awaylen


def test_ison_lists_the_nicks_online_as_they_are_spelled(pair):
    alice, _ = pair
    alice.send("ISON BOB nobody alice")
    alice.expect(r" 303 alice :bob alice$")
    alice.send("ISON :nobody1 nobody2")
    alice.expect(r" 303 alice :$")


def test_userhost_flags_away_and_caps_at_five(pair, server, raw_client):
    alice, bob = pair
    bob.send("AWAY :out")
    bob.expect(" 306 ")
    alice.send("USERHOST bob alice nobody")
    alice.expect(r" 302 alice :bob=-~bob@127\.0\.0\.1 "
                 r"alice=\+~alice@127\.0\.0\.1$")
    alice.send("USERHOST alice alice alice alice alice alice")
    line = alice.expect(r" 302 alice :(.*)$").group(1)
    assert len(line.split()) == 5


def test_whois_has_idle_and_signon(pair):
    alice, bob = pair
    before = int(time.time())
    alice.send("WHOIS bob")
    m = alice.expect(r" 317 alice bob (\d+) (\d+) :seconds idle, signon time$")
    assert int(m.group(1)) < 60
    assert before - 60 <= int(m.group(2)) <= before + 1
    alice.expect(r" 318 alice bob :End of /WHOIS list\.$")


def test_whowas_remembers_nick_changes_and_quits(pair):
    alice, bob = pair
    bob.send("NICK robert")
    bob.expect(r"NICK :robert$")
    alice.send("WHOWAS bob")
    alice.expect(r" 314 alice bob ~bob 127\.0\.0\.1 \* :Test Client$")
    alice.expect(rf" 312 alice bob {re.escape(SERVER_NAME)} :")
    alice.expect(r" 369 alice bob :End of WHOWAS$")
    bob.send("QUIT :bye")
    bob.expect_closed()
    alice.send("WHOWAS robert 1")
    alice.expect(r" 314 alice robert ~bob ")
    alice.expect(r" 369 alice robert ")
    alice.send("WHOWAS never-seen")
    alice.expect(r" 406 alice never-seen :There was no such nickname$")
    alice.expect(r" 369 alice never-seen ")


def test_whowas_history_is_bounded(start_server, raw_client):
    c = raw_client(start_server("--no-flood-control")).register("n0")
    # WHOWAS_MAX is 256: 300 renames push out the oldest.
    for i in range(1, 301):
        c.send(f"NICK n{i}")
        if i % 50 == 0:
            c.sync()
    c.sync()
    c.send("WHOWAS n0")
    c.expect(r" 406 \S+ n0 ")
    c.send("WHOWAS n299")
    c.expect(r" 314 \S+ n299 ")


def test_lusers_at_registration_and_on_demand(server, raw_client):
    a = raw_client(server).register("alice")
    for n in (251, 252, 253, 254, 255, 265, 266):
        assert any(f" {n} alice " in l for l in a.lines), n
    raw_client(server)                     # one unregistered connection
    b = raw_client(server).register("bob")
    b.send("MODE bob +i")
    b.expect(r"MODE bob :\+i$")
    a.join("#x")
    a.send("LUSERS")
    a.expect(r" 251 alice :There are 1 users and 1 invisible on 1 servers$")
    a.expect(r" 252 alice 0 :operator\(s\) online$")
    a.expect(r" 253 alice 1 :unknown connection\(s\)$")
    a.expect(r" 254 alice 1 :channels formed$")
    a.expect(r" 255 alice :I have 2 clients and 0 servers$")
    a.expect(r" 265 alice 2 2 :Current local users 2, max 2$")
    a.expect(r" 266 alice 2 2 :Current global users 2, max 2$")


def test_version_time_info_admin(server, raw_client):
    c = raw_client(server).register("alice")
    c.send("VERSION")
    c.expect(rf" 351 alice cchatd-\S+ {re.escape(SERVER_NAME)} :")
    c.expect(r" 005 alice .* :are supported by this server$")
    c.send("TIME")
    c.expect(rf" 391 alice {re.escape(SERVER_NAME)} :\S+ \S+ \d+ \d{{4}} ")
    c.send("INFO")
    c.expect(r" 371 alice :cchatd")
    c.expect(r" 374 alice :End of INFO list$")
    c.send("ADMIN")
    c.expect(rf" 256 alice {re.escape(SERVER_NAME)} :Administrative info$")
    c.expect(r" 257 alice :")
    c.expect(r" 258 alice :")
    c.expect(r" 259 alice :")
    c.send("VERSION other.server")
    c.expect(r" 402 alice other\.server :No such server$")


def test_stats_u_m_o(server, raw_client):
    c = raw_client(server).register("alice")
    c.send("STATS u")
    c.expect(r" 242 alice :Server Up 0 days 0:\d\d:\d\d$")
    c.expect(r" 219 alice u :End of /STATS report$")
    c.send("STATS m")
    c.expect(r" 212 alice NICK 1 ")
    c.expect(r" 219 alice m ")
    c.send("STATS o")
    c.expect(r" 219 alice o ")
    c.send("STATS")
    c.expect(r" 461 alice STATS ")


def test_help_lists_commands_and_explains_one(server, raw_client):
    c = raw_client(server).register("alice")
    c.send("HELP")
    c.expect(r" 704 alice \* :")
    text = " ".join(l for l in c.sync() if " 705 " in l)
    for cmd in ("AWAY", "MONITOR", "WHOWAS", "PRIVMSG"):
        assert cmd in text
    c.send("HELP away")
    c.expect(r" 704 alice AWAY :AWAY \[:<message>\]")
    c.expect(r" 706 alice AWAY :End of /HELP$")
    c.send("HELP nosuch")
    c.expect(r" 524 alice nosuch :No help available on this topic$")


def test_user_modes_i_w_and_221(server, raw_client):
    c = raw_client(server).register("alice")
    c.send("MODE alice")
    c.expect(r" 221 alice \+$")
    c.send("MODE alice +iw")
    c.expect(r"^:alice MODE alice :\+iw$")
    c.send("MODE alice")
    c.expect(r" 221 alice \+iw$")
    c.send("MODE alice +o")         # only OPER gives +o
    c.send("MODE alice -w+x")
    c.expect(r" 501 alice :Unknown MODE flag$")
    c.expect(r"^:alice MODE alice :-w$")
    c.send("MODE alice")
    c.expect(r" 221 alice \+i$")


def test_monitor_online_offline_list_clear(server, raw_client):
    w = raw_client(server).register("watcher")
    w.send("MONITOR + carol,Dave")
    w.expect(r" 731 watcher :carol,Dave$")
    carol = raw_client(server).register("carol")
    w.expect(r" 730 watcher :carol!~carol@127\.0\.0\.1$")
    w.send("MONITOR L")
    w.expect(r" 732 watcher :carol,Dave$")
    w.expect(r" 733 watcher :End of MONITOR list$")
    w.send("MONITOR S")
    w.expect(r" 730 watcher :carol!")
    w.expect(r" 731 watcher :Dave$")
    carol.send("NICK dave")
    w.expect(r" 731 watcher :carol$")
    w.expect(r" 730 watcher :dave!~carol@")
    carol.send("QUIT")
    w.expect(r" 731 watcher :dave$")
    w.send("MONITOR - dave")
    w.send("MONITOR L")
    w.expect(r" 732 watcher :carol$")
    w.send("MONITOR C")
    w.send("MONITOR L")
    w.expect(r" 733 watcher ")
    assert not any(" 732 " in l for l in w.sync())


def test_monitor_list_is_bounded(server, raw_client):
    w = raw_client(server).register("watcher")
    isupport = " ".join(l for l in w.lines if " 005 " in l)
    limit = int(re.search(r"MONITOR=(\d+)", isupport).group(1))
    for start in range(0, limit, 40):
        w.send("MONITOR + " + ",".join(f"m{i}" for i in
                                       range(start, min(start + 40, limit))))
    w.sync()
    w.send("MONITOR + toomany")
    w.expect(rf" 734 watcher {limit} toomany :Monitor list is full\.$")
