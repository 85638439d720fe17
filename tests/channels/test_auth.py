"""API keys, the chat login and the metrics key, through the real app (and the official
``openai`` client on a real server). The browser login is in test_web.py."""

from __future__ import annotations

import datetime as dt
import logging

import openai
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from regchat.channels.auth import Access, ApiKeys, Sessions, hash_password, open_access_warning, parse_users, verify_password
from regchat.channels.server import create_app
from regchat.cli import main
from regchat.errors import ConfigError
from regchat.settings import Settings

from serving import ScriptedEngine, live_server, z_visa_answer

QUESTION = {"question": "Z visa, entered 2 March 2026: residence permit by when?"}


def app_for(tmp_path, **settings):
    engine = ScriptedEngine(z_visa_answer())
    return create_app(Settings(llm="offline", data_dir=tmp_path, **settings), engine,
                      clock=lambda: dt.date(2026, 11, 22), warm_up=False)


# --- passwords and sessions ----------------------------------------------------------------------


def test_passwords_are_kept_only_as_hashes():
    users = parse_users("alice:s3cret, bob:" + hash_password("hunter2"))
    assert set(users) == {"alice", "bob"}
    assert all(h.startswith("scrypt$") and "s3cret" not in h for h in users.values())
    assert verify_password("s3cret", users["alice"]) and not verify_password("s3cret!", users["alice"])
    assert verify_password("hunter2", users["bob"])
    assert not verify_password("x", "not-a-hash")


@pytest.mark.parametrize("bad", ["alice", "alice:", ":pw", "alice:a,alice:b"])
def test_a_malformed_user_list_is_refused(bad):
    with pytest.raises(ConfigError, match="REGCHAT_UI_USERS"):
        parse_users(bad)


def test_a_session_is_signed_and_expires():
    now = [1000.0]
    sessions = Sessions(seconds=60, clock=lambda: now[0])
    token = sessions.issue("alice")
    assert sessions.user_of(token) == "alice"
    user, expiry, signature = token.split(".")
    assert sessions.user_of(f"{user}.{int(expiry) + 999}.{signature}") is None  # tampered
    assert Sessions().user_of(token) is None  # another process's key
    now[0] += 61
    assert sessions.user_of(token) is None


def test_hash_password_prints_a_pair_the_settings_accept():
    result = CliRunner().invoke(main, ["hash-password", "alice", "--password", "s3cret"])
    assert result.exit_code == 0, result.output
    pair = result.output.strip().splitlines()[-1]
    assert verify_password("s3cret", parse_users(pair)["alice"])


# --- API keys ---------------------------------------------------------------------------------------


def test_api_keys_guard_the_api_and_nothing_else(tmp_path):
    with TestClient(app_for(tmp_path, api_keys="k-one,k-two")) as client:
        missing = client.post("/api/ask", json=QUESTION)
        assert missing.status_code == 401
        assert missing.headers["www-authenticate"].startswith("Bearer")
        assert "needs an API key" in missing.json()["error"]["message"]
        wrong = client.post("/api/ask", json=QUESTION, headers={"Authorization": "Bearer k-three"})
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
        for key in ("k-one", "k-two"):
            ok = client.post("/api/ask", json=QUESTION, headers={"Authorization": f"Bearer {key}"})
            assert ok.status_code == 200 and ok.json()["deadlines"][0]["date"] == "2026-04-01"
        assert client.get("/v1/models").status_code == 401
        assert client.get("/api/deadline.ics", params={"day": "2026-04-01"}).status_code == 401
        assert client.get("/healthz").status_code != 401  # open without a metrics key
        assert client.get("/metrics").status_code == 200
        assert client.get("/wechat").status_code == 404  # not enabled; but not refused for a key
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200  # no chat users: open


def test_the_metrics_key_guards_metrics_and_health(tmp_path):
    with TestClient(app_for(tmp_path, metrics_key="m-key")) as client:
        assert client.get("/healthz").status_code == 401
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer m-key"}).status_code == 200
        assert client.get("/healthz", headers={"Authorization": "Bearer m-key"}).status_code in (200, 503)
        assert client.post("/api/ask", json=QUESTION).status_code == 200  # the API has no keys here


