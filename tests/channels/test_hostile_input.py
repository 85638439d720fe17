"""Hostile input on every channel: bodies in unknown encodings, broken characters and no
signature (a plain 4xx and no traceback), lone surrogates, questions over the length
bounds, uploads, and clients trickling headers or bodies."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import threading
import time

import httpx
import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from regchat.bounds import MAX_QUESTION_BYTES, MAX_QUESTION_CHARS
from regchat.channels import web
from regchat.channels.hardening import header_timeout_protocol
from regchat.channels.server import create_app
from regchat.channels.wechat.crypto import MessageCrypto, signature
from regchat.cli import main as cli
from regchat.settings import Settings

from serving import ScriptedEngine, z_visa_answer

TOKEN, APP_ID, CORP, AES_KEY = "hostile-token", "wxhostile0000001", "wwhostile0001", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def now() -> int:
    """The time a request is signed at: read when the test runs, not when the module is collected (a
    slow run would otherwise send timestamps older than the webhook's window)."""
    return int(time.time())

TOO_LONG_EMOJI = "😀" * (MAX_QUESTION_BYTES // 4 + 1)  # within the characters, over the bytes
TOO_LONG_CHARS = "renew " * (MAX_QUESTION_CHARS // 6 + 1)


@pytest.fixture
def app_settings(tmp_path):
    return Settings(_env_file=None, llm="offline", data_dir=tmp_path / "data", wechat_token=TOKEN,
                    wecom_token=TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=CORP, body_timeout=0.5)


@pytest.fixture
def client(app_settings):
    engine = ScriptedEngine(z_visa_answer())
    with TestClient(create_app(app_settings, engine, clock=lambda: dt.date(2026, 11, 22), warm_up=False)) as c:
        c.engine = engine
        yield c


def signed(nonce="n1"):
    ts = str(now())
    return {"timestamp": ts, "nonce": nonce, "signature": signature(TOKEN, ts, nonce)}


UNKNOWN_ENCODING = b'<?xml version="1.0" encoding="x-no-such-codec"?><xml><Content>hi</Content></xml>'
BODIES = {
    "unknown encoding": UNKNOWN_ENCODING,
    "broken utf-8": b"<xml><ToUserName>gh</ToUserName><Content>\xff\xfe\xc3</Content></xml>",
    "control character": b"<xml><ToUserName>gh</ToUserName><Content>a\x00b</Content></xml>",
    "utf-16 declared, utf-8 sent": b'<?xml version="1.0" encoding="utf-16"?><xml><a>b</a></xml>',
    "not xml": b"\x00\x01\x02 not xml at all",
    "huge number": b"<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><MsgType>text</MsgType>"
    + b"<CreateTime>" + b"9" * 5000 + b"</CreateTime></xml>",
}


@pytest.mark.parametrize("name", list(BODIES))
@pytest.mark.parametrize("path", ["/wechat", "/wecom"])
def test_webhook_bodies_without_a_signature_are_refused_unparsed(client, caplog, path, name):
    caplog.set_level(logging.DEBUG)
    response = client.post(path, params={"timestamp": str(now()), "nonce": "n2"}, content=BODIES[name])
    assert response.status_code in (400, 403) and response.text in ("forbidden", "bad request")
    assert "Traceback" not in caplog.text and "ERROR" not in caplog.text


@pytest.mark.parametrize("name", list(BODIES))
def test_signed_plaintext_bodies_that_are_malformed_are_a_plain_400(client, caplog, name):
    caplog.set_level(logging.DEBUG)
    response = client.post("/wechat", params=signed("n-" + str(abs(hash(name)))), content=BODIES[name])
    assert response.status_code == 400 and response.text == "bad request"
    assert "Traceback" not in caplog.text


def test_wecom_payload_with_a_valid_signature_but_a_malformed_inner_message_is_a_400(client, caplog):
    caplog.set_level(logging.DEBUG)
    crypto = MessageCrypto(TOKEN, AES_KEY, CORP)
    encrypted = crypto.encrypt(UNKNOWN_ENCODING.decode())
    ts, nonce = str(now()), "n3"
    body = f"<xml><ToUserName>{CORP}</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>".encode()
    params = {"timestamp": ts, "nonce": nonce, "msg_signature": crypto.msg_signature(ts, nonce, encrypted)}
    response = client.post("/wecom", params=params, content=body)
    assert response.status_code == 400 and "Traceback" not in caplog.text


def test_wecom_two_encrypt_elements_are_refused(client):
    crypto = MessageCrypto(TOKEN, AES_KEY, CORP)
    encrypted = crypto.encrypt("<xml><a>b</a></xml>")
    ts, nonce = str(now()), "n4"
    body = (f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt><Encrypt><![CDATA[QUJD]]></Encrypt></xml>").encode()
    params = {"timestamp": ts, "nonce": nonce, "msg_signature": crypto.msg_signature(ts, nonce, encrypted)}
    assert client.post("/wecom", params=params, content=body).status_code == 400


def test_lone_surrogates_are_a_4xx_not_a_500(client):
    raw = '{"model": "regchat", "messages": [{"role": "user", "content": "renew \\ud800 permit?"}]}'
    response = client.post("/v1/chat/completions", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "surrogate" in response.json()["error"]["message"]
    raw = '{"question": "renew \\udfff?", "history": [{"role": "user", "content": "\\ud83d"}]}'
    response = client.post("/api/ask", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert client.engine.calls == []


# --- the question-length bound, on every channel ------------------------------------------


@pytest.mark.parametrize("question", [TOO_LONG_EMOJI, TOO_LONG_CHARS])
def test_api_and_openai_endpoint_refuse_long_questions(client, question):
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 422 and "too long" in response.json()["error"]["message"]
    response = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]})
    assert response.status_code == 422 and response.json()["error"]["code"] == "question_too_long"
    assert client.engine.calls == []


def test_a_question_at_the_bound_is_answered(client):
    question = "😀" * (MAX_QUESTION_BYTES // 4)
    assert client.post("/api/ask", json={"question": question}).status_code == 200


@pytest.mark.parametrize("question", [TOO_LONG_EMOJI, TOO_LONG_CHARS])
def test_browser_chat_refuses_long_questions(question):
    engine = ScriptedEngine(z_visa_answer())
    [message] = list(web.respond(engine, lambda: dt.date(2026, 11, 22))(question, []))[-1]
    assert "too long" in message.content and engine.calls == []


def test_wechat_refuses_long_questions(client):
    xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>o_long</FromUserName><CreateTime>{now()}</CreateTime>"
           f"<MsgType>text</MsgType><Content><![CDATA[{TOO_LONG_EMOJI}]]></Content><MsgId>1</MsgId></xml>")
    response = client.post("/wechat", params=signed("n5"), content=xml.encode())
    assert response.status_code == 200 and "too long" in response.text and client.engine.calls == []


def test_cli_refuses_long_questions():
    result = CliRunner().invoke(cli, ["ask", TOO_LONG_CHARS])
    assert result.exit_code == 2 and "too long" in result.output


# --- uploads and slow clients -----------------------------------------------------------------


def test_chat_uploads_are_refused(client):
    response = client.post("/gradio_api/upload", files={"files": ("big.bin", b"x" * 1024)})
    assert response.status_code == 403


@pytest.fixture
def live(app_settings):
    """The app on a real socket with the server's own protocol (header timeout 0.5 s)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    app = create_app(app_settings, ScriptedEngine(z_visa_answer()), warm_up=False)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", http=header_timeout_protocol(0.5)))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < end
        time.sleep(0.05)
    yield sock.getsockname()
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()


def read_all(conn: socket.socket) -> bytes:
    conn.settimeout(20)
    data = b""
    while chunk := conn.recv(4096):
        data += chunk
    return data


def test_a_client_trickling_headers_is_dropped(live):
    with socket.create_connection(live) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # and never the blank line
        assert read_all(conn) == b""


def test_a_client_trickling_a_body_gets_408(live):
    with socket.create_connection(live) as conn:
        conn.sendall(b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"question\":")
        reply = read_all(conn)
    assert reply.startswith(b"HTTP/1.1 408")


def test_ordinary_requests_pass_the_hardening(live):
    host, port = live
    response = httpx.post(f"http://{host}:{port}/api/ask", json={"question": "Z visa?"}, timeout=20)
    assert response.status_code == 200


def test_an_oversized_body_is_413(live):
    host, port = live
    response = httpx.post(f"http://{host}:{port}/api/ask", content=b"x" * (3 * 1024 * 1024), timeout=20)
    assert response.status_code == 413


def run(coro):
    return asyncio.run(coro)


def test_a_replayed_msgid_from_another_sender_is_not_given_the_first_senders_answer(client):
    def message(user, nonce):
        xml = (f"<xml><ToUserName>gh</ToUserName><FromUserName>{user}</FromUserName><CreateTime>{now()}</CreateTime>"
               f"<MsgType>text</MsgType><Content>When must I renew, {user}?</Content><MsgId>777</MsgId></xml>")
        return client.post("/wechat", params=signed(nonce), content=xml.encode())

    assert message("o_alice", "n-a").status_code == 200
    assert message("o_mallory", "n-m").status_code == 200
    assert [c["question"] for c in client.engine.calls] == ["When must I renew, o_alice?",
                                                             "When must I renew, o_mallory?"]
