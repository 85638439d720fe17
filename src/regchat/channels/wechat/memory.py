"""Per-user conversation memory with expiry, so follow-up questions have context.

The clock is passed in; nothing here reads the time by itself.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class _Thread:
    turns: list[dict[str, str]] = field(default_factory=list)
    last_seen: float = 0.0


class ConversationMemory:
    """The last ``max_turns`` exchanges of each user, forgotten after ``ttl`` seconds of silence.

    History items are ``{"role": "user" | "assistant", "content": str}``, the
    shape ``Engine.answer(history=...)`` takes. At most ``max_users`` users are
    remembered; the least recently active is forgotten first.
    """

    def __init__(self, clock: Callable[[], float], *, ttl: float = 1800.0, max_turns: int = 6, max_users: int = 10_000):
        if ttl <= 0:
            raise ValueError("ttl must be positive.")
        if max_turns < 1:
            raise ValueError("max_turns must be at least 1.")
        self._clock, self.ttl, self.max_turns, self.max_users = clock, ttl, max_turns, max_users
        self._threads: OrderedDict[str, _Thread] = OrderedDict()

    def history(self, user: str) -> tuple[dict[str, str], ...]:
        """The user's recent exchanges, oldest first (empty when expired)."""
        thread = self._threads.get(user)
        if thread is None:
            return ()
        if self._clock() - thread.last_seen > self.ttl:
            del self._threads[user]
            return ()
        return tuple(dict(t) for t in thread.turns)

    def remember(self, user: str, question: str, answer: str) -> None:
        """Record one exchange."""
        now = self._clock()
        thread = self._threads.pop(user, None)
        if thread is None or now - thread.last_seen > self.ttl:
            thread = _Thread()
        thread.turns += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        del thread.turns[: max(0, len(thread.turns) - 2 * self.max_turns)]
        thread.last_seen = now
        self._threads[user] = thread
        while len(self._threads) > self.max_users:
            self._threads.popitem(last=False)

    def forget(self, user: str) -> None:
        self._threads.pop(user, None)

    def __len__(self) -> int:
        return len(self._threads)