@pytest.mark.slow
def test_the_openai_client_is_refused_without_the_key_and_answered_with_it(tmp_path):
    with live_server(app_for(tmp_path, api_keys="sk-regchat-test")) as url:
        for key, says in (("wrong", "not valid"), ("", "needs an API key")):
            client = openai.OpenAI(base_url=f"{url}/v1", api_key=key or "x", max_retries=0,
                                   default_headers={"Authorization": ""} if not key else None)
            with pytest.raises(openai.AuthenticationError, match=says) as caught:
                client.chat.completions.create(model="regchat", messages=[{"role": "user", "content": "When?"}])
            assert caught.value.status_code == 401
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="sk-regchat-test", max_retries=0)
        completion = client.chat.completions.create(model="regchat",
                                                    messages=[{"role": "user", "content": "When?"}])
        assert "2026-04-01" in completion.choices[0].message.content
        assert [m.id for m in client.models.list()] == ["regchat"]


# --- the chat login ------------------------------------------------------------------------------------


def test_the_chat_needs_a_login_and_the_api_does_not(tmp_path):
    with TestClient(app_for(tmp_path, ui_users="alice:s3cret"), follow_redirects=False) as client:
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2F"
        assert client.get("/gradio_api/info").status_code == 401
        assert client.get("/calendar/deadline.ics", params={"day": "2026-04-01"}).status_code == 401
        assert 'name="password"' in client.get("/login").text
        wrong = client.post("/login", data={"username": "alice", "password": "nope", "next": "/"})
        assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
        assert "regchat_session" not in client.cookies
        offsite = client.post("/login", data={"username": "alice", "password": "s3cret", "next": "//evil.example"})
        assert offsite.status_code == 303 and offsite.headers["location"] == "/"
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/calendar/deadline.ics", params={"day": "2026-04-01"}).status_code == 200
        assert client.post("/api/ask", json=QUESTION).status_code == 200  # no API keys set
        client.get("/logout")
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 303


def test_repeated_failed_logins_are_slowed_down(tmp_path):
    app = app_for(tmp_path, ui_users="alice:s3cret,bob:hunter2")
    with TestClient(app, follow_redirects=False) as client:
        for _ in range(5):
            assert client.post("/login", data={"username": "alice", "password": "guess"}).status_code == 401
        locked = client.post("/login", data={"username": "alice", "password": "s3cret"})
        assert locked.status_code == 429 and "Too many failed logins: try again in 5 minute(s)" in locked.text
        assert "regchat_session" not in client.cookies
        assert client.post("/login", data={"username": "bob", "password": "hunter2"}).status_code == 303


def test_a_login_lockout_ends_after_the_window():
    now = [0.0]
    access = Access(api_keys=ApiKeys([]), users=parse_users("alice:s3cret"), metrics_key=ApiKeys([]),
                    sessions=Sessions(), clock=lambda: now[0])
    for _ in range(5):
        access.login_failed("alice", "10.0.0.1")
    assert access.login_wait("alice", "10.0.0.2") == 300  # the user name is locked from anywhere
    now[0] = 200
    assert access.login_wait("alice", "10.0.0.1") == 100
    now[0] = 301
    assert access.login_wait("alice", "10.0.0.1") == 0


def test_listening_beyond_loopback_with_nothing_set_is_warned_about(tmp_path, caplog):
    assert open_access_warning(Settings(host="127.0.0.1")) is None
    assert open_access_warning(Settings(host="0.0.0.0", api_keys="k")) is None
    assert open_access_warning(Settings(host="0.0.0.0", ui_users="a:b")) is None
    warning = open_access_warning(Settings(host="0.0.0.0"))
    assert "REGCHAT_API_KEYS" in warning and "REGCHAT_UI_USERS" in warning
    with caplog.at_level(logging.WARNING, logger="regchat.server"):
        with TestClient(app_for(tmp_path, host="0.0.0.0")):
            pass
    assert any("beyond this machine" in r.getMessage() for r in caplog.records)
