"""IRCv3 capabilities against a real cchatd, from the IRCv3 specifications:
capability negotiation (302, cap-notify), multi-prefix, server-time,
message-tags (and TAGMSG), echo-message, away-notify, userhost-in-names,
invite-notify, setname."""
import re
import time

from conftest import RawClient

ALL_CAPS = {"away-notify", "cap-notify", "chghost", "echo-message", "sasl=PLAIN",
            "invite-notify", "message-tags", "multi-prefix", "server-time",
            "setname", "userhost-in-names"}


def with_caps(server, raw_client, nick, caps):
    c = raw_client(server)
    c.send("CAP LS 302")
    c.send(f"NICK {nick}")
    c.send(f"USER {nick} 0 * :Test Client")
    c.expect(r" CAP \* LS :")
    c.send("CAP REQ :" + " ".join(caps))
    c.expect(r" CAP \S+ ACK :")
    c.send("CAP END")
    c.expect(r" 001 ")
    c.expect(r" (376|422) ")
    c.nick = nick
    return c


def test_ls_req_ack_nak_list(server, raw_client):
    c = raw_client(server)
    c.send("CAP LS 302")
    offered = set(c.expect(r"^:\S+ CAP \* LS :(.*)$").group(1).split())
    assert offered == ALL_CAPS
    c.send("CAP REQ :multi-prefix bogus-cap")
    c.expect(r"^:\S+ CAP \* NAK :multi-prefix bogus-cap$")
    c.send("CAP LIST")
    # 302 turns cap-notify on by itself; the NAK enabled nothing.
    c.expect(r"^:\S+ CAP \* LIST :cap-notify$")
    c.send("CAP REQ :multi-prefix server-time")
    c.expect(r"^@time=\S+ :\S+ CAP \* ACK :multi-prefix server-time$")
    c.send("CAP REQ :-server-time")
    c.expect(r"^:\S+ CAP \* ACK :-server-time$")   # sent after it is off
    c.send("CAP LIST")
    c.expect(r"^:\S+ CAP \* LIST :cap-notify multi-prefix$")
    c.send("NICK carol")
    c.send("USER carol 0 * :Carol")
    c.send("CAP BOGUS")
    c.expect(r" 410 \S+ BOGUS :Invalid CAP command")
    assert not any(" 001 " in line for line in c.lines)
    c.send("CAP END")
    c.expect(r" 001 carol ")


def test_multi_prefix_and_userhost_in_names(server, raw_client):
    op = raw_client(server).register("op").join("#c")
    op.send("MODE #c +v op")
    op.expect(r"MODE #c \+v op$")
    plain = raw_client(server).register("plain").join("#c")
    names = [l.split(" :", 1)[1].split() for l in plain.lines
             if " 353 plain = #c " in l]
    assert names and "@op" in names[0] and "plain" in names[0]
    multi = with_caps(server, raw_client, "multi",
                      ["multi-prefix", "userhost-in-names"])
    multi.send("NAMES #c")
    names = multi.expect(r" 353 multi = #c :(.*)$").group(1).split()
    assert "@+op!~op@127.0.0.1" in names
    assert "plain!~plain@127.0.0.1" in names
    multi.send("WHO #c")
    multi.expect(r" 352 multi #c ~op \S+ \S+ op H@\+ :0 ")


def test_server_time_tags_every_line(server, raw_client):
    c = with_caps(server, raw_client, "timely", ["server-time"])
    c.send("JOIN #t")
    c.expect(r"^@time=\S+ :\S+ 366 timely #t ")
    other = raw_client(server).register("other").join("#t")
    other.send("PRIVMSG #t :tick")
    m = c.expect(r"^@time=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) "
                 r":other!\S+ PRIVMSG #t :tick$")
    stamp = time.strptime(m.group(1)[:19], "%Y-%m-%dT%H:%M:%S")
    assert abs(time.mktime(stamp) - time.mktime(time.gmtime())) < 120
    assert not any(l.startswith("@") for l in other.lines)


def test_message_tags_relay_client_tags_and_tagmsg(server, raw_client):
    a = with_caps(server, raw_client, "tagger", ["message-tags"]).join("#m")
    b = with_caps(server, raw_client, "reader", ["message-tags"]).join("#m")
    plain = raw_client(server).register("plain").join("#m")
    a.sync()
    a.send("@+example/reply=abc;+x;vendor-only=no PRIVMSG #m :tagged")
    b.expect(r"^@\+example/reply=abc;\+x :tagger!\S+ PRIVMSG #m :tagged$")
    plain.expect(r"^:tagger!\S+ PRIVMSG #m :tagged$")
    a.send("@+typing=active TAGMSG #m")
    b.expect(r"^@\+typing=active :tagger!\S+ TAGMSG #m$")
    a.send("@+typing=done TAGMSG reader")
    b.expect(r"^@\+typing=done :tagger!\S+ TAGMSG reader$")
    assert not any("TAGMSG" in l for l in plain.sync())
    long_value = "v" * 400
    a.send(f"@+big={long_value};+small=1 PRIVMSG reader :bounded")
    line = b.expect(r"PRIVMSG reader :bounded$").string
    assert "+big" not in line and "+small=1" in line


def test_echo_message(server, raw_client):
    a = with_caps(server, raw_client, "echoer", ["echo-message"]).join("#e")
    b = raw_client(server).register("bob").join("#e")
    a.sync()
    a.send("PRIVMSG #e :hello all")
    a.expect(r"^:echoer!\S+ PRIVMSG #e :hello all$")
    b.expect(r"^:echoer!\S+ PRIVMSG #e :hello all$")
    a.send("NOTICE bob :just you")
    a.expect(r"^:echoer!\S+ NOTICE bob :just you$")
    b.send("PRIVMSG #e :no echo for bob")
    assert not any("no echo" in l for l in b.sync())


