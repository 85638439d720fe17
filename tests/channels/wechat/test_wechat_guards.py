"""Timestamp window, nonce ledger, rate limiter and conversation memory, on a hand-driven clock."""

import pytest
from wechat_harness import fresh_state_dir

from regchat.channels.wechat.crypto import CallbackRejected
from regchat.channels.wechat.guards import NonceLedger, RateLimiter, check_nonce, check_timestamp
from regchat.channels.wechat.memory import ConversationMemory


class Clock:
    def __init__(self, now: float = 1_790_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


class TestTimestamp:
    def test_within_the_window_either_way(self):
        assert check_timestamp("1790000000", 1_790_000_299, 300) == 1_790_000_000
        assert check_timestamp("1790000299", 1_790_000_000, 300) == 1_790_000_299

    def test_stale_or_future_requests_are_forbidden(self):
        for ts in ("1789999699", "1790000301"):
            with pytest.raises(CallbackRejected) as refused:
                check_timestamp(ts, 1_790_000_000, 300)
            assert refused.value.status == 403

    @pytest.mark.parametrize("ts", [None, "", "-5", "1.5", "17900000000000", "abc"])
    def test_malformed_timestamps_are_bad_requests(self, ts):
        with pytest.raises(CallbackRejected) as refused:
            check_timestamp(ts, 1_790_000_000, 300)
        assert refused.value.status == 400

    @pytest.mark.parametrize("nonce", [None, "", "a b", "x" * 65, "<script>", "]]>"])
    def test_nonces_are_short_and_plain(self, nonce):
        with pytest.raises(CallbackRejected):
            check_nonce(nonce)


class TestNonceLedger:
    def test_a_nonce_serves_one_message_only(self):
        ledger = NonceLedger(Clock())
        ledger.claim("1", "abc", "msg:1")
        ledger.claim("1", "abc", "msg:1")  # the same message again: a retry, answered from the cache
        with pytest.raises(CallbackRejected, match="replayed"):
            ledger.claim("1", "abc", "msg:2")
        ledger.claim("2", "abc", "msg:2")  # another timestamp is another request

    def test_entries_are_forgotten_after_twice_the_window(self):
        clock = Clock()
        ledger = NonceLedger(clock, window=300)
        ledger.claim("1", "abc", "msg:1")
        clock.now += 601
        ledger.claim("1", "abc", "msg:2")  # forgotten (the timestamp check refuses such a request anyway)


class TestRateLimiter:
    def test_sliding_window_per_user(self):
        clock = Clock()
        limiter = RateLimiter(clock, limit=3, period=60)
        assert [limiter.allow("a") for _ in range(4)] == [True, True, True, False]
        assert limiter.allow("b")
        assert limiter.retry_after("a") == pytest.approx(60)
        clock.now += 59
        assert not limiter.allow("a")
        clock.now += 1
        assert limiter.allow("a")

    def test_bad_configuration_is_refused(self):
        with pytest.raises(ValueError):
            RateLimiter(Clock(), limit=0)


class TestMemory:
    def test_remembers_recent_turns_in_engine_history_shape(self):
        memory = ConversationMemory(Clock(), max_turns=2)
        for i in range(3):
            memory.remember("u", f"q{i}", f"a{i}")
        assert memory.history("u") == (
            {"role": "user", "content": "q1"}, {"role": "assistant", "content": "a1"},
            {"role": "user", "content": "q2"}, {"role": "assistant", "content": "a2"},
        )
        assert memory.history("someone else") == ()

    def test_forgets_after_the_ttl(self):
        clock = Clock()
        memory = ConversationMemory(clock, ttl=1800)
        memory.remember("u", "q", "a")
        clock.now += 1800
        assert len(memory.history("u")) == 2
        clock.now += 1
        assert memory.history("u") == ()
        memory.remember("u", "q2", "a2")
        assert [t["content"] for t in memory.history("u")] == ["q2", "a2"]

    def test_bounded_number_of_users(self):
        memory = ConversationMemory(Clock(), max_users=2)
        for user in ("a", "b", "c"):
            memory.remember(user, "q", "a")
        assert memory.history("a") == () and len(memory) == 2


def test_rate_limit_and_memory_come_from_the_settings():
    from regchat.channels.wechat import build_router
    from regchat.settings import Settings

    settings = Settings(_env_file=None, data_dir=fresh_state_dir(), wechat_token="tok", wechat_rate_limit=3,
                        wechat_rate_period=30, wechat_memory_ttl=120)
    router = build_router(settings, engine=None)
    limiter, memory = router.wechat.limiter, router.wechat.memory
    assert (limiter.limit, limiter.period, memory.ttl) == (3, 30, 120)
