"""A regchat WeChat worker process for the restart and multi-worker tests and the fault benchmark:
the real callback router and state store (settings from the ``REGCHAT_*`` environment), with a
scripted engine that thinks ``<seconds>s`` as the question says.

    python wechat_worker.py --port 8123 [--fast]

``--fast`` scales WeChat's rhythm down five times, as the timeline tests do.
"""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn
from fastapi import FastAPI
from wechat_harness import ScriptedEngine, sample_answer

from regchat.channels.wechat import Limits, Timing, build_router
from regchat.settings import Settings

FAST = Timing(reply_within=0.5, platform_timeout=1.0, tries=3, hold_margin=0.3, retry_grace=0.4,
              remainder_delay=0.05)


def script(question: str):
    seconds = float(question.split("s ", 1)[0]) if question[:1].isdigit() else 0.0
    return seconds, sample_answer(question)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    router = build_router(Settings(), ScriptedEngine(script), timing=FAST if args.fast else Timing(),
                          limits=Limits(engine_threads=32))
    app = FastAPI()
    app.include_router(router)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info")


if __name__ == "__main__":
    main()
