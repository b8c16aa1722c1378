"""The deployment files are checked by the tools that will run them.

nginx -t, tor --verify-config and systemd-analyze verify read copies of deploy/ with the
absolute paths moved into a temporary directory; nothing is started.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        pytest.fail(f"{name} is not installed (make test installs it)")
    return path


def _self_signed(directory: Path, name: str) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (directory / f"{name}.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def test_nginx_accepts_every_site(tmp_path: Path):
    etc = tmp_path / "etc/haven"
    (etc / "nginx").mkdir(parents=True)
    (etc / "tls").mkdir()
    (tmp_path / "logs").mkdir()
    for conf in (DEPLOY / "nginx").glob("*.conf"):
        text = conf.read_text().replace("/etc/haven", str(etc))
        (etc / "nginx" / conf.name).write_text(
            text.replace("/var/log/nginx", str(tmp_path / "logs"))
        )
    for name in ("intake", "casebase"):
        _self_signed(etc / "tls", name)
    sites = "\n".join(
        f"include {etc}/nginx/{site}.conf;"
        for site in ("intake", "reviewer", "vault-api", "casebase")
    )
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log crit;\n"
        f"events {{}}\nhttp {{\n{sites}\n}}\n"
    )

    result = subprocess.run(
        [_tool("nginx"), "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_no_site_writes_an_access_log_and_the_intake_error_log_is_crit_only():
    for conf in (DEPLOY / "nginx").glob("*.conf"):
        text = conf.read_text()
        if "proxy_pass" in text and "server {" in text:
            assert "access_log off;" in text or "intake-common.conf" in text, conf.name
    common = (DEPLOY / "nginx/intake-common.conf").read_text()
    assert "access_log off;" in common
    assert re.search(r"error_log \S+ crit;", common)
    sealer = (DEPLOY / "nginx/intake-sealer-proxy.conf").read_text()
    assert "location = /report/nojs" in common  # the no-JS path goes to the sealer (S9)
    assert "proxy_request_buffering off;" in sealer


def test_tor_accepts_the_onion_services(tmp_path: Path):
    data = tmp_path / "tor"
    data.mkdir(mode=0o700)
    torrc = tmp_path / "torrc"
    torrc.write_text(
        (DEPLOY / "tor/torrc")
        .read_text()
        .replace("/var/lib/tor/haven", str(data))
        .replace("/var/log/tor", str(tmp_path))
    )

    result = subprocess.run(
        [_tool("tor"), "--verify-config", "-f", str(torrc)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration was valid" in result.stdout


def test_the_intake_onion_exports_circuits_and_uses_proof_of_work():
    torrc = (DEPLOY / "tor/torrc").read_text()

    assert "HiddenServiceExportCircuitID haproxy" in torrc
    assert "HiddenServicePoWDefensesEnabled 1" in torrc


def test_systemd_units_verify(tmp_path: Path):
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/haven/.venv/bin", str(VENV_BIN))
        (tmp_path / unit.name).write_text(text)

    result = subprocess.run(
        [_tool("systemd-analyze"), "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "unit", sorted(p.name for p in (DEPLOY / "systemd").glob("haven-*.service"))
)
def test_every_service_is_hardened(unit: str):
    text = (DEPLOY / "systemd" / unit).read_text()

    for directive in (
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "LimitCORE=0",
    ):
        assert directive in text, f"{unit} lacks {directive}"
    assert re.search(r"^User=haven-", text, re.MULTILINE), f"{unit} runs as root"
