"""Answering pushed messages within WeChat's 5-second rule, exactly once.

WeChat (and WeCom) wait 5 seconds for the reply to a pushed message, then drop
the connection and push the same message again, three tries in all. A reply
that arrives on a dropped connection is lost; an empty reply or ``success``
ends the tries. So, for each message (keyed by MsgId, or FromUserName +
CreateTime for events):

* the first try starts one computation; later tries never start another;
* a try answers passively as soon as the answer is ready, from the cache if a
  previous try already computed it (a lost passive reply is simply served
  again to the next try: WeChat shows at most one of them);
* a try answers passively only within ``reply_within`` seconds of its
  arrival, so that the reply reaches a connection WeChat still listens on;
* a try that is not the last one, when the answer is not ready by then,
  holds its connection until WeChat gives up on it, so that WeChat retries;
* the last try gets the answer if it is ready when the try arrives; if not,
  it answers ``success`` at once and the answer is pushed through the
  customer-service API when ready (a reply computed while the last try waits
  could miss its 5 seconds under load, with no retry left to catch it);
* if WeChat stops retrying early (a lost retry), the answer is pushed once no
  retry has come for ``platform_timeout + retry_grace`` seconds;
* when the answer needs several messages, the first is the passive reply and
  the rest are pushed, once, in order.

Exactly one of "passive" and "push" is ever chosen for a message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import anyio
import anyio.to_thread

from regchat.documents import Answer
from regchat.bounds import check_question
from regchat.errors import QuestionTooLong, RegchatError

from regchat.state import OutboxItem, SqliteStore, StateStore, StoredMemory, StoredRateLimiter

from .delivery import Pusher
from .guards import RateLimiter
from .memory import ConversationMemory
from .messages import Inbound, plain_text, render_messages
from .outbox import Outbox

log = logging.getLogger("regchat.wechat")

CHINA = dt.timezone(dt.timedelta(hours=8))
_CJK = re.compile(r"[\u3400-\u9fff]")


class AnswersQuestions(Protocol):
    def answer(self, question: str, history: Sequence[dict] = (), today: dt.date | None = None) -> Answer: ...


class RatesAnswers(Protocol):
    """Ratings typed right after an answer ("👎", "不对"): ``regchat.feedback.ChatFeedback``."""

    def answered(self, channel: str, user: str, answer_id: str) -> None: ...

    def reply(self, channel: str, user: str, text: str) -> str | None: ...


@dataclass(frozen=True)
class Timing:
    """The platform's retry rhythm and our margins, in seconds."""

    reply_within: float = 4.5
    """A try answers passively only within this long of its arrival (the last try: only at once)."""
    platform_timeout: float = 5.0
    """WeChat drops a try after this long and retries."""
    tries: int = 3
    """WeChat's tries per message."""
    hold_margin: float = 1.0
    """A try that will be retried holds its connection this long past ``platform_timeout``."""
    retry_grace: float = 2.0
    """After a dropped try, wait this much longer for the retry before pushing instead."""
    remainder_delay: float = 0.5
    """Pause between the passive reply and pushing the rest of a long answer, to keep the order."""
    keep_results: float = 900.0
    """How long a message's answer stays cached for retries."""

    def __post_init__(self) -> None:
        if not 0 < self.reply_within < self.platform_timeout:
            raise ValueError("reply_within must be positive and shorter than platform_timeout.")
        if self.tries < 1:
            raise ValueError("tries must be at least 1.")


TEXTS = {
    "welcome": "Welcome! Ask me about visas, residence permits and work permits for foreigners in mainland China "
    "and Macao, e.g. \"My residence permit expires on 15 December, when must I apply to extend it?\"\n"
    "欢迎！您可以咨询外国人在中国内地和澳门的签证、居留许可和工作许可问题，例如：“我的居留证件2027年1月20日到期，最迟什么时候要递交延期申请？”",
    "text_only": "I can only read text (and voice messages WeChat transcribes). Please type your question.\n"
    "我目前只能阅读文字消息（以及微信转写的语音）。请直接输入您的问题。",
    "empty": "Please type your question about visas, residence or work permits.\n请输入您关于签证、居留或工作许可的问题。",
    "rate_limited_en": "You are sending messages faster than I can answer them. Please wait about {s} seconds "
    "and ask again.",
    "rate_limited_zh": "您发送消息太快了，请约{s}秒后再提问。",
    "failed_en": "Sorry, I could not answer that just now. Please try again in a moment.",
    "failed_zh": "抱歉，暂时无法回答这个问题，请稍后再试。",
    "too_slow": "This question is taking longer than usual. Please send it again in a minute.\n"
    "这个问题需要较长时间处理，请一分钟后重新发送。",
}
def language_of(text: str) -> Literal["en", "zh"]:
    return "zh" if _CJK.search(text) else "en"


