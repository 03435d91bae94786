"""Real third-party clients against cchatd: ii pipes a 30-line paste
(it must arrive whole, paced, as from ngircd), irssi in tmux uses /away,
/notify, /op, /voice, /mode +k, /invite and /ban, and python3-irc reads
the modes.  Each scenario runs against Debian's ngircd too where the two
servers should agree (docs/irc.md lists where they differ)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import irc.client
import pytest

from conftest import RawClient, TIMEOUT, wait_for
from test_client_tty import Tmux

II = shutil.which("ii")
IRSSI = shutil.which("irssi")
NGIRCD = shutil.which("ngircd")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ngircd:
    """Debian's ngircd on a free port with a minimal config."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.host = "127.0.0.1"
        conf = tmp_path / "ngircd.conf"
        conf.write_text(f"""[Global]
Name = ngircd.test
Info = test
Listen = 127.0.0.1
Ports = {self.port}
[Limits]
MaxConnectionsIP = 0
[Options]
DNS = no
Ident = no
PAM = no
""")
        self.proc = subprocess.Popen(["ngircd", "-n", "-f", str(conf)],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        wait_for(self._listening, what="ngircd to listen")

    def _listening(self):
        try:
            socket.create_connection((self.host, self.port), 1).close()
            return True
        except OSError:
            return False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(TIMEOUT)


@pytest.fixture(params=["cchatd", "ngircd"])
def any_server(request, start_server, tmp_path):
    if request.param == "cchatd":
        return start_server()
    if not NGIRCD:
        pytest.skip("ngircd is not installed")
    srv = Ngircd(tmp_path)
    request.addfinalizer(srv.stop)
    return srv


@pytest.mark.skipif(not II, reason="ii is not installed")
def test_ii_paste_of_30_lines_arrives_whole(any_server, tmp_path):
    reader = RawClient(any_server.host, any_server.port)
    reader.register("reader").join("#paste")
    env = dict(os.environ, HOME=str(tmp_path))
    ii = subprocess.Popen([II, "-s", any_server.host, "-p",
                           str(any_server.port), "-i", str(tmp_path / "irc"),
                           "-n", "paster"], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server_dir = tmp_path / "irc" / any_server.host
        wait_for(lambda: (server_dir / "in").exists(), what="ii's FIFO")
        with open(server_dir / "in", "w") as fifo:
            fifo.write("/j #paste\n")
        reader.expect(r"^:paster!\S+ JOIN :?#paste$")
        chan_in = server_dir / "#paste" / "in"
        wait_for(chan_in.exists, what="ii's channel FIFO")
        # 30 lines of about 210 bytes: 6.4 KB in one write.
        text = "".join(f"line {i:02d} " + "p" * 200 + "\n"
                       for i in range(30))
        assert len(text) > 6000
        with open(chan_in, "w") as fifo:
            fifo.write(text)
        for i in range(30):
            reader.expect(rf"PRIVMSG #paste :line {i:02d} p{{200}}$",
                          timeout=60)
        assert ii.poll() is None, "ii was disconnected"
    finally:
        ii.send_signal(signal.SIGTERM)
        ii.wait(TIMEOUT)
        reader.close()


def irssi_session(tmp_path, srv, nick):
    home = tmp_path / f"irssi-{nick}"
    home.mkdir()
    term = Tmux(tmp_path, [IRSSI, f"--home={home}", "-c", srv.host, "-p",
                           str(srv.port), "-n", nick], width=160, height=50)
    return term


def irssi_command(term, text):
    term.type(text)
    term.key("Enter")


@pytest.mark.skipif(not IRSSI, reason="irssi is not installed")
def test_irssi_away_notify_op_key_invite_ban(any_server, tmp_path):
    srv = any_server
    term = irssi_session(tmp_path, srv, "irssiop")
    bob = RawClient(srv.host, srv.port).register("bob")
    carol = RawClient(srv.host, srv.port).register("carol")
    try:
        term.wait(lambda lines: any("MOTD" in l for l in lines),
                  "the MOTD or its absence")
        irssi_command(term, "/join #room")
        term.wait(lambda lines: any("has joined #room" in l for l in lines),
                  "irssi in #room")
        bob.join("#room")
        irssi_command(term, "/op bob")
        bob.expect(r"^:irssiop!\S+ MODE #room \+o bob$")
        irssi_command(term, "/voice carol")       # not on the channel
        irssi_command(term, "/mode #room +k secret")
        bob.expect(r"^:irssiop!\S+ MODE #room \+k secret$")
        irssi_command(term, "/invite carol #room")
        carol.expect(r"^:irssiop!\S+ INVITE carol :?#room$")
        carol.send("JOIN #room secret")         # the key, and the invite
        bob.expect(r"^:carol!\S+ JOIN :?#room$")
        irssi_command(term, "/ban carol")
        ban = bob.expect(r"^:irssiop!\S+ MODE #room \+b (\S+)$").group(1)
        assert re.fullmatch(r"\*!\*?@?[^ ]*127\.0\.0\.1|\*!~?\*?carol@\S+",
                            ban), ban
        carol.send("PRIVMSG #room :am I banned?")
        carol.expect(r" 404 carol #room ")
        carol.send("PART #room")
        carol.send("JOIN #room secret")
        carol.expect(r" 474 carol #room ")
        irssi_command(term, "/away out for lunch")
        term.wait(lambda lines: any("zZzZ" in l for l in lines),
                  "irssi's away indicator")
        bob.send("PRIVMSG irssiop :ping?")
        bob.expect(r" 301 bob irssiop :out for lunch$")
        irssi_command(term, "/set notify_check_time 2s")   # ISON soon
        irssi_command(term, "/notify bob")
        irssi_command(term, "/window 1")
        if isinstance(srv, Ngircd):
            return
        # irssi's notify list asks with ISON: no "Unknown command" now.
        def ison_used():
            bob.send("STATS m")
            stats = bob.sync()
            return any(re.search(r" 212 bob ISON [1-9]", l) for l in stats)
        wait_for(ison_used, what="irssi's ISON")
        bob.send("STATS m")
        stats = " ".join(bob.sync())
        for command in ("AWAY", "INVITE", "MODE", "JOIN"):
            assert re.search(rf" 212 bob {command} [1-9]", stats), command
        screen = "\n".join(term.screen())
        assert "Unknown command" not in screen, screen
    finally:
        term.close()
        bob.close()
        carol.close()


def test_python_irc_sees_modes_and_prefixes(start_server):
    srv = start_server()
    reactor = irc.client.IRC()
    events = []
    reactor.add_global_handler("all_events", lambda c, e: events.append(e))
    conn = reactor.server().connect(srv.host, srv.port, "pyop")
    other = RawClient(srv.host, srv.port).register("other")

    def wait(pred, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            reactor.process_once(0.05)
            for e in events:
                if pred(e):
                    return e
        raise AssertionError(f"python3-irc never saw {what}")

    try:
        wait(lambda e: e.type == "endofmotd" or e.type == "nomotd", "MOTD")
        features = conn.features
        assert features.prefix == {"@": "o", "+": "v"}
        assert features.chanmodes == ["b", "k", "l", "imnpRstz"]
        assert features.modes == 4
        conn.join("#py")
        other.join("#py")
        conn.mode("#py", "+tv other")
        wait(lambda e: e.type == "mode" and e.arguments[:2] == ["+tv",
                                                                 "other"],
             "its own MODE line")
        other.send("MODE #py")
        other.expect(r" 324 other #py \+nt$")
    finally:
        conn.close()
        other.close()
