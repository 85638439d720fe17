"""The browser chat: how an answer becomes chat messages, and the page itself,
driven in Debian's chromium with Playwright against a real uvicorn server."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from regchat.channels import web
from regchat.channels.engine import LazyEngine
from regchat.channels.server import create_app
from regchat.documents import Deadline
from regchat.errors import IndexNotReady
from regchat.settings import PROJECT_ROOT, Settings

from serving import ScriptedEngine, live_server, z_visa_answer

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "artifacts"
Z_VISA_QUESTION = "I came into China with a Z visa on 2026-03-02. By when must I apply for a residence permit?"


# --- answers as chat messages (no browser) ------------------------------------------------


def test_an_answer_becomes_text_then_sources_then_date_steps():
    messages = web.answer_messages(z_visa_answer())
    assert [m.metadata.get("title") for m in messages] == [None, "Sources", "How this date was computed: 2026-04-01"]
    assert messages[0].content.startswith("Apply for the residence permit by 2026-04-01")
    sources = messages[1].content
    assert "**Administrative Regulations on Entry and Exit of Foreigners, Art. 15**" in sources
    assert "> Foreigners holding work-type visas shall apply" in sources
    assert "2026-03-02 + 30 days = 2026-04-01" in messages[2].content
    assert "[Add 2026-04-01 to your calendar (.ics)](/calendar/deadline.ics?day=2026-04-01&region=CN)" in \
        messages[0].content


def test_a_chinese_answer_gets_chinese_titles_and_its_notices():
    answer = z_visa_answer().model_copy(update={"lang": "zh", "notices": ["语言模型暂时无法连接"]})
    messages = web.answer_messages(answer)
    assert [m.metadata.get("title") for m in messages] == [None, "来源", "日期计算过程：2026-04-01"]
    assert messages[0].content.endswith("*语言模型暂时无法连接*")


def test_a_deadline_on_a_holiday_shows_the_act_by_day_and_the_warning():
    deadline = Deadline(
        date=dt.date(2027, 10, 3), weekday="Sunday", is_working_day=False, holiday="National Day",
        act_by=dt.date(2027, 9, 30), steps=["2027-09-03 + 30 days = 2027-10-03"], provisional=True,
        provisional_reason="the 2027 holiday schedule is not published yet",
    )
    text = web.format_deadline(deadline)
    assert "Result: 2027-10-03 (Sunday), not a working day — National Day" in text
    assert "**Act by (last working day on or before): 2027-09-30 (Thursday)**" in text
    assert "⚠️ Provisional: the 2027 holiday schedule is not published yet" in text
    assert "最晚办理的工作日：2027-09-30" in web.format_deadline(deadline, "zh")


def test_history_for_the_engine_leaves_out_the_collapsible_blocks():
    history = [
        {"role": "user", "content": [{"type": "text", "text": "I hold a Z visa."}]},
        {"role": "assistant", "content": "Noted.\n\n[Add 2026-04-01 to your calendar (.ics)](/calendar/deadline.ics?day=2026-04-01)",
         "metadata": None},
        {"role": "assistant", "content": "**Law, Art. 3**", "metadata": {"title": "Sources"}},
        {"role": "assistant", "content": "", "metadata": {}},
    ]
    assert web.engine_history(history) == [
        {"role": "user", "content": "I hold a Z visa."},
        {"role": "assistant", "content": "Noted."},
    ]


def test_the_chat_streams_growing_text_then_the_final_messages():
    chat = web.respond(ScriptedEngine(z_visa_answer()), clock=lambda: dt.date(2026, 11, 22))
    updates = list(chat("When?", []))
    streamed = [u[0].content for u in updates[:-1]]
    assert len(streamed) > 3 and all(a in b for a, b in zip(streamed, streamed[1:]))  # each extends the last
    assert len(updates[-1]) == 3


@pytest.mark.parametrize(
    ("error", "question", "says"),
    [
        (IndexNotReady("no index at .regchat/chroma"), "When?", "regulation index has not been built"),
        (IndexNotReady("no index at .regchat/chroma"), "什么时候？", "法规索引还没有建立"),
        (RuntimeError("boom at line 42"), "When?", "Sorry, something went wrong while answering"),
    ],
)
def test_any_error_becomes_a_friendly_message(error, question, says):
    chat = web.respond(ScriptedEngine(error), clock=lambda: dt.date(2026, 11, 22))
    [[message]] = list(chat(question, []))
    assert says in message.content
    assert "boom" not in message.content and "Traceback" not in message.content


# --- the page in a real browser ------------------------------------------------------------


def _install_chromium() -> str | None:
    """Install Debian's chromium if it is missing; the reason it could not be, or None."""
    if CHROMIUM.exists():
        return None
    prefix = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if prefix and not shutil.which("sudo"):
        return "chromium is not installed and this user cannot install it (run: sudo apt-get install -y chromium)"
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        result = subprocess.run(prefix + command, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return f"installing chromium failed: {' '.join(command)}: {result.stderr.strip()[-300:]}"
    return None if CHROMIUM.exists() else "apt-get installed chromium but /usr/bin/chromium is missing"


@pytest.fixture(scope="module")
def browser(unavailable):
    reason = _install_chromium()
    if reason:
        unavailable(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS)
        yield browser
        browser.close()


def _ask(page, question: str) -> None:
    box = page.get_by_test_id("textbox")  # its placeholder goes once the chat has started
    box.fill(question)
    box.press("Enter")


def _answers(page):
    """The plain answer bubbles (not the collapsible blocks)."""
    return page.locator(".message:not(.thought) > [data-testid='bot']")


@pytest.mark.slow
def test_follow_up_questions_carry_the_conversation(browser, tmp_path):
    engine = ScriptedEngine(z_visa_answer())
    app = create_app(Settings(llm="offline", data_dir=tmp_path), engine, clock=lambda: dt.date(2026, 11, 22),
                     warm_up=False)
    with live_server(app) as url:
        page = browser.new_page()
        page.goto(url)
        _ask(page, "I hold a Z visa and entered on 2 March 2026.")
        page.locator(".thought-group", has_text="Sources").first.wait_for(timeout=30_000)
        _ask(page, "By when must I apply?")
        page.locator(".thought-group", has_text="Sources").nth(1).wait_for(timeout=30_000)
        page.close()
    assert engine.calls[1]["question"] == "By when must I apply?"
    assert engine.calls[1]["history"] == [
        {"role": "user", "content": "I hold a Z visa and entered on 2 March 2026."},
        {"role": "assistant", "content": z_visa_answer().text},
    ]
    assert engine.calls[1]["today"] == dt.date(2026, 11, 22)


@pytest.mark.slow
def test_without_an_index_the_chat_says_how_to_build_one(browser, tmp_path):
    settings = Settings(llm="offline", data_dir=tmp_path)

    def missing(settings):
        raise IndexNotReady(f"no index at {settings.chroma_path}")

    with live_server(create_app(settings, LazyEngine(settings, factory=missing), warm_up=False)) as url:
        page = browser.new_page()
        page.goto(url)
        _ask(page, "When must I apply for a residence permit?")
        reply = _answers(page).filter(has_text="regchat is not ready yet")
        reply.wait_for(timeout=30_000)
        assert "regchat ingest" in reply.inner_text()
        assert page.get_by_text("Traceback").count() == 0
        page.close()


@pytest.mark.slow
def test_a_deadline_question_in_the_browser_shows_the_date_and_its_sources(browser, shipped_settings):
    app = create_app(shipped_settings, clock=lambda: dt.date(2026, 11, 22))
    with live_server(app) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(url)
        page.get_by_text("我的居留证件2027年1月20日到期").first.wait_for()  # the Chinese example is offered
        _ask(page, Z_VISA_QUESTION)
        sources = page.locator(".thought-group", has_text="Sources").first
        sources.wait_for(timeout=120_000)
        answer = _answers(page).last
        assert "2026-04-01" in answer.inner_text()
        sources.locator(".title").click()  # it opens folded; unfold it
        quoted = sources.locator(".content")
        expect(quoted).to_contain_text("Exit and Entry Administration Law, Art. 30", timeout=10_000)
        expect(quoted.locator("blockquote").first).to_contain_text("30 days")
        expect(quoted.locator("blockquote").nth(1)).to_contain_text("三十日内")  # the official original under it
        page.wait_for_timeout(500)  # let the unfolding finish before the screenshot
        steps = page.locator(".thought-group", has_text="How this date was computed: 2026-04-01")
        assert steps.count() >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)
        page.close()


