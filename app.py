"""Run regchat: the browser chat, the JSON and OpenAI-compatible API and the
WeChat / WeCom webhooks, in one process on ``REGCHAT_HOST:REGCHAT_PORT``
(default http://127.0.0.1:7860)."""

from regchat.channels.server import serve

if __name__ == "__main__":
    serve()
