"""Run regchat: the browser chat, the JSON and OpenAI-compatible API and the
WeChat / WeCom webhooks, in one process on ``REGCHAT_HOST:REGCHAT_PORT``
(default http://127.0.0.1:7860)."""

import logging

import uvicorn

from regchat.channels.server import create_app
from regchat.settings import get_settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


if __name__ == "__main__":
    main()
