"""A third-party IRC client (Debian's python3-irc) against cchatd."""
import time

import irc.client

from conftest import TIMEOUT


class ThirdPartyClient:
    """python3-irc's client with every event it sees recorded."""

    def __init__(self, host, port, nick):
        self.events = []
        self.reactor = irc.client.IRC()
        self.reactor.add_global_handler("all_events", self._record)
        self.conn = self.reactor.server().connect(host, port, nick)

    def _record(self, conn, event):
        self.events.append(event)

    def wait(self, predicate, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.reactor.process_once(0.05)
            for event in self.events:
                if predicate(event):
                    return event
        raise AssertionError(f"python3-irc never saw {what}; saw "
                             f"{[e.type for e in self.events][-20:]}")

    def close(self):
        self.conn.close()


def test_python_irc_client_talks_with_a_raw_client(server, raw_client):
    lib = ThirdPartyClient(server.host, server.port, "pyirc")
    try:
        lib.wait(lambda e: e.type == "welcome", "the welcome")
        features = lib.conn.features
        assert features.nicklen == 30
        assert features.network == "cchat"
        lib.conn.join("#lib")
        lib.wait(lambda e: e.type == "join" and e.source.nick == "pyirc",
                 "its own JOIN")
        names = lib.wait(lambda e: e.type == "namreply", "NAMES")
        assert "@pyirc" in names.arguments[-1].split()

        raw = raw_client(server).register("raw").join("#lib")
        lib.wait(lambda e: e.type == "join" and e.source.nick == "raw",
                 "raw's JOIN")
        raw.send("PRIVMSG #lib :hello library")
        msg = lib.wait(lambda e: e.type == "pubmsg", "the channel message")
        assert msg.source.nick == "raw"
        assert msg.target == "#lib"
        assert msg.arguments == ["hello library"]

        lib.conn.privmsg("#lib", "hello raw")
        raw.expect(r"^:pyirc!~pyirc@127\.0\.0\.1 PRIVMSG #lib :hello raw$")
        lib.conn.privmsg("raw", "in private")
        raw.expect(r"^:pyirc!\S+ PRIVMSG raw :in private$")
        raw.send("NOTICE pyirc :private notice")
        note = lib.wait(lambda e: e.type == "privnotice", "the notice")
        assert note.arguments == ["private notice"]
        lib.conn.quit("done")
        raw.expect(r"^:pyirc!\S+ QUIT :Quit: done$")
    finally:
        lib.close()
