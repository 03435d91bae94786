"""TLS on cchatd's --tls-port (docs/tls-chat.md): Python's ssl module as
the standard client, a throwaway CA and server certificate made with the
openssl command for the test session, the clear errors for a client on
the wrong port, the handshake timeout, what the wire carries, and cchat
--tls with its certificate checks.
"""
import hashlib
import re
import shutil
import socket
import ssl
import subprocess
import uuid

import pytest

import pcap
from conftest import BIN, TIMEOUT, TOP, RawClient
from cchat_pipe import STAMP
from secure_helpers import Tcpdump, cchat  # noqa: F401

LOCALHOST = "127.0.0.1"


class Certs:
    """A CA, a server certificate it signed (for localhost and
    127.0.0.1), and another CA that signed nothing of the server's."""

    def __init__(self, top):
        self.dir = top
        self.ca_key, self.ca = self._ca("ca", "cchat test CA")
        self.other_key, self.other_ca = self._ca("other", "not the CA")
        self.key = top / "server.key"
        self.cert = top / "server.pem"
        csr = top / "server.csr"
        ext = top / "server.ext"
        ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        self._run("req", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:P-256", "-nodes", "-keyout", self.key,
                  "-out", csr, "-subj", "/CN=localhost")
        self._run("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey",
                  self.ca_key, "-CAcreateserial", "-days", "2", "-out",
                  self.cert, "-extfile", ext)
        der = ssl.PEM_cert_to_DER_cert(self.cert.read_text())
        self.pin = hashlib.sha256(der).hexdigest()

    def _ca(self, name, subject):
        key, cert = self.dir / f"{name}.key", self.dir / f"{name}.pem"
        self._run("req", "-x509", "-newkey", "ec", "-pkeyopt",
                  "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                  "-out", cert, "-days", "2", "-subj", f"/CN={subject}")
        return key, cert

    @staticmethod
    def _run(*args):
        subprocess.run(["openssl", *map(str, args)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    return Certs(tmp_path_factory.mktemp("tls"))


def tls_args(certs, *extra):
    return ["--tls-port", "0", "--tls-cert", certs.cert, "--tls-key",
            certs.key, *extra]


def tls_port(server):
    return int(server.wait_stderr(
        r"listening on \S+ port (\d+) \(TLS\)").group(1))


def client_context(certs, version=None):
    ctx = ssl.create_default_context(cafile=str(certs.ca))
    if version:
        ctx.minimum_version = ctx.maximum_version = version
    return ctx


class TLSClient(RawClient):
    """A RawClient whose socket is wrapped in Python's TLS."""

    def __init__(self, port, ctx, server_hostname="localhost"):
        super().__init__(LOCALHOST, port)
        self.sock = ctx.wrap_socket(self.sock,
                                    server_hostname=server_hostname)


@pytest.fixture
def tls_server(start_server, certs):
    server = start_server(*tls_args(certs))
    server.tls_port = tls_port(server)
    return server


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2,
                                     ssl.TLSVersion.TLSv1_3])
def test_registration_and_a_message_between_tls_and_plain(
        tls_server, certs, version):
    tls = TLSClient(tls_server.tls_port, client_context(certs, version))
    assert tls.sock.version() == {ssl.TLSVersion.TLSv1_2: "TLSv1.2",
                                  ssl.TLSVersion.TLSv1_3: "TLSv1.3"}[version]
    assert "GCM" in tls.sock.cipher()[0]
    tls.register("alice").join("#tls")
    plain = RawClient(tls_server.host, tls_server.port)
    plain.register("bob").join("#tls")
    tls.send("PRIVMSG #tls :hello from TLS")
    plain.expect(r"^:alice!\S+ PRIVMSG #tls :hello from TLS$")
    plain.send("PRIVMSG #tls :hello from plain")
    tls.expect(r"^:bob!\S+ PRIVMSG #tls :hello from plain$")
    tls.send("QUIT :bye")
    tls.expect_closed()
    plain.close()


def test_the_log_names_the_provider_of_the_record_cipher(tls_server):
    match = tls_server.wait_stderr(r"TLS: AES-GCM served by provider ([^,\s]+)")
    assert match.group(1) in ("default", "cryptodev")


def test_a_long_burst_crosses_many_records(start_server, certs):
    """More output than one record and one socket buffer: the partial
    writes and the wish to write go through the loop."""
    tls_server = start_server(*tls_args(certs, "--no-flood-control"))
    tls_server.tls_port = tls_port(tls_server)
    alice = TLSClient(tls_server.tls_port, client_context(certs))
    alice.register("alice").join("#big")
    bob = TLSClient(tls_server.tls_port, client_context(certs))
    bob.register("bob").join("#big")
    text = "x" * 400
    for i in range(200):
        alice.send(f"PRIVMSG #big :{i:03d} {text}")
    for i in range(200):
        bob.expect(rf"PRIVMSG #big :{i:03d} x+$")
    alice.close()
    bob.close()


def test_only_aes_gcm_suites_are_offered(tls_server, certs):
    ctx = client_context(certs, ssl.TLSVersion.TLSv1_2)
    ctx.set_ciphers("ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA")
    with pytest.raises(ssl.SSLError):
        TLSClient(tls_server.tls_port, ctx)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_1_1_is_refused(tls_server, certs):
    ctx = client_context(certs)
    try:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_1
        ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    except (ValueError, ssl.SSLError):
        pytest.skip("this Python cannot offer TLS 1.1")
    with pytest.raises((ssl.SSLError, ConnectionError)):
        TLSClient(tls_server.tls_port, ctx)


def test_a_plain_client_on_the_tls_port_hears_a_plain_error(tls_server):
    plain = RawClient(tls_server.host, tls_server.tls_port)
    plain.send("NICK carol")
    lines = plain.expect_closed()
    assert any(re.match(r"^ERROR :Closing Link: this port speaks only TLS",
                        line) for line in lines), lines
    tls_server.wait_stderr(r"not TLS: a plain client on the TLS port")


def test_a_tls_client_on_the_plain_port_is_told_and_closed(tls_server,
                                                           certs):
    with pytest.raises(ssl.SSLError):
        TLSClient(tls_server.port, client_context(certs))
    tls_server.wait_stderr(r"a TLS handshake on the plain port")
    raw = RawClient(tls_server.host, tls_server.port)
    raw.send_raw(b"\x16\x03\x01\x00\x10" + bytes(16))
    lines = raw.expect_closed()
    assert any("ERROR :Closing Link:" in line and "TLS" in line
               for line in lines), lines


def test_a_stalled_handshake_times_out(start_server, certs):
    server = start_server(*tls_args(certs, "--handshake-timeout", "1"))
    port = tls_port(server)
    idle = socket.create_connection((LOCALHOST, port), timeout=TIMEOUT)
    half = socket.create_connection((LOCALHOST, port), timeout=TIMEOUT)
    half.sendall(b"\x16\x03\x01")      # a record header, then nothing
    assert idle.recv(100) == b""
    try:
        assert half.recv(100) == b""
    except ConnectionResetError:
        pass                            # closed with its bytes unread
    server.wait_stderr(r"no encrypted handshake within 1 s")
    idle.close()
    half.close()


def test_the_tls_port_needs_a_certificate_and_a_key(tmp_path, certs):
    def run(*args):
        return subprocess.run([str(BIN / "cchatd"), "--no-console",
                               "--port", "0", *map(str, args)],
                              capture_output=True, text=True,
                              timeout=TIMEOUT)
    res = run("--tls-port", "0")
    assert res.returncode == 2
    assert "--tls-port needs --tls-cert FILE and --tls-key FILE" in res.stderr
    res = run("--tls-cert", certs.cert, "--tls-key", certs.key)
    assert res.returncode == 2 and "need --tls-port" in res.stderr
    res = run("--tls-port", "0", "--tls-cert", tmp_path / "missing.pem",
              "--tls-key", certs.key)
    assert res.returncode != 0
    assert "cannot start the TLS listener" in res.stderr
    assert "missing.pem" in res.stderr
    res = run("--tls-port", "0", "--tls-cert", certs.cert,
              "--tls-key", certs.other_key)
    assert res.returncode != 0 and "server.key" not in res.stderr
    assert "other.key" in res.stderr


def test_tls_options_from_the_config_file(start_server, certs, tmp_path):
    conf = tmp_path / "cchatd.conf"
    conf.write_text(f"tls-port 0\ntls-cert {certs.cert}\n"
                    f"tls-key {certs.key}\n")
    server = start_server("--config", conf)
    client = TLSClient(tls_port(server), client_context(certs))
    client.register("dave")
    client.close()


def test_help_lists_the_tls_options():
    out = subprocess.run([str(BIN / "cchatd"), "--help"],
                         capture_output=True, text=True).stdout
    for option in ("--tls-port", "--tls-cert", "--tls-key"):
        assert option in out


@pytest.mark.skipif(shutil.which("tcpdump") is None,
                    reason="tcpdump is not installed")
def test_the_tls_wire_holds_no_marker(tmp_path, tls_server, certs):
    marker = "TLSMARK-" + uuid.uuid4().hex[:12]
    dump = Tcpdump(tmp_path / "tls.pcap", tls_server.tls_port)
    try:
        alice = TLSClient(tls_server.tls_port, client_context(certs))
        alice.register("alice").join("#wire")
        bob = TLSClient(tls_server.tls_port, client_context(certs))
        bob.register("bob").join("#wire")
        for i in range(10):
            alice.send(f"PRIVMSG #wire :{marker} {i}")
            bob.expect(rf"PRIVMSG #wire :{marker} {i}$")
        alice.close()
        bob.close()
    finally:
        path = dump.stop()
    assert pcap.payload_bytes(path, tls_server.tls_port)
    assert not pcap.contains(path, marker.encode(), tls_server.tls_port)
    assert not pcap.contains(path, b"PRIVMSG", tls_server.tls_port)


# ---- cchat --tls ---------------------------------------------------------

def colon_pin(pin):
    return ":".join(pin[i:i + 2] for i in range(0, len(pin), 2)).upper()


@pytest.mark.parametrize("how", ["ca", "pin", "colon-pin"])
def test_cchat_tls_talks_to_a_plain_client(tls_server, certs, cchat, how):
    args = {"ca": ["--tls-ca", certs.ca],
            "pin": ["--tls-pin", certs.pin],
            "colon-pin": ["--tls-pin", colon_pin(certs.pin)]}[how]
    host = "localhost" if how == "ca" else LOCALHOST
    alice = cchat(tls_server.tls_port, "alice", ["--tls", *args],
                  host=host)
    alice.expect(rf"{STAMP}\*\*\* TLS session established \(TLSv1\.3, "
                 r"TLS_AES_\d+_GCM_SHA\d+; certificate (verified by|pinned)")
    alice.joined()
    plain = RawClient(tls_server.host, tls_server.port)
    plain.register("bob").join("#sec")
    alice.send("hello over TLS")
    plain.expect(r"^:alice!\S+ PRIVMSG #sec :hello over TLS$")
    plain.send("PRIVMSG #sec :hello back")
    alice.expect(rf"{STAMP}<bob -> #sec> hello back$")
    assert alice.quit() == 0
    plain.close()


def test_cchat_tls_refuses_a_wrong_pin(tls_server, certs, cchat):
    wrong = ("0" if certs.pin[0] != "0" else "1") + certs.pin[1:]
    client = cchat(tls_server.tls_port, "eve", ["--tls", "--tls-pin", wrong])
    assert client.wait() == 1
    assert "does not match --tls-pin" in client.stderr_text()
    assert "Welcome" not in client.stdout_text()


def test_cchat_tls_refuses_a_certificate_of_another_ca(tls_server, certs,
                                                       cchat):
    client = cchat(tls_server.tls_port, "eve",
                   ["--tls", "--tls-ca", certs.other_ca], host="localhost")
    assert client.wait() == 1
    assert "certificate" in client.stderr_text()
    assert "Welcome" not in client.stdout_text()


def test_cchat_tls_refuses_a_name_the_certificate_lacks(tls_server, certs,
                                                        cchat):
    """The certificate names localhost and 127.0.0.1, not ::1's name."""
    client = cchat(tls_server.tls_port, "eve",
                   ["--tls", "--tls-ca", certs.ca], host="127.0.0.2")
    code = client.wait()
    assert code == 1, client.stdout_text()
    assert "Welcome" not in client.stdout_text()


def test_cchat_tls_insecure_warns(tls_server, cchat):
    client = cchat(tls_server.tls_port, "mallory", ["--tls", "--tls-insecure"])
    client.joined()
    assert "warning: --tls-insecure" in client.stderr_text()
    assert client.quit() == 0


def test_cchat_tls_on_the_plain_port_fails_clearly(tls_server, certs, cchat):
    client = cchat(tls_server.port, "eve", ["--tls", "--tls-ca", certs.ca],
                   host="localhost")
    assert client.wait() == 1
    assert "TLS handshake" in client.stderr_text()


def test_cchat_tls_option_checks(cchat, certs):
    for args, words in (
            (["--tls-ca", certs.ca], "need --tls"),
            (["--tls", "--tls-ca", certs.ca, "--tls-insecure"],
             "give one of"),
            (["--tls", "--tls-pin", "abcd"], "64 hex digits")):
        client = cchat(1, "x", args)
        assert client.wait() in (1, 2)
        assert words in client.stderr_text()


# ---- irssi ---------------------------------------------------------------

@pytest.mark.skipif(shutil.which("irssi") is None or
                    shutil.which("tmux") is None,
                    reason="irssi or tmux is not installed")
def test_irssi_with_tls_and_the_ca_talks_to_a_plain_client(
        tmp_path, tls_server, certs):
    from test_client_tty import Tmux
    plain = RawClient(tls_server.host, tls_server.port)
    plain.register("bob").join("#tls")
    home = tmp_path / "irssi-home"
    home.mkdir()
    term = Tmux(tmp_path, ["irssi", f"--home={home}", "-n", "irssitls"],
                width=160, height=50)
    try:
        term.type(f"/connect -tls -tls_verify -tls_cafile {certs.ca} "
                  f"localhost {tls_server.tls_port}")
        term.key("Enter")
        term.wait(lambda lines: "Welcome" in "\n".join(lines),
                  "irssi registered over TLS")
        term.type("/join #tls")
        term.key("Enter")
        plain.expect(r"^:irssitls!\S+ JOIN :?#tls$")
        term.type("hello from irssi over TLS")
        term.key("Enter")
        plain.expect(r"^:irssitls!\S+ PRIVMSG #tls :hello from irssi over "
                     r"TLS$")
        plain.send("PRIVMSG #tls :hello irssi")
        term.wait(lambda lines: "hello irssi" in "\n".join(lines),
                  "irssi showing bob's line")
    finally:
        term.type("/quit")
        term.key("Enter")
        term.close()
        plain.close()


# ---- Secure-only channels and the plain port ------------------------------

def test_a_secure_only_channel_refuses_plain_clients(tls_server, certs):
    op = TLSClient(tls_server.tls_port, client_context(certs))
    op.register("op").join("#safe")
    op.send("MODE #safe +z")
    op.expect(r"^:op!\S+ MODE #safe \+z$")
    plain = RawClient(tls_server.host, tls_server.port)
    plain.register("plain")
    plain.send("JOIN #safe")
    plain.expect(r" 489 plain #safe :Cannot join channel \(\+z\)")
    friend = TLSClient(tls_server.tls_port, client_context(certs))
    friend.register("friend").join("#safe")
    op.expect(r"^:friend!\S+ JOIN :?#safe$")
    op.join("#open")
    plain.join("#open")
    op.send("MODE #open +z")
    op.expect(r" 974 op #open z :a member is on an unencrypted connection")
    op.send("MODE #open")
    op.expect(r" 324 op #open \+n$")
    for c in (op, plain, friend):
        c.close()


def test_no_plain_port_opens_only_the_tls_listener(start_server, certs):
    server = start_server(*tls_args(certs, "--no-plain-port"))
    assert "(TLS)" in server.wait_stderr(r"listening on \S+ port \d+.*")[0]
    assert len(re.findall(r"listening on", server.stderr_text())) == 1
    client = TLSClient(tls_port(server), client_context(certs))
    client.register("only")
    client.close()


def test_no_plain_port_needs_an_encrypted_listener():
    res = subprocess.run([str(BIN / "cchatd"), "--no-console",
                          "--no-plain-port"], capture_output=True, text=True,
                         timeout=TIMEOUT)
    assert res.returncode == 2
    assert "--no-plain-port need --secure-port N or --tls-port N" in \
        res.stderr


PROVIDER_DIR = TOP / "build" / "provider"


@pytest.mark.skipif(not (PROVIDER_DIR / "cryptodev.so").exists(),
                    reason="the cryptodev provider is not built")
def test_the_cryptodev_provider_is_loaded_for_the_named_device(
        start_server, certs, monkeypatch):
    """/dev/null stands for a device that does no crypto: the provider
    loads on it, offers nothing, and the default provider serves."""
    monkeypatch.setenv("OPENSSL_MODULES", str(PROVIDER_DIR))
    monkeypatch.setenv("CRYPTODEV_PROVIDER_STATS", "1")
    server = start_server(*tls_args(certs, "--crypto-dev", "/dev/null"))
    server.wait_stderr(r"TLS: AES-GCM served by provider default")
    client = TLSClient(tls_port(server), client_context(certs))
    client.register("dev")
    client.close()
    server.stop()
    assert "cryptodev provider: device /dev/null" in server.stderr_text()


def test_whois_says_who_is_on_a_secure_connection(tls_server, certs):
    tls = TLSClient(tls_server.tls_port, client_context(certs))
    tls.register("sec")
    plain = RawClient(tls_server.host, tls_server.port)
    plain.register("clear")
    plain.send("WHOIS sec")
    plain.expect(r" 671 clear sec :is using a secure connection$")
    plain.expect(r" 318 clear sec ")
    tls.send("WHOIS clear")
    lines = []
    while not lines or " 318 " not in lines[-1]:
        lines.append(tls.read_line())
    assert not any(" 671 " in line for line in lines), lines
    tls.close()
    plain.close()


def test_a_client_of_the_encrypted_port_may_join_a_secure_only_channel(
        start_server, certs, cchat, tmp_path):
    from secure_helpers import make_key, secure_args
    key = make_key(tmp_path)
    server = start_server(*tls_args(certs, "--secure-port", "0", "--key",
                                    key))
    secure_port = int(server.wait_stderr(
        r"listening on \S+ port (\d+) \(encrypted\)").group(1))
    op = TLSClient(tls_port(server), client_context(certs))
    op.register("op").join("#sec")
    op.send("MODE #sec +z")
    op.expect(r"^:op!\S+ MODE #sec \+z$")
    member = cchat(secure_port, "keyed", secure_args(key))
    member.joined()
    op.expect(r"^:keyed!\S+ JOIN :?#sec$")
    assert member.quit() == 0
    op.close()


def test_cchat_tls_says_when_the_server_just_closes(cchat):
    """A server that closes at the ClientHello (no TLS, no words)."""
    listener = socket.socket()
    listener.bind((LOCALHOST, 0))
    listener.listen(1)
    client = cchat(listener.getsockname()[1], "eve", ["--tls",
                                                      "--tls-insecure"])
    conn, _ = listener.accept()
    conn.recv(4096)
    conn.close()
    listener.close()
    assert client.wait() == 1
    err = client.stderr_text()
    assert "closed the connection" in err or "unexpected eof" in err, err
