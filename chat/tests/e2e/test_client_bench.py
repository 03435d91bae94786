"""cchat-bench against a real cchatd: small runs whose report must add up."""
import re
import subprocess

from conftest import BIN, TIMEOUT


def bench(server, *args):
    proc = subprocess.run(
        [str(BIN / "cchat-bench"), "--host", server.host,
         "--port", str(server.port), "--server-pid", str(server.proc.pid),
         *map(str, args)],
        capture_output=True, timeout=TIMEOUT * 4)
    out = proc.stdout.decode()
    assert proc.returncode == 0, out + proc.stderr.decode()
    line = re.search(r"^RESULT (.*)$", out, re.M).group(1)
    return {k: v for k, v in (kv.split("=", 1) for kv in line.split())}


def test_paced_run_delivers_everything(start_server):
    srv = start_server("--no-flood-control")
    r = bench(srv, "--clients", 20, "--rate", 5, "--duration", 1,
              "--warmup", 0.5, "--label", "paced")
    assert r["label"] == "paced"
    assert int(r["joined"]) == 20
    sent = int(r["sent"])
    assert 60 <= sent <= 140            # 20 clients x 5/s x 1 s
    # Each message reaches the 19 other members; deliveries counted in
    # the window may include a few sent just before it.
    assert abs(int(r["deliveries"]) - 19 * sent) <= 19 * 20
    assert int(r["lost"]) == 0 and int(r["dropped"]) == 0
    assert int(r["p50_us"]) <= int(r["p99_us"]) <= int(r["max_us"])
    assert float(r["server_cpu_s"]) >= 0


def test_closed_loop_over_channels_and_sources(start_server):
    srv = start_server("--no-flood-control")
    r = bench(srv, "--clients", 30, "--channels", 3, "--rate", 0,
              "--window", 4, "--duration", 1, "--warmup", 0.2,
              "--sources", 3)
    assert int(r["joined"]) == 30
    assert int(r["deliveries"]) > 0 and int(r["lost"]) == 0
    assert float(r["rate"]) > 0


def test_flood_control_shows_in_the_report(start_server):
    srv = start_server("--flood-burst", 5, "--flood-rate", 1)
    r = bench(srv, "--clients", 5, "--rate", 0, "--window", 8,
              "--duration", 1, "--warmup", 0.2)
    # The server holds back or cuts off the flooders: messages sent are
    # not all delivered, and deliveries stay near burst + rate x time.
    assert int(r["dropped"]) > 0 or int(r["lost"]) > 0
    assert int(r["deliveries"]) <= 4 * 5 * (5 + 2)


def test_refused_oper_is_reported_not_waited_for(start_server):
    srv = start_server()
    proc = subprocess.run(
        [str(BIN / "cchat-bench"), "--host", srv.host, "--port",
         str(srv.port), "--clients", "2", "--oper", "x:y",
         "--connect-timeout", "20", "--duration", "0.2"],
        capture_output=True, timeout=TIMEOUT)
    assert proc.returncode == 2
    assert b"no client could join" in proc.stderr


def test_bad_options_are_refused():
    for args in (["--clients", "0"], ["--size", "5"], ["--oper", "nopass"],
                 ["--channels", "5", "--clients", "2"], ["extra"]):
        proc = subprocess.run([str(BIN / "cchat-bench"), *args],
                              capture_output=True, timeout=TIMEOUT)
        assert proc.returncode == 2, args
        assert proc.stderr.startswith(b"cchat-bench: "), args
