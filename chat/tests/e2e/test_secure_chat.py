"""The encrypted mode of cchatd and cchat, used as intended: key files and
passphrases, both modes side by side on one server, rekeying, keys made
by `cchat keygen`, and the clear errors of every misconfiguration.

Real cchatd and cchat processes over real sockets; the software crypto
provider (this machine has no /dev/crypto) after its one-line notice.
"""
import re
import socket
import subprocess
import time

from conftest import RawClient
from secure_helpers import (AUTH_FAILED, BIN, STAMP, TIMEOUT, cchat,  # noqa: F401
                            make_key, make_passphrase_file, secure_args,
                            start_secure_server, two_secure_clients)

NOTICE = ("notice: /dev/crypto not available (No such file or directory); "
          "using the software provider")


def test_two_encrypted_clients_talk(tmp_path, start_secure_server, cchat):
    key = make_key(tmp_path)
    server = start_secure_server("--key", key)
    alice, bob = two_secure_clients(server, cchat, key)
    alice.send("hello bob, this is encrypted")
    bob.expect(rf"{STAMP}<alice -> #sec> hello bob, this is encrypted$")
    bob.send("/msg alice a private reply")
    alice.expect(rf"{STAMP}<bob -> alice> a private reply$")
    for who in (alice, bob):
        assert "*** encrypted session established" in who.stdout_text()
        assert "crypto provider: software" in who.stdout_text()
        assert NOTICE in who.stderr_text()
    assert alice.quit() == 0
    bob.expect(r"<-- alice quit \(Quit: Leaving\)")
    assert bob.quit() == 0
    log = server.stderr_text()
    assert NOTICE in log
    assert "encrypted mode: crypto provider software, key from key file" \
        in log


def test_plain_and_encrypted_clients_share_a_channel(tmp_path,
                                                     start_secure_server,
                                                     cchat):
    """The server relays hop by hop: what an encrypted client says reaches
    a standard client on the plain port, and the other way round."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key)
    alice = cchat(server.secure_port, "alice", secure_args(key))
    alice.joined()
    carol = cchat(server.port, "carol")
    carol.joined()
    alice.joined(nick="carol")
    alice.send("from the encrypted side")
    carol.expect(r"<alice -> #sec> from the encrypted side$")
    carol.send("from the plain side")
    alice.expect(r"<carol -> #sec> from the plain side$")
    assert "encrypted session" not in carol.stdout_text()
    assert alice.quit() == 0 and carol.quit() == 0


def test_passphrase_mode(tmp_path, start_secure_server, cchat):
    phrase = make_passphrase_file(tmp_path, "correct horse battery staple")
    server = start_secure_server("--passphrase-file", phrase)
    assert "key from passphrase file" in server.stderr_text()
    args = ["--secure", "--passphrase-file", phrase]
    alice = cchat(server.secure_port, "alice", args)
    alice.joined()
    bob = cchat(server.secure_port, "bob", args)
    bob.joined()
    alice.joined(nick="bob")
    bob.send("stretched with scrypt")
    alice.expect(r"<bob -> #sec> stretched with scrypt$")
    assert alice.quit() == 0 and bob.quit() == 0


def test_rekeying_many_times_in_a_chat(tmp_path, start_secure_server, cchat):
    """New keys every 3 records in each direction: 60 lines cross 20 and
    more key changes each way and all arrive, in order."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--rekey-records", "3",
                                 "--no-flood-control")
    alice, bob = two_secure_clients(server, cchat, key)
    for i in range(60):
        alice.send(f"line {i:02d} " + "x" * 100)
    for i in range(60):
        bob.expect(rf"<alice -> #sec> line {i:02d} x{{100}}$")
    assert alice.quit() == 0 and bob.quit() == 0


