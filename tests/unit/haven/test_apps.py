"""Apps fail closed: a wrong configuration serves 503, never a half-configured app."""

from werkzeug.test import Client

from haven.apps import create_or_unavailable


def test_missing_instance_serves_503_without_details(tmp_path):
    app = create_or_unavailable("intake", {"HAVEN_INSTANCE": str(tmp_path / "nowhere")})

    response = Client(app).get("/")

    assert response.status_code == 503
    assert response.headers["Cache-Control"] == "no-store"
    assert b"nowhere" not in response.data


def test_unknown_app_name_serves_503(tmp_path):
    app = create_or_unavailable("mailer", {"HAVEN_INSTANCE": str(tmp_path)})

    assert Client(app).get("/").status_code == 503
