"""The date tools as a chat model sees them: JSON results, clear errors, never an exception."""

import datetime as dt
import json

import pytest
from langchain.agents import create_agent
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatResult

from regchat.deadlines import make_tools, parse_date
from regchat.documents import Deadline
from regchat.errors import DeadlineError


@pytest.fixture(scope="module")
def tools():
    return {tool.name: tool for tool in make_tools()}


def call(tools, name, **args):
    return tools[name].invoke(args)


def test_the_model_gets_the_seven_tools_with_descriptions_and_schemas(tools):
    assert set(tools) == {
        "compute_deadline", "add_days", "days_before", "add_working_days", "add_months", "is_working_day", "list_rules",
    }
    for tool in tools.values():
        assert len(tool.description) > 40
    assert set(tools["compute_deadline"].args) == {"rule_id", "event_date", "amount"}


def test_compute_deadline_returns_compact_json_with_the_citation(tools):
    data = json.loads(call(tools, "compute_deadline", rule_id="law-32-extend-residence", event_date="2026-12-15"))
    assert data["date"] == "2026-11-15" and data["weekday"] == "Sunday" and data["working_day"] is False
    assert data["act_by"] == "2026-11-13" and data["act_by_weekday"] == "Friday"
    assert data["cite"] == "Exit and Entry Administration Law, Art. 32"
    assert data["steps"] and "provisional" not in data


def test_a_tool_call_carries_the_deadline_as_its_artifact(tools):
    message = tools["compute_deadline"].invoke(
        {"type": "tool_call", "id": "1", "name": "compute_deadline",
         "args": {"rule_id": "reg-18-receipt", "event_date": "2026-09-28"}}
    )
    assert isinstance(message, ToolMessage) and isinstance(message.artifact, Deadline)
    assert message.artifact.date == dt.date(2026, 10, 23)


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("add_days", {"start_date": "2026-03-02", "days": 30}, "2026-04-01"),
        ("days_before", {"expiry_date": "2026-12-15", "days": 30}, "2026-11-15"),
        ("add_working_days", {"start_date": "2026-09-28", "working_days": 15}, "2026-10-23"),
        ("add_working_days", {"start_date": "2026-10-23", "working_days": 15, "direction": "before"}, "2026-09-28"),
        ("add_months", {"start_date": "2026-08-31", "months": 6}, "2027-02-28"),
        ("is_working_day", {"date": "2026-10-10"}, "2026-10-10"),
        ("is_working_day", {"date": "2026-10-10", "region": "MO"}, "2026-10-10"),
        ("add_days", {"start_date": "2026年3月2日", "days": 30}, "2026-04-01"),
    ],
)
def test_arithmetic_tools(tools, name, args, expected):
    assert json.loads(call(tools, name, **args))["date"] == expected


def test_is_working_day_differs_by_region(tools):
    assert json.loads(call(tools, "is_working_day", date="2026-10-10"))["working_day"] is True
    assert json.loads(call(tools, "is_working_day", date="2026-10-10", region="MO"))["working_day"] is False


def test_list_rules_gives_ids_citations_and_periods(tools):
    rows = json.loads(call(tools, "list_rules"))
    by_id = {row["id"]: row for row in rows}
    assert by_id["reg-18-receipt"]["period"] == "15 working days"
    assert by_id["law-30-residence-permit"]["cite"] == "Exit and Entry Administration Law, Art. 30"


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("compute_deadline", {"rule_id": "law-30-residence-permit", "event_date": "next Monday"}, "not a date: write it as YYYY-MM-DD"),
        ("compute_deadline", {"rule_id": "law-30-residence-permit", "event_date": "2026-02-30"}, "February 2026 has 28 days"),
        ("compute_deadline", {"rule_id": "law-99-nothing", "event_date": "2026-02-03"}, "Unknown rule 'law-99-nothing'"),
        ("compute_deadline", {"rule_id": "reg-36-stay-period", "event_date": "2026-03-01"}, "needs an amount"),
        ("compute_deadline", {"rule_id": "law-30-residence-permit"}, "event_date: Field required"),
        ("add_days", {"start_date": "2026-03-02", "days": -5}, "cannot be negative"),
        ("add_days", {"start_date": "2026-03-02", "days": 100000}, "at most 3660"),
        ("add_days", {"start_date": "2026-03-02", "days": "thirty"}, "days: Input should be a valid integer"),
        ("add_working_days", {"start_date": "2026-03-02", "working_days": 10**7}, "at most 1000"),
        ("add_months", {"start_date": "2026-13-01", "months": 1}, "there is no month 13"),
        ("is_working_day", {"date": "2026-10-10", "region": "HK"}, "Unknown region 'HK'"),
        ("add_days", {"start_date": "2150-01-01", "days": 1}, "outside the years"),
    ],
)
def test_bad_input_comes_back_as_an_error_the_model_can_act_on(tools, name, args, message):
    result = call(tools, name, **args)
    assert result.startswith("Error: ")
    assert message in result