def test_away_notify(server, raw_client):
    watcher = with_caps(server, raw_client, "watcher", ["away-notify"])
    watcher.join("#a")
    plain = raw_client(server).register("plain").join("#a")
    goer = raw_client(server).register("goer").join("#a")
    watcher.sync()
    goer.send("AWAY :lunch")
    watcher.expect(r"^:goer!\S+ AWAY :lunch$")
    goer.send("AWAY")
    watcher.expect(r"^:goer!\S+ AWAY$")
    goer.send("AWAY :again")
    goer.expect(" 306 ")
    goer.send("PART #a")
    watcher.expect(r"PART #a")
    goer.send("JOIN #a")
    watcher.expect(r"^:goer!\S+ JOIN #a$")
    watcher.expect(r"^:goer!\S+ AWAY :again$")
    assert not any(" AWAY" in l for l in plain.sync())


def test_invite_notify(server, raw_client):
    op = raw_client(server).register("op").join("#i")
    helper = with_caps(server, raw_client, "helper", ["invite-notify"])
    helper.join("#i")
    op.send("MODE #i +o helper")
    helper.expect(r"MODE #i \+o helper$")
    raw_client(server).register("guest")
    op.send("INVITE guest #i")
    helper.expect(r"^:op!\S+ INVITE guest #i$")


def test_setname(server, raw_client):
    a = with_caps(server, raw_client, "renamer", ["setname"]).join("#s")
    b = with_caps(server, raw_client, "peer", ["setname"]).join("#s")
    plain = raw_client(server).register("plain").join("#s")
    a.sync()
    a.send("SETNAME :New Real Name")
    a.expect(r"^:renamer!\S+ SETNAME :New Real Name$")
    b.expect(r"^:renamer!\S+ SETNAME :New Real Name$")
    plain.send("WHOIS renamer")
    plain.expect(r" 311 plain renamer ~renamer \S+ \* :New Real Name$")
    assert not any("SETNAME" in l for l in plain.lines)
    a.send("SETNAME :" + "x" * 200)
    a.expect(r" FAIL SETNAME INVALID_REALNAME :")


def sasl_payload(authzid, authcid, password):
    import base64
    return base64.b64encode(f"{authzid}\0{authcid}\0{password}".encode()
                            ).decode()


def test_sasl_plain_against_config_accounts(start_server, raw_client,
                                            tmp_path):
    import subprocess
    hashed = subprocess.run(["openssl", "passwd", "-6", "-salt", "saslsalt",
                             "hunter2"], capture_output=True, text=True,
                            check=True).stdout.strip()
    conf = tmp_path / "cchatd.conf"
    conf.write_text(f"account alice {hashed}\n")
    srv = start_server("--config", conf)
    c = raw_client(srv)
    c.send("CAP LS 302")
    ls = c.expect(r" CAP \* LS :(.*)$").group(1).split()
    assert "sasl=PLAIN" in ls
    c.send("NICK alice")
    c.send("USER alice 0 * :Alice")
    c.send("AUTHENTICATE PLAIN")          # before CAP REQ :sasl
    c.expect(r" 904 \S+ :SASL authentication failed$")
    c.send("CAP REQ :sasl")
    c.expect(r" CAP \S+ ACK :sasl$")
    c.send("AUTHENTICATE SCRAM-SHA-256")
    c.expect(r" 908 \S+ PLAIN :are available SASL mechanisms$")
    c.expect(r" 904 ")
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    c.send("AUTHENTICATE " + sasl_payload("", "alice", "wrong"))
    c.expect(r" 904 ")
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    c.send("AUTHENTICATE not-base64!")
    c.expect(r" 904 ")
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    c.send("AUTHENTICATE *")
    c.expect(r" 906 \S+ :SASL authentication aborted$")
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    c.send("AUTHENTICATE " + sasl_payload("alice", "alice", "hunter2"))
    c.expect(r" 900 alice alice!~alice@127\.0\.0\.1 alice :You are now "
             r"logged in as alice$")
    c.expect(r" 903 alice :SASL authentication successful$")
    c.send("AUTHENTICATE PLAIN")
    c.expect(r" 907 alice :You have already authenticated")
    c.send("CAP END")
    c.expect(r" 001 alice ")
    other = raw_client(srv).register("bob")
    other.send("WHOIS alice")
    other.expect(r" 330 bob alice alice :is logged in as$")
    assert "failed SASL login as alice" in srv.stderr_text()


def test_registered_only_channel_needs_a_sasl_login(start_server, raw_client,
                                                   tmp_path):
    import subprocess
    hashed = subprocess.run(["openssl", "passwd", "-6", "-salt", "saslsalt",
                             "pw"], capture_output=True, text=True,
                            check=True).stdout.strip()
    conf = tmp_path / "cchatd.conf"
    conf.write_text(f"account member {hashed}\n")
    srv = start_server("--config", conf)
    op = raw_client(srv).register("op").join("#reg")
    op.send("MODE #reg +R")
    op.expect(r"MODE #reg \+R$")
    guest = raw_client(srv).register("guest")
    guest.send("JOIN #reg")
    guest.expect(r" 477 guest #reg :Cannot join channel \(\+R\)")
    c = raw_client(srv)
    c.send("CAP REQ :sasl")
    c.send("NICK member")
    c.send("USER member 0 * :Member")
    c.send("AUTHENTICATE PLAIN")
    c.expect(r"^AUTHENTICATE \+$")
    c.send("AUTHENTICATE " + sasl_payload("", "member", "pw"))
    c.expect(r" 903 ")
    c.send("CAP END")
    c.expect(r" 001 member ")
    c.join("#reg")