@pytest.mark.slow
def test_with_chat_users_the_browser_logs_in_first(browser, tmp_path):
    settings = Settings(llm="offline", data_dir=tmp_path, ui_users="alice:s3cret")
    app = create_app(settings, ScriptedEngine(z_visa_answer()), clock=lambda: dt.date(2026, 11, 22), warm_up=False)
    with live_server(app) as url:
        page = browser.new_page()
        page.goto(url)
        assert "/login" in page.url
        page.fill("#username", "alice")
        page.fill("#password", "wrong")
        page.click("button[type=submit]")
        expect(page.get_by_text("Wrong user name or password")).to_be_visible()
        page.fill("#username", "alice")
        page.fill("#password", "s3cret")
        page.click("button[type=submit]")
        page.get_by_test_id("textbox").wait_for(timeout=30_000)
        _ask(page, Z_VISA_QUESTION)
        expect(_answers(page).last).to_contain_text("2026-04-01", timeout=30_000)
        page.close()


@pytest.mark.slow
def test_a_reader_rates_an_answer_comments_and_gets_the_deadline_as_a_calendar_file(browser, shipped_settings):
    import icalendar

    app = create_app(shipped_settings, clock=lambda: dt.date(2026, 3, 5))
    store = app.state.feedback
    with live_server(app) as url:
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.goto(url)
        _ask(page, Z_VISA_QUESTION)
        page.locator(".thought-group", has_text="Sources").first.wait_for(timeout=120_000)
        link = page.get_by_role("link", name="Add 2026-04-01 to your calendar (.ics)")
        expect(link).to_be_visible()
        href = link.get_attribute("href")
        assert href == "/calendar/deadline.ics?rule=law-30-residence-permit&date=2026-03-02"
        calendar_file = page.request.get(url + href)
        assert calendar_file.ok and calendar_file.headers["content-type"].startswith("text/calendar")
        [event] = icalendar.Calendar.from_ical(calendar_file.body()).walk("VEVENT")
        assert event.decoded("dtstart") == dt.date(2026, 4, 1)

        page.get_by_label("Dislike").last.click()  # the thumbs-down under the answer
        expect(page.locator("#feedback-note")).to_contain_text("What was wrong or missing?", timeout=10_000)
        [rated] = store.list()
        assert rated.rating == "down" and rated.channel == "web" and rated.answer.question == Z_VISA_QUESTION
        assert rated.answer.answer.deadlines[0].date == dt.date(2026, 4, 1)
        assert rated.answer.index_version and rated.answer.index_version.startswith(shipped_settings.collection)
        comment = page.locator("#feedback-comment textarea")
        comment.fill("Please also say which office takes the application.")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chat-support.png"), full_page=True)
        page.locator("#feedback-send").click()
        expect(page.locator("#feedback-note")).to_contain_text("your comment is saved", timeout=10_000)
        assert store.get(rated.id).comment == "Please also say which office takes the application."

        page.get_by_label("Like").last.click()  # changing one's mind replaces the rating
        expect(page.locator("#feedback-note")).to_contain_text("Anything to add?", timeout=10_000)
        [changed] = store.list()
        assert changed.id == rated.id and changed.rating == "up"
        page.close()


def test_the_sources_block_labels_a_summary_in_its_own_language():
    from regchat.documents import Citation

    guide = Citation(doc_id="mo-non-resident-worker-card", section="Cancellation", label="Guide, Cancellation",
                     quote="Same as Point 1.", summary="适用对象4. 注销：同第1点。")
    law = Citation(doc_id="cn-exit-entry-law", article=78, label="Law, Art. 78", quote="……",
                   summary="A foreigner who overstays is warned or fined.")
    assert "中文摘要（不是译文，以英文原文为准）：适用对象4." in web.format_sources([guide])
    assert "In short (a summary, not a translation; the Chinese text governs): A foreigner" in web.format_sources([law])
