"""The config file (--config), operators (OPER with hashed passwords),
KILL, WALLOPS, REHASH and SIGHUP reloads, against a real cchatd."""
import signal
import subprocess

from conftest import BIN, TIMEOUT, wait_for


def sha512_crypt(password):
    return subprocess.run(["openssl", "passwd", "-6", "-salt", "cchattest",
                           password], capture_output=True, text=True,
                          check=True).stdout.strip()


def write_config(path, *lines):
    path.write_text("\n".join(lines) + "\n")
    return path


def test_options_operators_and_admin_from_the_file(start_server, raw_client,
                                                  tmp_path):
    conf = write_config(tmp_path / "cchatd.conf",
                        "# a comment, then a blank line", "",
                        "max-channels 2", "admin-email ops@example.org",
                        f"oper boss {sha512_crypt('s3cret')}")
    srv = start_server("--config", conf)
    c = raw_client(srv).register("alice")
    c.send("JOIN #a,#b,#c")
    c.expect(r" 405 alice #c ")
    c.send("ADMIN")
    c.expect(r" 259 alice :ops@example\.org$")
    c.send("STATS o")
    c.expect(r" 243 alice O \*@\* \* boss$")


def test_oper_success_failure_and_host_mask(start_server, raw_client,
                                            tmp_path):
    conf = write_config(tmp_path / "cchatd.conf",
                        f"oper boss {sha512_crypt('s3cret')}",
                        f"oper remote {sha512_crypt('pw')} *@10.*")
    srv = start_server("--config", conf)
    c = raw_client(srv).register("alice")
    c.send("OPER boss wrong")
    c.expect(r" 464 alice :Password incorrect$")
    c.send("OPER nobody s3cret")
    c.expect(r" 491 alice :No O-lines for your host$")
    c.send("OPER remote pw")          # 127.0.0.1 is not 10.*
    c.expect(r" 491 alice ")
    c.send("OPER boss s3cret")
    c.expect(r"^:alice MODE alice :\+o$")
    c.expect(r" 381 alice :You are now an IRC operator$")
    c.send("MODE alice")
    c.expect(r" 221 alice \+o$")
    c.send("LUSERS")
    c.expect(r" 252 alice 1 :operator")
    other = raw_client(srv).register("bob")
    other.send("WHOIS alice")
    other.expect(r" 313 bob alice :is an IRC operator$")
    other.send("USERHOST alice")
    other.expect(r" 302 bob :alice\*=\+~alice@")
    assert "failed OPER as boss" in srv.stderr_text()


def test_kill_wallops_rehash_need_an_operator(start_server, raw_client,
                                              tmp_path):
    conf = write_config(tmp_path / "cchatd.conf",
                        f"oper boss {sha512_crypt('s3cret')}")
    srv = start_server("--config", conf)
    op = raw_client(srv).register("op")
    victim = raw_client(srv).register("victim").join("#r")
    watcher = raw_client(srv).register("watcher").join("#r")
    watcher.send("MODE watcher +w")
    watcher.expect(r"MODE watcher :\+w$")
    for cmd in ("KILL victim :bye", "WALLOPS :hello", "REHASH"):
        victim.send(cmd)
        victim.expect(r" 481 victim :Permission Denied")
    op.send("OPER boss s3cret")
    op.expect(" 381 ")
    op.send("WALLOPS :hello opers")
    watcher.expect(r"^:op!~op@127\.0\.0\.1 WALLOPS :hello opers$")
    assert not any("WALLOPS" in l for l in victim.sync())
    op.send("KILL nobody")
    op.expect(r" 401 op nobody ")
    op.send("KILL victim :enough")
    assert victim.expect_closed()[-1].endswith("(Killed (op (enough)))")
    watcher.expect(r"^:victim!\S+ QUIT :Killed \(op \(enough\)\)$")
    op.send("REHASH")
    op.expect(r" 382 op \S+cchatd\.conf :Rehashing$")


def test_sighup_reloads_and_a_bad_file_keeps_the_old(start_server, raw_client,
                                                    tmp_path):
    conf = write_config(tmp_path / "cchatd.conf", "admin-email first@x")
    motd = tmp_path / "motd"
    motd.write_text("old motd\n")
    srv = start_server("--config", conf, "--motd", motd)
    c = raw_client(srv).register("alice")
    write_config(conf, "admin-email second@x")
    motd.write_text("new motd\n")
    srv.signal(signal.SIGHUP)
    srv.wait_stderr(r"configuration reloaded from ")
    c.send("ADMIN")
    c.expect(r" 259 alice :second@x$")
    c.send("MOTD")
    c.expect(r" 372 alice :- new motd$")
    write_config(conf, "admin-email third@x", "flood-rate lots")
    srv.signal(signal.SIGHUP)
    srv.wait_stderr(r"cchatd\.conf:2: --flood-rate wants a number .*"
                    r"keeping the configuration in force")
    c.send("ADMIN")
    c.expect(r" 259 alice :second@x$")     # nobody was dropped either
    assert c.sync() is not None


def test_bad_config_file_fails_at_start_with_file_and_line(tmp_path):
    conf = write_config(tmp_path / "bad.conf", "port 0", "",
                        "no-such-option 1")
    result = subprocess.run([str(BIN / "cchatd"), "--config", str(conf)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2
    assert f"{conf}:3: unknown option 'no-such-option'" in result.stderr
    conf = write_config(tmp_path / "bad2.conf", "oper boss plaintext")
    result = subprocess.run([str(BIN / "cchatd"), "--config", str(conf)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 2 and f"{conf}:1: bad oper line" in \
        result.stderr
    missing = subprocess.run([str(BIN / "cchatd"), "--config",
                              str(tmp_path / "none.conf")],
                             capture_output=True, text=True, timeout=TIMEOUT)
    assert missing.returncode == 2 and "none.conf" in missing.stderr


def test_command_line_wins_over_the_file(start_server, raw_client, tmp_path):
    conf = write_config(tmp_path / "cchatd.conf", "max-channels 1",
                        "flood-rate 1")
    srv = start_server("--config", conf, "--max-channels", "3")
    c = raw_client(srv).register("alice")
    c.send("JOIN #a,#b,#c,#d")
    c.expect(r" 366 alice #c ")
    c.expect(r" 405 alice #d ")


def test_many_reloads_keep_working(start_server, raw_client, tmp_path):
    conf = write_config(tmp_path / "cchatd.conf", "admin-email r0@x")
    srv = start_server("--config", conf, "--name", "reload.test")
    c = raw_client(srv).register("alice")
    for i in range(1, 9):
        write_config(conf, f"admin-email r{i}@x",
                     *(["bad-line"] if i % 3 == 0 else []))
        c.send("OPER nobody x")        # something between the reloads
        srv.signal(signal.SIGHUP)
        pattern = "keeping the configuration" if i % 3 == 0 else \
            "configuration reloaded"
        wait_for(lambda: srv.stderr_text().count(pattern) >=
                 (i // 3 if i % 3 == 0 else i - i // 3),
                 what=f"reload {i}")
    c.send("ADMIN")
    c.expect(r":reload\.test 259 alice :r8@x$")
