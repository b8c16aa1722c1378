"""`haven site-manifest` and `haven verify-site`: served-code transparency (S10).

`haven site-manifest` renders this release's intake pages and hashes every static code file,
signs the list with the manifest subkey and writes public/manifest.json (served at
/manifest.json). `haven verify-site URL --fingerprint FP` is for watchdogs anywhere: it checks
the manifest against the organisation fingerprint they got from another channel, then fetches
every listed file from URL and compares, and checks the served key bundle
(haven/bundle_watch.py). Exit 0: all matches; 1: a file differs, or the manifest or the bundle
does not verify (or went back to an older serial); 3: everything verifies but the reviewer
keys changed since the last run with ``--state`` — confirm the change with the coordinators.
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
@click.option("--state", "state_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A file kept between runs: refuses a bundle serial older than the last "
                   "one seen and lists reviewer keys added or removed since.")
@click.option("--canary", "canary_path", type=click.Path(dir_okay=False, path_type=Path),
              help='A file {"receipt", "instance_id"} of a canary report: its inbox is '
                   "opened as a reporter's browser does and checked (haven/canary.py).")
def verify_site(*, url: str, fingerprint: str, timeout: float, proxy: str | None,
                state_path: Path | None, canary_path: Path | None) -> None:
    """Check that URL serves exactly the code its signed manifest lists, and a key bundle
    signed under the pinned organisation key."""
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
    watch = _check_bundle(fetch, fingerprint, state_path)
    canary_ok = _check_canary(session, base, canary_path, watch) if canary_path else True
    if mismatches or not watch.ok or not canary_ok:
        raise click.exceptions.Exit(1)
    click.echo(f"OK: {len(manifest['files'])} files match release {manifest['release']} "
               f"({manifest['issued_at']})")
    if watch.changed:
        raise click.exceptions.Exit(3)


def _check_canary(session, base: str, canary_path: Path, watch) -> bool:  # type: ignore[no-untyped-def]
    from haven.canary import Canary, CanaryUnreadable, check_canary_inbox

    try:
        canary = Canary.load(canary_path)
    except CanaryUnreadable as exc:
        raise click.ClickException(str(exc)) from None
    if not watch.ok:
        click.echo("CANARY NOT CHECKED: no verified key bundle to check its replies against")
        return False
    result = check_canary_inbox(session, base, canary, watch.verified)
    if not result.ok:
        click.echo(f"CANARY FAILED: {result.problem}")
        return False
    click.echo(f"OK: the canary inbox answers JSON data only; {result.replies} replies open "
               f"and verify (report {result.state})")
    return True


def _check_bundle(fetch, fingerprint: str, state_path: Path | None):  # type: ignore[no-untyped-def]
    from haven.bundle_watch import WatchState, WatchStateUnreadable, check_served_bundle
    from vault.canonical import utc_day

    try:
        state = WatchState.load(state_path) if state_path else WatchState()
    except WatchStateUnreadable as exc:
        raise click.ClickException(str(exc)) from None
    raw = fetch("/bundle.json")
    try:
        doc = None if raw is None else json.loads(raw)
    except ValueError:
        doc = "not JSON"
    watch = check_served_bundle(doc, fingerprint, today=utc_day(), state=state)
    if not watch.ok:
        click.echo(f"BUNDLE REFUSED: {watch.problem}")
        return watch
    click.echo(f"OK: key bundle serial {watch.serial}, {len(watch.state.keys)} reviewer "
               f"keys, valid until {watch.expires_at} ({watch.days_left} days left)")
    if watch.expiring:
        click.echo("WARNING: the key bundle expires within a week; the intake refuses "
                   "reports once it has expired")
    for key_id, role in watch.added:
        click.echo(f"NEW KEY {key_id} ({role}): confirm with the coordinators")
    for key_id, role in watch.removed:
        click.echo(f"REMOVED KEY {key_id} ({role})")
    if state_path:
        watch.state.save(state_path)
    return watch


commands: list[click.Command] = [site_manifest, verify_site]
