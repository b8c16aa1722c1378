"""`haven site-manifest` and `haven verify-site`: served-code transparency (S10).

`haven site-manifest` renders this release's intake pages and hashes every static code file,
signs the list with the manifest subkey and writes public/manifest.json (served at
/manifest.json). `haven verify-site URL --fingerprint FP` is for watchdogs anywhere: it checks
the manifest against the organisation fingerprint they got from another channel, then fetches
every listed file from URL and compares; it exits 1 on any difference.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from haven.commands.common import config_or_exit, instance_option


@click.command("site-manifest")
@instance_option
@click.option("--release", required=True, help="A name for this release (e.g. 2026.11.1).")
def site_manifest(instance_dir: Path, release: str) -> None:
    """Sign the hashes of the code this intake serves into public/manifest.json."""
    from intake.app import create_app
    from intake.manifest import build_manifest, sign_manifest
    from vault.canonical import utc_day
    from vault.keys import load_signing_key

    config = config_or_exit(instance_dir)
    app = create_app(config)
    if "haven_intake" not in app.extensions:
        raise click.ClickException("the intake does not start on this instance (see its log)")
    client = app.test_client()

    def fetch(path: str) -> bytes:
        response = client.get(path)
        if response.status_code != 200:  # noqa: PLR2004
            raise click.ClickException(f"{path}: HTTP {response.status_code}")
        return response.data

    organisation = json.loads(config.organisation_path.read_text("utf-8"))
    certificate = next((c for c in organisation.get("certificates", [])
                        if c["certificate"]["purpose"] == "manifest"), None)
    if certificate is None:
        raise click.ClickException("organisation.json has no manifest subkey certificate")
    key = load_signing_key(config.keys_dir / "manifest.key", purpose="manifest")
    manifest = build_manifest(fetch, org_id=organisation["org_id"], release=release,
                              day=utc_day())
    doc = sign_manifest(manifest, key, certificate, organisation["root_public_key"])
    target = config.public_dir / "manifest.json"
    target.write_text(json.dumps(doc, indent=2, sort_keys=True), "utf-8")
    click.echo(f"signed {len(manifest['files'])} files into {target}")


@click.command("verify-site")
@click.argument("url")
@click.option("--fingerprint", required=True,
              help="The organisation's root fingerprint, obtained from another channel.")
@click.option("--timeout", type=float, default=60.0, show_default=True)
@click.option("--proxy", help="e.g. socks5h://127.0.0.1:9050 to check an onion through Tor.")
def verify_site(url: str, fingerprint: str, timeout: float, proxy: str | None) -> None:
    """Check that URL serves exactly the code its signed manifest lists."""
    import requests

    from intake.manifest import ManifestError, compare, verify_manifest
    from vault.canonical import utc_day

    base = url.rstrip("/")
    session = requests.Session()
    session.headers["User-Agent"] = "haven-verify-site/1"
    if proxy:
        session.proxies = {"http": proxy, "https": proxy}

    def fetch(path: str) -> bytes | None:
        response = session.get(base + path, timeout=timeout, allow_redirects=False)
        return response.content if response.status_code == 200 else None  # noqa: PLR2004

    try:
        raw = fetch("/manifest.json")
        if raw is None:
            raise ManifestError("the site serves no /manifest.json")
        manifest = verify_manifest(json.loads(raw), fingerprint, utc_day())
    except (ManifestError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach {base}: {type(exc).__name__}") from None
    mismatches = compare(manifest, fetch)
    for item in mismatches:
        click.echo(f"DIFFERS {item.path}: manifest {item.expected[:16]}…, "
                   f"served {item.served[:16]}")
    if mismatches:
        raise click.exceptions.Exit(1)
    click.echo(f"OK: {len(manifest['files'])} files match release {manifest['release']} "
               f"({manifest['issued_at']})")


commands: list[click.Command] = [site_manifest, verify_site]