@dataclass
class _Entry:
    """A message whose first try reached this process."""

    key: str
    user: str
    arrivals: list[float] = field(default_factory=list)
    task: asyncio.Future[list[str]] | None = None


class Responder:
    """Turns each pushed message into exactly one answer: a passive reply, or pushed messages.

    What must be shared by every worker lives in ``store`` (``regchat.state``):
    the try counter of each message (the first try, wherever it lands, starts
    the one computation), the finished answer (any worker's try can serve it),
    the outcome ("passive" or "push", claimed once) and the outbox. The key of
    a message is the channel, its sender and its MsgId.

    ``engine.answer`` is synchronous and runs in a worker thread. ``pusher``
    is ``None`` when the account has no push credentials; then a slow answer
    gets a "please ask again" reply instead, and a long one is cut to its
    first message.
    """

    def __init__(self, engine: AnswersQuestions, *, pusher: Pusher | None, clock: Callable[[], float],
                 timing: Timing = Timing(), memory: ConversationMemory | StoredMemory | None = None,
                 limiter: RateLimiter | StoredRateLimiter | None = None, engine_threads: int = 4,
                 name: str = "wechat", store: StateStore | None = None, outbox: Outbox | None = None,
                 feedback: RatesAnswers | None = None):
        self.engine, self.pusher, self.clock, self.timing, self.name = engine, pusher, clock, timing, name
        self.feedback = feedback
        # Few engine threads: the answers are CPU-bound, and a crowd of threads would starve the
        # event loop of the GIL and make replies miss WeChat's 5 seconds.
        self._threads = anyio.CapacityLimiter(engine_threads)
        self.memory = memory if memory is not None else ConversationMemory(clock)
        self.limiter = limiter if limiter is not None else RateLimiter(clock)
        self.store = store if store is not None else (outbox.store if outbox is not None
                                                      else SqliteStore(":memory:", clock=clock))
        self.outbox = outbox if outbox is not None else Outbox(self.store, clock)
        self.outbox.channels[name] = self
        self._entries: OrderedDict[str, tuple[float, _Entry]] = OrderedDict()
        self._background: set[asyncio.Future[Any]] = set()
        self.stats = {"messages": 0, "tries": 0, "engine_calls": 0, "passive": 0, "pushed_answers": 0,
                      "rate_limited": 0, "engine_failures": 0}

    # -- public --------------------------------------------------------------
    async def respond(self, inbound: Inbound) -> str | None:
        """The passive reply for this try of ``inbound``, or ``None`` to answer ``success``."""
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        self.stats["tries"] += 1
        key = f"{self.name}:{inbound.dedup_key}"
        keep = self.timing.keep_results
        try_number = self.store.incr("try:" + key, ttl=keep)
        self._expire(arrived)
        entry = self._local(key)
        if entry is None and (try_number == 1 or self._abandoned(key)):
            # The first try; or a retry of a message whose first try was cut off (its worker was
            # killed) before anything was recorded: start it now.
            entry = self._start(inbound, key, arrived)
        if entry is not None:
            entry.arrivals.append(arrived)
        outcome = self.store.get("outcome:" + key)
        if outcome == "push":
            return None
        last = try_number >= self.timing.tries
        if outcome == "passive" and last and self.pusher is not None:
            # WeChat tries again only when a reply did not reach it in time: the passive reply
            # taken earlier was never shown. With no try left to catch another loss, push it.
            self._push_lost_reply(key, inbound.from_user)
            return None
        # The last try is answered from the cache or not at all: a reply computed while it waits
        # could miss its 5 seconds, with no retry left to catch it. The answer is pushed instead.
        window = self.timing.reply_within if not last or self.pusher is None else 0.0
        messages = await self._wait_for_answer(key, entry, arrived + window)
        # A reply found late (a busy process) could miss the platform's wait: not passively then.
        if messages is not None and loop.time() - arrived <= self.timing.reply_within:
            return self._reply_passively(key, messages)
        if last:
            if self.pusher is None:
                if self.store.claim("outcome:" + key, "passive", ttl=keep):
                    return TEXTS["too_slow"]
                return None
            self.store.claim("outcome:" + key, "push", ttl=keep)
            return None
        # Not the last try: keep the connection open until the platform gives up on it and
        # retries; the retry is answered from the cache. Replying now could land on a
        # connection that is about to be dropped.
        await asyncio.sleep(max(0.0, arrived + self.timing.platform_timeout + self.timing.hold_margin
                                - loop.time()))
        return None

    def _push_lost_reply(self, key: str, user: str) -> None:
        """Push the first message of an answer whose passive reply was lost (once)."""
        stored = self.store.get("answer:" + key)
        if not stored or not self.store.claim("lost-reply:" + key, "1", ttl=self.timing.keep_results):
            return
        messages = json.loads(stored)
        if not messages:
            return
        log.info("%s: the passive reply to %s was lost; pushing it", self.name, key)
        item = self.outbox.push(key + "#reply", messages[:1], channel=self.name, user=user, local=True)
        if item is not None:
            self._spawn(self.outbox.deliver_leased(item))

    async def drain(self) -> None:
        """Wait for all background work (computations, pushes) to finish."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    async def recompute(self, item: OutboxItem) -> list[str] | None:
        """For the outbox: the messages of an item whose worker went away, or None if it was answered."""
        key, keep = item.key, self.timing.keep_results
        if self.store.get("outcome:" + key) == "passive":
            return None
        stored = self.store.get("answer:" + key)
        messages = json.loads(stored) if stored else await self._compute(item.user, item.question)
        self.store.put("answer:" + key, json.dumps(messages, ensure_ascii=False), ttl=keep)
        self.store.put("outcome:" + key, "push", ttl=keep)
        return messages

    # -- entries -------------------------------------------------------------
    def _local(self, key: str) -> _Entry | None:
        found = self._entries.get(key)
        return found[1] if found else None

    def _abandoned(self, key: str) -> bool:
        return self.store.get("answer:" + key) is None and self.store.outbox_get(key) is None

    def _start(self, inbound: Inbound, key: str, now: float) -> _Entry | None:
        """The first try of a message, on whichever worker it landed."""
        keep = self.timing.keep_results
        immediate = self._immediate_reply(inbound)
        if immediate is None and inbound.msg_type == "event":
            self.store.put("answer:" + key, "[]", ttl=keep)  # "success", and for its retries too
            return None
        entry = _Entry(key=key, user=inbound.from_user)
        self._entries[key] = (now, entry)
        self.stats["messages"] += 1
        if immediate is not None:
            self.store.put("answer:" + key, json.dumps([immediate], ensure_ascii=False), ttl=keep)
            done: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()
            done.set_result([immediate])
            entry.task = done
        elif self.outbox.open(key, self.name, inbound.from_user, inbound.question):
            entry.task = self._spawn(self._compute(inbound.from_user, inbound.question))
            entry.task.add_done_callback(lambda _t, e=entry: self._spawn(self._settle(e)))
        return entry

    async def _wait_for_answer(self, key: str, entry: _Entry | None, until: float) -> list[str] | None:
        """The message's answer, waiting for it until ``until`` (loop time); None if not ready by then."""
        loop = asyncio.get_running_loop()
        if entry is not None and entry.task is not None:
            await asyncio.wait({entry.task}, timeout=max(0.0, until - loop.time()))
            if entry.task.done():
                return entry.task.result()
        while True:  # computed by another worker: watch the store
            stored = self.store.get("answer:" + key)
            if stored is not None:
                return json.loads(stored)
            if loop.time() >= until:
                return None
            await asyncio.sleep(min(0.05, max(0.0, until - loop.time())))

    def _immediate_reply(self, inbound: Inbound) -> str | None:
        """A reply that needs no engine (events, non-text, rate limit), or None."""
        if inbound.msg_type == "event":
            if inbound.event == "subscribe":
                return TEXTS["welcome"]
            return None
        if inbound.msg_type not in ("text", "voice"):
            return TEXTS["text_only"]
        if not inbound.question:
            return TEXTS["text_only"] if inbound.msg_type == "voice" else TEXTS["empty"]
        if self.feedback is not None:  # a rating of the answer just given, not a question
            thanks = self.feedback.reply(self.name, inbound.from_user, inbound.question)
            if thanks is not None:
                return thanks
        try:
            check_question(inbound.question)
        except QuestionTooLong as exc:
            return str(exc)
        if not self.limiter.allow(inbound.from_user):
            self.stats["rate_limited"] += 1
            lang = language_of(inbound.question)
            seconds = max(1, round(self.limiter.retry_after(inbound.from_user)))
            return TEXTS[f"rate_limited_{lang}"].format(s=seconds)
        return None

    def _expire(self, now: float) -> None:
        while self._entries:
            created, entry = next(iter(self._entries.values()))
            if now - created <= self.timing.keep_results or (entry.task is not None and not entry.task.done()):
                break
            self._entries.popitem(last=False)

    # -- work ----------------------------------------------------------------
    def _spawn(self, coro) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _compute(self, user: str, question: str) -> list[str]:
        self.stats["engine_calls"] += 1
        history = self.memory.history(user)
        today = dt.datetime.fromtimestamp(self.clock(), CHINA).date()
        call = functools.partial(self.engine.answer, question, history=history, today=today)
        try:
            answer = await anyio.to_thread.run_sync(call, limiter=self._threads)
        except Exception as exc:  # the edge: any engine failure still gets an answer
            self.stats["engine_failures"] += 1
            if not isinstance(exc, RegchatError):
                log.exception("%s: engine failed", self.name)
            else:
                log.warning("%s: engine failed: %s", self.name, exc)
            return [TEXTS[f"failed_{language_of(question)}"]]
        self.memory.remember(user, question, plain_text(answer.text))
        if self.feedback is not None and answer.id:
            self.feedback.answered(self.name, user, answer.id)
        return render_messages(answer)

    def _reply_passively(self, key: str, messages: list[str]) -> str | None:
        if not messages:
            return None
        keep = self.timing.keep_results
        if not self.store.claim("outcome:" + key, "passive", ttl=keep):
            # Decided already: a passive reply lost on a dropped connection is served again
            # (WeChat shows at most one), a pushed answer is not.
            return messages[0] if self.store.get("outcome:" + key) == "passive" else None
        self.stats["passive"] += 1
        if len(messages) > 1 and self.pusher is None:
            log.warning("%s: answer to %s cut to its first message; no push credentials", self.name, key)
            self.outbox.answered(key)
        elif len(messages) > 1:
            item = self.outbox.push(key, messages[1:], local=True)
            if item is not None:
                self._spawn(self.outbox.deliver_leased(item, delay=self.timing.remainder_delay))
        else:
            self.outbox.answered(key)
        return messages[0]

    async def _settle(self, entry: _Entry) -> None:
        """After the computation: push the answer if no try will pick it up."""
        assert entry.task is not None
        loop = asyncio.get_running_loop()
        key, keep = entry.key, self.timing.keep_results
        messages = entry.task.result()
        self.store.put("answer:" + key, json.dumps(messages, ensure_ascii=False), ttl=keep)
        self.outbox.hold(key, messages)
        known, noticed = len(entry.arrivals), loop.time()
        while True:
            outcome = self.store.get("outcome:" + key)
            if outcome == "passive":
                return  # the try that replied took care of the rest
            if outcome == "push":
                break
            count = int(self.store.get("try:" + key) or known)
            if count > known:  # a retry arrived, here or on another worker
                known, noticed = count, loop.time()
            last_arrival = max(entry.arrivals[-1] if entry.arrivals else noticed,
                               noticed if count > len(entry.arrivals) else 0.0)
            due = last_arrival + self.timing.platform_timeout + self.timing.retry_grace
            if known >= self.timing.tries:
                due = last_arrival + self.timing.reply_within + self.timing.retry_grace
            if loop.time() < due:
                await asyncio.sleep(min(due - loop.time(), 0.5))
                continue
            if self.pusher is None:
                log.warning("%s: answer for %s ready after WeChat stopped retrying; no push credentials",
                            self.name, key)
                self.outbox.answered(key)
                return
            if self.store.claim("outcome:" + key, "push", ttl=keep):
                log.info("%s: no further try of %s %.1f s after try %d; pushing the answer", self.name, key,
                         loop.time() - last_arrival, known)
        item = self.outbox.push(key, messages, channel=self.name, user=entry.user, local=True)
        if item is not None:
            self.stats["pushed_answers"] += 1
            await self.outbox.deliver_leased(item)
