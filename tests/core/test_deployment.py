"""The deployment files in deploy/: systemd units and the nginx site, checked by their own tools.

`systemd-analyze verify` reads the units; nginx checks the site (`nginx -t`) and then runs it
for real in front of a small upstream that records what it receives: TLS, the X-Forwarded-*
headers the portal's ProxyFix trusts, and a cache for anonymous visitors only. Outside CI a
missing tool skips its test; in CI (.ci/run installs both) it fails.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
SITE = DEPLOY / "nginx" / "portal.conf"
HOST = "portal.example.se"


def _tool(name: str) -> str:
    """The tool's path; a missing tool skips the test, except in CI where it fails."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return path


def test_systemd_units_verify_cleanly(tmp_path):
    tool = _tool("systemd-analyze")
    assert {unit.name for unit in UNITS} >= {"portal.service", "portal-search.service"}
    # The units name the virtual environment the README installs the wheel into; verify
    # checks that each command exists, so point them at this environment's.
    venv = "/opt/portal/venv/bin/"
    for unit in UNITS:
        text = unit.read_text()
        if unit.suffix == ".service":
            assert venv in text, unit.name
        (tmp_path / unit.name).write_text(text.replace(venv, f"{Path(sys.executable).parent}/"))
    done = subprocess.run(
        [tool, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # Unknown keys or bad values are only warnings: any output fails the test.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_units_run_commands_and_options_the_cli_has(runner):
    commands = {
        unit.name: line.split('"portal:create_app()" ', 1)[1].split()
        for unit in UNITS
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=") and "/flask " in line
    }
    assert commands["portal-search.service"] == ["search", "update", "--watch"]
    assert commands["portal-search-prune.service"][:2] == ["search", "prune"]
    assert commands["portal-notify-send.service"] == ["notify", "send"]
    assert commands["portal-notify-digest@.service"] == ["notify", "digest", "%i"]
    for words in commands.values():
        # A template's instance (%i) is an argument: the timers name daily and weekly.
        command = [w for w in words if not w.startswith(("-", "%")) and not w.isdigit()]
        result = runner.invoke(args=[*command, "--help"])
        assert result.exit_code == 0, result.output
        options = [word for word in words if word.startswith("--")]
        assert all(option in result.output for option in options), (words, result.output)


def test_mail_timers_start_the_mail_jobs(runner):
    timers = {unit.name: unit.read_text() for unit in UNITS if unit.suffix == ".timer"}
    assert "OnCalendar=minutely" in timers["portal-notify-send.timer"]
    for period in ("daily", "weekly"):
        assert (
            f"Unit=portal-notify-digest@{period}.service" in timers[f"portal-notify-{period}.timer"]
        )
        assert runner.invoke(args=["notify", "digest", period, "--help"]).exit_code == 0


def test_environment_file_keeps_state_in_the_units_state_directory():
    settings = dict(
        line.split("=", 1)
        for line in (DEPLOY / "portal.env").read_text().splitlines()
        if line and not line.startswith("#")
    )
    for unit in UNITS:
        if unit.suffix == ".service":
            text = unit.read_text()
            assert "EnvironmentFile=/etc/portal/portal.env" in text, unit.name
            assert "StateDirectory=portal\nWorkingDirectory=/var/lib/portal" in text, unit.name
    assert settings["INSTANCE_PATH"] == "/var/lib/portal"
    assert settings["SEARCH_INDEX_DIR"].startswith("/var/lib/portal/")
    # nginx (deploy/nginx/portal.conf) is the one trusted proxy.
    assert settings["PROXY_FIX"] == "1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx_config(tmp_path: Path, upstream: int, tls: int, plain: int) -> Path:
    """The site with test ports, a self-signed certificate and paths under tmp_path."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", f"/CN={HOST}", "-keyout", str(tmp_path / "key.pem")]
        + ["-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = SITE.read_text()
    replacements = {
        "/etc/ssl/portal/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/ssl/portal/privkey.pem": str(tmp_path / "key.pem"),
        "/var/cache/nginx/portal": str(tmp_path / "cache"),
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
        "listen 443 ssl;": f"listen 127.0.0.1:{tls} ssl;",
        "listen 80;": f"listen 127.0.0.1:{plain};",
        "listen [::]:443 ssl;": "",
        "listen [::]:80;": "",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"daemon off;\nmaster_process off;\npid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n    include {tmp_path / 'site.conf'};\n}}\n"
    )
    return conf


class Upstream(ThreadingHTTPServer):
    """Stands in for gunicorn: answers 200 and records each request's path and headers."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        super().__init__(("127.0.0.1", 0), UpstreamHandler)


class UpstreamHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.seen.append((self.path, dict(self.headers.items())))
        body = f"answer {len(self.server.seen)}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def nginx(tmp_path_factory) -> Iterator[tuple[int, int, Upstream]]:
    """nginx running the site in front of the recording upstream: (TLS port, HTTP port, upstream)."""
    tool = _tool("nginx")
    tmp_path = tmp_path_factory.mktemp("nginx")
    upstream = Upstream()
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    tls, plain = _free_port(), _free_port()
    conf = _nginx_config(tmp_path, upstream.server_address[1], tls, plain)
    args = [tool, "-e", str(tmp_path / "error.log"), "-p", str(tmp_path), "-c", str(conf)]
    checked = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "[warn]" not in checked.stderr, checked.stderr
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", tls), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not come up"
                time.sleep(0.05)
        yield tls, plain, upstream
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


def _get(port: int, path: str, headers: dict[str, str] | None = None, tls: bool = True):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=10, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def _upstream_hits(upstream: Upstream, path: str) -> int:
    return sum(1 for seen, _ in upstream.seen if seen == path)


def test_plain_http_is_redirected_to_https(nginx):
    _, plain, _ = nginx
    status, headers, _ = _get(plain, "/plans?page=2", tls=False)
    assert (status, headers["Location"]) == (301, f"https://{HOST}/plans?page=2")


def test_forwarded_headers_are_the_ones_proxy_fix_trusts(nginx, make_app, caplog):
    tls, _, upstream = nginx
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Prefix": "/evil"}
    _get(tls, "/forwarded", spoofed)
    path, received = upstream.seen[-1]
    assert path == "/forwarded"
    assert received["Host"] == HOST
    assert received["X-Forwarded-Proto"] == "https"
    assert received["X-Forwarded-Host"] == HOST
    assert received["X-Forwarded-Port"] == str(tls)
    assert received["X-Forwarded-For"] == "203.0.113.9, 127.0.0.1"
    assert "X-Forwarded-Prefix" not in received

    # The portal behind one proxy (PROXY_FIX=1, as in deploy/portal.env) reads them as meant:
    # HTTPS (so HSTS) and the client's real address, not the one it claimed.
    forwarded = {k: v for k, v in received.items() if k.startswith("X-Forwarded-")}
    client = make_app(PROXY_FIX=1).test_client()
    with caplog.at_level("INFO", logger="portal.requests"):
        response = client.get(
            "/healthz", headers=forwarded, environ_base={"REMOTE_ADDR": "10.0.0.2"}
        )
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    logged = [r.getMessage() for r in caplog.records if r.name == "portal.requests"]
    assert '"remote_addr": "127.0.0.1"' in logged[-1]


def test_anonymous_answers_are_cached_per_language(nginx):
    tls, _, upstream = nginx
    first = _get(tls, "/anonymous")
    second = _get(tls, "/anonymous")
    assert (first[1]["X-Cache-Status"], second[1]["X-Cache-Status"]) == ("MISS", "HIT")
    assert second[2] == first[2] and _upstream_hits(upstream, "/anonymous") == 1
    # Another language is another page.
    english = _get(tls, "/anonymous", {"Accept-Language": "en"})
    assert english[1]["X-Cache-Status"] == "MISS" and english[2] != first[2]
    chosen = _get(tls, "/anonymous", {"Cookie": "lang=en"})
    assert chosen[1]["X-Cache-Status"] == "MISS" and _upstream_hits(upstream, "/anonymous") == 3


@pytest.mark.parametrize(
    ("kind", "credentials"),
    [
        ("session", {"Cookie": "session=.eJwFwQENAAAAwqD3T-0eBxAA"}),
        ("remember-me", {"Cookie": "lang=sv; remember_token=1|abc"}),
        ("api-token", {"Authorization": "Bearer portal-token"}),
    ],
)
def test_signed_in_requests_bypass_the_cache(nginx, kind, credentials):
    tls, _, upstream = nginx
    path = f"/signed-in/{kind}"
    answers = [_get(tls, path, credentials) for _ in range(2)]
    assert [headers["X-Cache-Status"] for _, headers, _ in answers] == ["BYPASS", "BYPASS"]
    assert _upstream_hits(upstream, path) == 2
    # Nor was the signed-in answer stored for anonymous visitors.
    assert _get(tls, path)[1]["X-Cache-Status"] == "MISS"
