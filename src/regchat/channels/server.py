"""The one ASGI app: the JSON and OpenAI-compatible API, the WeChat / WeCom
webhooks, and the Gradio browser chat at ``/``, all on one port.

The app starts at once; the answer engine (index + embedding model) is built in
a background thread at startup and on first use, with a log line either way.
Without an index ``/healthz`` answers 503 and the chat says how to build it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import gradio as gr
from fastapi import FastAPI

from regchat.channels import api, auth, calendar, hardening, support, wechat, web
from regchat.channels.engine import AnswerEngine, LazyEngine, today_in_region
from regchat.channels.observed import ChannelEngine, index_info
from regchat.feedback import FeedbackStore
from regchat.logs import configure_logging, install_redaction, uvicorn_log_config
from regchat.metrics import Metrics
from regchat.settings import Settings, get_settings

log = logging.getLogger("regchat.server")


def create_app(
    settings: Settings | None = None,
    engine: AnswerEngine | None = None,
    *,
    clock: Callable[[], dt.date] = today_in_region,
    warm_up: bool = True,
) -> FastAPI:
    """Build the app. ``engine`` defaults to ``regchat.answering.get_engine(settings)``, built lazily;
    ``clock`` gives "today" for questions that do not state it; ``warm_up`` builds the engine at startup."""
    settings = settings or get_settings()
    install_redaction(settings.secret_values())
    lazy = engine if isinstance(engine, LazyEngine) else LazyEngine(settings, engine)
    access = auth.Access.from_settings(settings)
    metrics = Metrics()
    feedback = FeedbackStore(settings.feedback_path, index_version=lambda: (index_info(lazy) or {}).get("version"),
                             on_rating=lambda f: metrics.rated(f.rating, f.channel))

    def channel(name: str) -> ChannelEngine:
        return ChannelEngine(lazy, name, feedback=feedback, metrics=metrics, log_questions=settings.log_questions)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        log.info("regchat serving on http://%s:%s (%s mode)", settings.host, settings.port, settings.mode)
        if warning := auth.open_access_warning(settings):
            log.warning(warning)
        if warm_up and not lazy.ready:
            lazy.warm_up()
        yield
        feedback.close()

    app = FastAPI(
        title="regchat",
        summary="Cited answers and computed deadlines from immigration and work-permit regulations "
        "for foreigners in mainland China and Macao.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.engine = lazy
    app.state.settings = settings
    app.state.feedback, app.state.metrics = feedback, metrics
    api.install_error_handlers(app)
    app.include_router(api.build_router(channel("api"), settings, clock))
    app.include_router(calendar.build_router(settings))
    app.include_router(support.build_router(feedback, metrics))
    if access.users:
        app.include_router(auth.build_router(access))
    app.add_middleware(auth.AccessControl, access=access)
    callbacks = wechat.build_router(settings, channel("wechat"), feedback=feedback)
    app.include_router(callbacks)
    metrics.watch_wechat(lambda: {name: responder for name, responder in
                                  (("wechat", callbacks.wechat), ("wecom", callbacks.wecom)) if responder})
    metrics.watch_index(lambda: index_info(lazy))
    hardening.refuse_uploads(app)
    app.add_middleware(hardening.BodyTimeout, timeout=settings.body_timeout, max_body=api.MAX_BODY_BYTES)
    # Gradio last: mounted at "/", it would otherwise shadow the routes above.
    return gr.mount_gradio_app(
        app,
        web.build_chat(channel("web"), clock, feedback),
        path="/",
        theme=web.THEME,
        footer_links=[],
        ssr_mode=False,
        show_error=False,
        enable_monitoring=False,
        mcp_server=False,
        auth_dependency=access.session_user if access.users else None,
    )



def app_from_environment() -> FastAPI:
    """The app with this process's settings: what each ``--workers`` process runs."""
    settings = get_settings()
    configure_logging(settings)
    hardening.HeaderTimeoutH11.header_timeout = settings.header_timeout  # for this worker's connections
    return create_app(settings)


def serve(
    settings: Settings | None = None, *, host: str | None = None, port: int | None = None, workers: int | None = None
) -> None:
    """Run the app with uvicorn (``python app.py`` and ``regchat serve``).

    With ``workers`` > 1 (default ``settings.workers``), uvicorn runs that many
    processes on one port, each with its own engine over the same index (answers
    then use more than the one core a Python process can keep busy). Each worker
    reads its settings from the environment (``REGCHAT_*``), as ``get_settings``
    does."""
    import uvicorn

    settings = settings or get_settings()
    workers = workers or settings.workers
    settings = settings.model_copy(update={"host": host or settings.host, "port": port or settings.port})
    configure_logging(settings)
    options = {
        "host": settings.host, "port": settings.port, "log_level": "info",
        "log_config": uvicorn_log_config(settings) or uvicorn.config.LOGGING_CONFIG, "timeout_keep_alive": 5,
    }
    if workers > 1:
        # Each worker builds the app from the environment (app_from_environment), which also sets
        # its header timeout. uvicorn restarts a worker that misses a health ping for
        # timeout_worker_healthcheck seconds; importing the app and answering under load can hold
        # the interpreter longer than its default 5 s.
        uvicorn.run("regchat.channels.server:app_from_environment", factory=True, workers=workers,
                    http=hardening.HeaderTimeoutH11, timeout_worker_healthcheck=120, **options)
    else:
        uvicorn.run(create_app(settings), http=hardening.header_timeout_protocol(settings.header_timeout), **options)