def test_steps_in_chinese_and_schedule_files_from_the_settings_folder(tmp_path):
    (tmp_path / "cn-2027.json").write_text(
        json.dumps({"region": "CN", "year": 2027, "holidays": {"2027-02-26": "Spring Festival"}}), encoding="utf-8"
    )
    tools = {tool.name: tool for tool in make_tools(holidays_dir=tmp_path, lang="zh")}
    data = json.loads(tools["compute_deadline"].invoke(
        {"rule_id": "reg-16-health-certificate", "event_date": "2026-08-31"}
    ))
    assert data["date"] == "2027-02-28" and data["act_by"] == "2027-02-25"  # the file's holiday on 02-26
    assert "provisional" not in data
    assert any("个月" in step for step in data["steps"])


def test_parse_date_rejects_what_is_not_a_date():
    assert parse_date("2026/3/2") == dt.date(2026, 3, 2)
    with pytest.raises(DeadlineError, match="no month 0"):
        parse_date("2026-00-10")
    with pytest.raises(DeadlineError, match="not a date"):
        parse_date("03/02/2026")


# --- the tools in an agent loop -----------------------------------------------------


class ScriptedChatModel(GenericFakeChatModel):
    """Plays a scripted conversation; '{date}', '{act_by}', '{cite}' in a scripted reply are
    filled from the last tool result it has seen, the way a model copies a tool's answer."""

    def bind_tools(self, tools, **kwargs):
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        reply = result.generations[0].message
        if isinstance(reply.content, str) and "{" in reply.content:
            last = next(m for m in reversed(messages) if isinstance(m, ToolMessage))
            data = json.loads(last.content)
            reply.content = reply.content.format(**{k: data.get(k, "") for k in ("date", "act_by", "cite")})
        return result


def tool_call(call_id, **args):
    return AIMessage(content="", tool_calls=[{"name": "compute_deadline", "args": args, "id": call_id}])


def test_a_computed_date_reaches_the_final_answer_through_langchain():
    model = ScriptedChatModel(
        messages=iter([
            tool_call("c1", rule_id="law-32-extend-residence", event_date="2026-12-15"),
            AIMessage(content="File by {date}; as that is a Sunday, go on {act_by} ({cite})."),
        ])
    )
    agent = create_agent(model, make_tools())
    state = agent.invoke({"messages": [HumanMessage("我的居留许可12月15日到期，最晚哪天申请延期？")]})
    tool_messages = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert len(tool_messages) == 1 and tool_messages[0].artifact.act_by == dt.date(2026, 11, 13)
    final = state["messages"][-1]
    assert final.content == (
        "File by 2026-11-15; as that is a Sunday, go on 2026-11-13 (Exit and Entry Administration Law, Art. 32)."
    )


def test_a_bad_tool_call_does_not_break_the_loop_and_the_model_can_retry():
    model = ScriptedChatModel(
        messages=iter([
            tool_call("c1", rule_id="law-30-residence-permit", event_date="2026-02-30"),
            tool_call("c2", rule_id="law-30-residence-permit", event_date="2026-03-02"),
            AIMessage(content="Apply for the residence permit by {date} ({cite})."),
        ])
    )
    state = create_agent(model, make_tools()).invoke({"messages": [HumanMessage("I entered on March 2.")]})
    first, second = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert first.content.startswith("Error: '2026-02-30' is not a real date") and first.artifact is None
    assert second.artifact.date == dt.date(2026, 4, 1)
    assert state["messages"][-1].content == (
        "Apply for the residence permit by 2026-04-01 (Exit and Entry Administration Law, Art. 30)."
    )
