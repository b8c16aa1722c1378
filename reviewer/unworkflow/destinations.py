"""Where transmission packages go: OHCHR or the mechanism concerned, each with its own age
recipient key, configured per instance (recipients are public keys; no secret here).

File: ``[reviewer] transmission_recipients_path`` (default ``INSTANCE/reviewer/
transmission-recipients.json``)::

    {"destinations": [{"id": "ohchr-reprisals", "name": "OHCHR reprisals team",
                       "channel": "encrypted e-mail", "recipient": "age1..."}]}

A destination whose recipient does not parse stays listed with ``recipient_ok = False`` so
the gate names the problem instead of the destination silently vanishing.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pyrage

from haven.config import HavenConfig
from reviewer.unworkflow.errors import RecipientInvalid
from reviewer.unworkflow.sealing import parse_recipient

FILE_NAME = "transmission-recipients.json"
DEMO_ID = "ohchr-demo"
DEMO_NAME = "OHCHR reprisals focal point (demo recipient)"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")


@dataclass(frozen=True)
class Destination:
    id: str
    name: str
    channel: str
    recipient: str
    recipient_ok: bool


def destinations_path(config: HavenConfig) -> Path:
    raw = config.section("reviewer").get("transmission_recipients_path")
    return Path(str(raw)) if raw else config.reviewer_state_dir / FILE_NAME


def load_destinations(path: Path) -> list[Destination]:
    """Configured destinations; an absent file means none yet. A malformed file is an error
    (the coordinator must see it, not an empty list)."""
    if not path.is_file():
        return []
    try:
        raw = json.loads(path.read_text("utf-8"))
        entries = raw["destinations"]
    except (ValueError, KeyError, TypeError):
        raise RecipientInvalid(f"{path.name}: not a destinations file") from None
    found = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not _ID.match(str(entry.get("id", ""))):
            continue
        recipient = str(entry.get("recipient", ""))
        try:
            parse_recipient(recipient)
            ok = True
        except RecipientInvalid:
            ok = False
        found.append(Destination(str(entry["id"]), str(entry.get("name") or entry["id"]),
                                 str(entry.get("channel") or ""), recipient, ok))
    return found


def save_destination(path: Path, destination: Destination) -> None:
    """Add or replace one destination (written atomically; public keys only)."""
    current = [d for d in load_destinations(path) if d.id != destination.id]
    current.append(destination)
    body = {"destinations": [{"id": d.id, "name": d.name, "channel": d.channel,
                              "recipient": d.recipient} for d in current]}
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(body, indent=2), "utf-8")
    os.replace(temporary, path)


def ensure_demo_recipient(instance_dir: Path) -> tuple[str, Path]:
    """For ``haven demo``: a demo OHCHR recipient. Generates (once) an age identity in
    ``INSTANCE/demo-ohchr/identity.age-key`` (0600; it stands for the key the real recipient
    keeps, so it lives outside ``keys/``) and lists its recipient as destination
    ``ohchr-demo`` in ``INSTANCE/reviewer/transmission-recipients.json``.
    Returns ``(recipient, identity_path)``; calling it again reuses the identity."""
    instance_dir = Path(instance_dir)
    identity_path = instance_dir / "demo-ohchr" / "identity.age-key"
    if identity_path.is_file():
        identity = pyrage.x25519.Identity.from_str(identity_path.read_text("ascii").strip())
    else:
        identity = pyrage.x25519.Identity.generate()
        identity_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(identity_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(str(identity) + "\n")
    recipient = str(identity.to_public())
    save_destination(instance_dir / "reviewer" / FILE_NAME,
                     Destination(DEMO_ID, DEMO_NAME, "encrypted file, hand-delivered",
                                 recipient, True))
    return recipient, identity_path
