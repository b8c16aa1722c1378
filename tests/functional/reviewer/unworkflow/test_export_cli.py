"""`haven export`: destinations configured per instance, the demo recipient, and a package
opened with the destination's identity file, on an instance made by create_instance."""

from __future__ import annotations

import json

import pyrage
from click.testing import CliRunner

from haven.cli import cli
from haven.instance import create_instance
from reviewer.unworkflow.sealing import seal_package


def test_destinations_demo_recipient_and_opening_a_package(tmp_path, database_url):
    created = create_instance(tmp_path / "instance", org_id="org-cli",
                              database_url=database_url)
    instance = str(created.config.instance_dir)
    runner = CliRunner()
    empty = runner.invoke(cli, ["export", "destinations", "--instance", instance])
    assert empty.exit_code == 0
    assert "no destinations configured" in empty.output

    demo = runner.invoke(cli, ["export", "demo-recipient", "--instance", instance])
    assert demo.exit_code == 0, demo.output
    other = pyrage.x25519.Identity.generate()
    bad = runner.invoke(cli, ["export", "add-destination", "sr-hrd", "--name", "SR HRDs",
                              "--recipient", "age1bad", "--instance", instance])
    assert bad.exit_code != 0
    assert "not an age X25519 recipient" in bad.output
    added = runner.invoke(cli, ["export", "add-destination", "sr-hrd", "--name", "SR HRDs",
                                "--channel", "encrypted e-mail", "--recipient",
                                str(other.to_public()), "--instance", instance])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, ["export", "destinations", "--instance", instance]).output
    assert "ohchr-demo" in listed
    assert "sr-hrd\tSR HRDs\tencrypted e-mail" in listed

    identity_file = created.config.instance_dir / "demo-ohchr" / "identity.age-key"
    recipient = str(pyrage.x25519.Identity.from_str(identity_file.read_text().strip())
                    .to_public())
    package = tmp_path / "package.age"
    package.write_bytes(seal_package({"format": "haven-transmission/1", "use": "confidential"},
                                     recipient).ciphertext)
    pdf = tmp_path / "package.pdf"
    opened = runner.invoke(cli, ["export", "open-transmission", str(package), "--identity",
                                 str(identity_file), "--pdf", str(pdf)])
    assert opened.exit_code == 0, opened.output
    assert json.loads(opened.output)["use"] == "confidential"
    assert pdf.read_bytes().startswith(b"%PDF")
    wrong = tmp_path / "wrong.key"
    wrong.write_text(str(other) + "\n")
    refused = runner.invoke(cli, ["export", "open-transmission", str(package), "--identity",
                                  str(wrong)])
    assert refused.exit_code != 0
    assert "does not open with this identity" in refused.output
