"""WeChat Official Account and WeCom app callbacks.

``build_router(settings, engine)`` gives the ``/wechat`` and ``/wecom`` routes
to mount on the app; see ``webhook`` for the request checks, ``responder`` for
the 5-second rule, ``crypto`` and ``messages`` for the protocol itself.
"""

from .crypto import CallbackRejected, MessageCrypto, signature
from .responder import Responder, Timing
from .webhook import CallbackRouter, Limits, build_router

__all__ = ["CallbackRejected", "CallbackRouter", "Limits", "MessageCrypto", "Responder", "Timing", "build_router",
           "signature"]
