"""A hostile peer: random, malformed and over-long uses of every command,
with IRCv3 tags and CAP requests mixed in, against a real cchatd (under
the sanitizers with SANITIZE=1).  The server must keep answering and
exit cleanly; no reply may exceed 512 bytes plus its tags."""
import random

from conftest import RawClient

COMMANDS = ["PRIVMSG", "NOTICE", "TAGMSG", "JOIN", "PART", "MODE", "TOPIC",
            "NAMES", "LIST", "WHO", "WHOIS", "WHOWAS", "KICK", "INVITE",
            "AWAY", "ISON", "USERHOST", "MONITOR", "LUSERS", "VERSION",
            "TIME", "INFO", "ADMIN", "STATS", "HELP", "OPER", "KILL",
            "WALLOPS", "REHASH", "SETNAME", "CAP", "NICK", "MOTD",
            "AUTHENTICATE"]
PIECES = ["#c", "#d", "&e", "@#c", "+#c", "a", "b", "B", "*", "*!*@*",
          "+ovbkl", "-ovbkl", "+imnpst", "+b", "-b", "+k", "+l", "99999999999",
          "0", "-1", ",", ",,,", ":", "", "LS", "REQ", ":multi-prefix",
          "L", "S", "C", "+", "-", "x" * 300, "PLAIN", "AGFAYg==",
          "é" * 40, "\x01ACTION\x01",
          "#" + "c" * 60, "nick[1]", "NICK{1}", "?", "m", "u", "o"]
TAGS = ["", "@+a=b ", "@+x;+y=1 ", "@time=x ", "@" + "+t=" + "v" * 400 + " ",
        "@;;; ", "@+=x "]


def random_line(rng):
    cmd = rng.choice(COMMANDS)
    params = [rng.choice(PIECES) for _ in range(rng.randint(0, 6))]
    if params and rng.random() < 0.5:
        params[-1] = ":" + params[-1]
    return rng.choice(TAGS) + " ".join([cmd] + params)


def test_random_hostile_commands_leave_the_server_sane(start_server):
    srv = start_server("--no-flood-control", "--max-per-address", "0")
    rng = random.Random(12)
    clients = [RawClient(srv.host, srv.port).register(n)
               for n in ("a", "b", "nick[1]")]
    for c in clients:
        c.join("#c")
        c.send("CAP REQ :multi-prefix server-time message-tags "
               "echo-message away-notify userhost-in-names invite-notify")
    for round_ in range(100):
        for c in clients:
            if c.eof:
                continue
            lines = [random_line(rng) for _ in range(40)]
            c.send_raw("".join(l + "\r\n" for l in lines).encode(
                "utf-8", "surrogateescape"))
            try:
                c.sync()
            except AssertionError:
                assert c.eof, "a live client stopped getting answers"
    assert sum(not c.eof for c in clients) >= 1
    assert sum(len(c.lines) for c in clients) > 1000
    survivor = RawClient(srv.host, srv.port).register("survivor")
    survivor.send("LUSERS")
    survivor.expect(r" 251 survivor ")
    for c in clients:
        for line in c.lines:
            body = line.split(" ", 1)[1] if line.startswith("@") else line
            assert len(body.encode("utf-8", "surrogateescape")) <= 510
        c.close()