def test_long_lines_and_bursts_through_records(tmp_path, start_secure_server,
                                               cchat):
    """A burst larger than the line reader and than one record: the
    server keeps the plaintext that does not fit in the session and
    drains it as lines are taken (no loss, no flood verdict)."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--no-flood-control")
    alice, bob = two_secure_clients(server, cchat, key)
    text = "y" * 300
    for i in range(200):
        alice.send(f"burst {i:03d} {text}")
    for i in range(200):
        bob.expect(rf"<alice -> #sec> burst {i:03d} y{{300}}$")
    assert alice.quit() == 0 and bob.quit() == 0


def test_keygen(tmp_path):
    key = make_key(tmp_path)
    assert key.stat().st_size == 32
    assert key.stat().st_mode & 0o777 == 0o600
    other = make_key(tmp_path, "other")
    assert key.read_bytes() != other.read_bytes()
    again = subprocess.run([str(BIN / "cchat"), "keygen", str(key)],
                           capture_output=True, text=True, timeout=TIMEOUT)
    assert again.returncode == 1
    assert "already exists; refusing to overwrite it" in again.stderr
    bare = subprocess.run([str(BIN / "cchat"), "keygen"],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert bare.returncode == 2 and "usage: cchat keygen FILE" in bare.stderr


def run_cchat(*args, timeout=TIMEOUT):
    return subprocess.run([str(BIN / "cchat"), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def run_cchatd(*args, timeout=TIMEOUT):
    return subprocess.run([str(BIN / "cchatd"), "--listen", "127.0.0.1",
                           "--port", "0", "--no-console", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def test_key_file_problems_are_clear(tmp_path):
    key = make_key(tmp_path)
    key.chmod(0o644)
    for out in (run_cchat("--secure", "--key", key, "127.0.0.1"),
                run_cchatd("--secure-port", "0", "--key", key)):
        assert out.returncode == 1
        assert re.search(r"key file \S+: group or others have access "
                         r"\(mode 0644\); run: chmod 600", out.stderr)
    short = tmp_path / "short"
    short.write_bytes(b"0123456789")
    short.chmod(0o600)
    out = run_cchat("--secure", "--key", short, "127.0.0.1")
    assert out.returncode == 1
    assert "10 bytes, must be exactly 32" in out.stderr
    out = run_cchatd("--secure-port", "0", "--key", tmp_path / "missing")
    assert out.returncode == 1
    assert "key file " in out.stderr and "No such file or directory" in \
        out.stderr
    empty = make_passphrase_file(tmp_path, "")
    out = run_cchat("--secure", "--passphrase-file", empty, "127.0.0.1")
    assert out.returncode == 1 and "empty" in out.stderr


def test_crypto_device_problems_name_path_and_errno(tmp_path):
    key = make_key(tmp_path)
    for out in (run_cchat("--secure", "--key", key, "--crypto-dev",
                          "/nonexistent/crypto", "127.0.0.1"),
                run_cchatd("--secure-port", "0", "--key", key,
                           "--crypto-dev", "/nonexistent/crypto")):
        assert out.returncode == 1
        assert "crypto device /nonexistent/crypto: No such file or " \
            "directory" in out.stderr
        assert "software" not in out.stderr     # no fallback when named
    out = run_cchat("--secure", "--key", key, "--crypto-dev", "/dev/null",
                    "127.0.0.1")
    assert out.returncode == 1
    assert "crypto device /dev/null: CIOCGSESSION" in out.stderr
    assert "Inappropriate ioctl for device" in out.stderr


def test_options_are_explicit(tmp_path):
    key = make_key(tmp_path)
    cases = [
        (run_cchat("--key", key, "127.0.0.1"), "need --secure"),
        (run_cchat("--secure", "127.0.0.1"),
         "--secure needs --key FILE or --passphrase-file FILE"),
        (run_cchat("--secure", "--key", key, "--passphrase-file", key,
                   "127.0.0.1"), "not both"),
        (run_cchatd("--secure-port", "0"),
         "--secure-port needs --key FILE or --passphrase-file FILE"),
        (run_cchatd("--key", key), "need --secure-port N (suggested: 6697)"),
    ]
    for out, text in cases:
        assert out.returncode == 2, out
        assert text in out.stderr, out.stderr


def test_handshake_timeout(tmp_path, start_secure_server):
    """A connection that never starts the handshake is closed after
    --handshake-timeout seconds, and the log says who it was."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--handshake-timeout", "1")
    sock = socket.create_connection(("127.0.0.1", server.secure_port))
    sock.settimeout(TIMEOUT)
    start = time.monotonic()
    assert sock.recv(100) == b""
    assert time.monotonic() - start < TIMEOUT
    server.wait_stderr(r"127\.0\.0\.1 port \d+: no encrypted handshake "
                       r"within 1 s")
    sock.close()


