"""Registration, CAP, PING/PONG and timeouts against a real cchatd."""
import re

from conftest import SERVER_NAME


def test_welcome_numerics_and_no_motd(server, raw_client):
    c = raw_client(server)
    c.send("NICK alice")
    c.send("USER alice 0 * :Alice Liddell")
    assert c.expect(r"^:(\S+) 001 alice :Welcome .* alice!~alice@127\.0\.0\.1$"
                    ).group(1) == SERVER_NAME
    c.expect(r" 002 alice :Your host is ")
    c.expect(r" 003 alice :This server was created ")
    c.expect(rf" 004 alice {SERVER_NAME} \S+ iow biklmnopRstvz$")
    isupport = c.expect(r" 005 alice (.*) :are supported").group(1).split()
    assert "CASEMAPPING=rfc1459" in isupport
    assert "NICKLEN=30" in isupport
    assert "CHANNELLEN=50" in isupport
    assert "CHANLIMIT=#&:20" in isupport
    c.expect(r" 422 alice :MOTD File is missing")


def test_motd_from_file(start_server, raw_client, tmp_path):
    motd = tmp_path / "motd.txt"
    motd.write_text("Hello there\nSecond line\n")
    srv = start_server("--motd", motd)
    c = raw_client(srv)
    c.send("USER bob 0 * :Bob")
    c.send("NICK bob")
    c.expect(r" 001 bob ")
    c.expect(r" 375 bob :- \S+ Message of the day")
    c.expect(r" 372 bob :- Hello there$")
    c.expect(r" 372 bob :- Second line$")
    c.expect(r" 376 bob :End of /MOTD")
    c.send("MOTD")
    c.expect(r" 372 bob :- Hello there$")


def test_nick_errors(server, raw_client):
    a = raw_client(server).register("Alice")
    b = raw_client(server)
    b.send("NICK")
    b.expect(r" 431 \* :No nickname given")
    b.send("NICK 9lives")
    b.expect(r" 432 \* 9lives :Erroneous nickname")
    b.send("NICK bad!nick")
    b.expect(r" 432 \* bad!nick :Erroneous nickname")
    b.send("NICK alice")                     # case-insensitive collision
    b.expect(r" 433 \* alice :Nickname is already in use")
    b.register("bob")
    b.send("NICK ALICE")
    b.expect(r" 433 bob ALICE :Nickname is already in use")
    a.sync()


def test_rfc1459_casemapping_for_nicks(server, raw_client):
    raw_client(server).register("[x]")
    b = raw_client(server)
    b.send("NICK {X}")
    b.expect(r" 433 \* \{X\} :Nickname is already in use")


def test_commands_before_registration_and_unknown(server, raw_client):
    c = raw_client(server)
    c.send("JOIN #chan")
    c.expect(r" 451 \* :You have not registered")
    c.send("FOO bar")
    c.expect(r" 451 \* :You have not registered")
    c.send("USER only two")
    c.expect(r" 461 \* USER :Not enough parameters")
    c.register("dave")
    c.send("FOO bar")
    c.expect(r" 421 dave FOO :Unknown command")
    c.send("USER again 0 * :x")
    c.expect(r" 462 dave :You may not reregister")
    c.send("PASS secret")
    c.expect(r" 462 dave :You may not reregister")
    c.send("JOIN")
    c.expect(r" 461 dave JOIN :Not enough parameters")


def test_ping_pong(server, raw_client):
    c = raw_client(server)
    c.send("PING :before-registration")
    c.expect(rf"^:{SERVER_NAME} PONG {SERVER_NAME} :before-registration$")
    c.register("erin")
    c.send("PING token123")
    c.expect(r"PONG \S+ :token123$")
    c.send("PING")
    c.expect(r" 409 erin :No origin specified")
    c.send("PONG")
    c.expect(r" 409 erin :No origin specified")


def test_server_pings_idle_client_and_keeps_it_when_answered(start_server,
                                                            raw_client):
    srv = start_server("--ping-interval", "1", "--ping-timeout", "3")
    c = raw_client(srv, auto_pong=False).register("frank")
    token = c.expect(r"^PING :(\S+)$").group(1)
    c.send(f"PONG :{token}")
    c.expect(r"^PING :")                      # alive: pinged again later
    c.send(f"PONG :{token}")
    c.expect(r"^PING :")
    c.sync()


def test_ping_timeout_disconnects(start_server, raw_client):
    srv = start_server("--ping-interval", "1", "--ping-timeout", "3")
    watcher = raw_client(srv).register("watcher")
    watcher.join("#room")
    c = raw_client(srv, auto_pong=False).register("sleepy")
    c.join("#room")
    # The watcher keeps reading (and answering PINGs) while sleepy does not.
    watcher.expect(r"^:sleepy!\S+ QUIT :Ping timeout")
    lines = c.expect_closed()
    assert "PING :cchatd.local" in lines
    assert re.search(r"^ERROR :Closing Link: \S+ "
                     r"\(Ping timeout: \d+ seconds\)", lines[-1])


def test_registration_timeout(start_server, raw_client):
    srv = start_server("--register-timeout", "1")
    c = raw_client(srv, auto_pong=False)
    c.send("NICK slowpoke")
    lines = c.expect_closed()
    assert lines[-1].startswith("ERROR :Closing Link: ")
    assert "Registration timed out" in lines[-1]