def test_plain_client_on_the_encrypted_port_is_refused(tmp_path,
                                                       start_secure_server):
    """A standard IRC client gets one plain ERROR line that says why, and
    nothing of the chat; the server logs the peer."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key)
    raw = RawClient("127.0.0.1", server.secure_port)
    raw.send("NICK plain")
    raw.send("USER plain 0 * :Plain Client")
    lines = raw.expect_closed()
    assert lines == ["ERROR :Closing Link: this port speaks only the "
                     "encrypted chat protocol (use cchat --secure, or the "
                     "plain port)"]
    server.wait_stderr(r"127\.0\.0\.1 port \d+: peer does not speak the "
                       r"encrypted chat protocol \(first byte 0x4e; plain "
                       r"IRC\?\)")
    raw.close()


def test_encrypted_client_on_the_plain_port_fails_clearly(
        tmp_path, start_secure_server):
    """cchat --secure against a plain IRC port stops with a clear error
    and never carries on in plain text."""
    key = make_key(tmp_path)
    server = start_secure_server("--key", key, "--register-timeout", "2")
    proc = subprocess.Popen(
        [str(BIN / "cchat"), "--secure", "--key", str(key), "-p",
         str(server.port), "-n", "lost", "127.0.0.1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate("secret words\n", timeout=TIMEOUT)
    assert proc.returncode == 1
    assert re.search(r"port \d+: (peer does not speak the encrypted chat "
                     r"protocol|no encrypted handshake within)", err), err
    assert "Welcome" not in out and "secret words" not in out
    log = server.stderr_text()
    assert "secret words" not in log


def test_wrong_key_fails_on_both_sides(tmp_path, start_secure_server, cchat):
    key = make_key(tmp_path)
    wrong = make_key(tmp_path, "wrong")
    server = start_secure_server("--key", key)
    mallory = cchat(server.secure_port, "mallory", secure_args(wrong))
    assert mallory.wait() == 1
    assert re.search(r"cchat: 127\.0\.0\.1 port \d+: authentication failed "
                     r"\(the server's proof does not match: wrong key, or "
                     r"someone in the middle\)", mallory.stderr_text())
    server.wait_stderr(r"\*!\*@127\.0\.0\.1 port \d+: authentication failed "
                       r"\(the peer rejected the handshake")
    assert "Welcome" not in mallory.stdout_text()


def test_wrong_passphrase_and_mode_mismatch(tmp_path, start_secure_server,
                                            cchat):
    phrase = make_passphrase_file(tmp_path, "the right words")
    wrong = make_passphrase_file(tmp_path, "the wrong words", "wrong")
    key = make_key(tmp_path)
    server = start_secure_server("--passphrase-file", phrase)
    guess = cchat(server.secure_port, "guess",
                  ["--secure", "--passphrase-file", wrong])
    assert guess.wait() == 1
    assert AUTH_FAILED in guess.stderr_text()
    server.wait_stderr(r"port \d+: authentication failed")
    keyed = cchat(server.secure_port, "keyed", secure_args(key))
    assert keyed.wait() == 1
    assert "authentication failed: key mode mismatch" in keyed.stderr_text()
    server.wait_stderr(r"authentication failed: key mode mismatch .*"
                       r"\(reported by the peer\)")
