"""Notebook 12's package: follow-ups chosen from a design's gaps, the fallback check, the enterprise-search
checks, the phase timer and its records."""
from __future__ import annotations

import json

import pytest

from aisd.toolkit.design import Design, complete_design
from aisd.interview import enterprise, followups, gaps, problems, scorecard, timer
from aisd.toolkit.requirements import DEFAULTS

CHAT = [("u", "api", "question"), ("api", "llm", "prompt"), ("llm", "api", "answer"), ("api", "u", "answer")]


def bare() -> Design:
    """A chat design with storage and monitoring but no cache, no fallback and no evaluation."""
    return Design(nodes={"u": ("client", "user (app)"), "api": ("service", "chat API"), "llm": ("llm", "LLM"),
                         "logs": ("storage", "conversation logs"), "mon": ("monitoring", "metrics: latency, errors")},
                  edges=CHAT + [("api", "logs"), ("api", "mon")])


def test_no_cache_no_fallback_no_evaluation_gets_the_three_matching_follow_ups():
    req = DEFAULTS.replace(daily_active_users=10_000, requests_per_user=2, peak_factor=3, monthly_budget_usd=1_000)
    asked = followups.choose(bare(), req)
    assert [f.gap for f in asked] == ["cache", "fallback", "evaluation"]
    assert not any(f.hard for f in asked)
    cache, fallback, evaluation = (f.question for f in asked)
    assert "10x" in cache and "200,000 requests a day" in cache and "$1,000" in cache   # the candidate's numbers
    assert "down for an hour" in fallback and "2,500 requests" in fallback            # 20,000/86,400 x 3 x 3,600
    assert evaluation.startswith("How do you know it works?")


def test_each_gap_alone_gets_its_own_follow_up_first():
    d = bare()
    with_cache = d.copy().add("c", "cache", "answer cache").connect("api", "c").connect("c", "api")
    assert [f.gap for f in followups.choose(with_cache, DEFAULTS)][:2] == ["fallback", "evaluation"]
    with_fallback = d.copy().add("b", "llm", "second provider").connect("api", "b").connect("b", "api")
    assert [f.gap for f in followups.choose(with_fallback, DEFAULTS)][:2] == ["cache", "evaluation"]
    no_monitoring = Design(nodes={"u": "client", "api": "service", "llm": "llm"}, edges=CHAT)
    assert followups.choose(no_monitoring, DEFAULTS, k=4)[3].gap == "monitoring"


def test_a_complete_design_gets_harder_questions():
    d = enterprise.search_design()
    assert gaps.gaps(d) == []
    asked = followups.choose(d, enterprise.search_requirements(), "enterprise_search")
    assert all(f.hard for f in asked) and len(asked) == 3
    assert [f.gap for f in asked] == [h[0] for h in problems.problem("enterprise_search").hard]
    generic = followups.choose(d, DEFAULTS)               # no problem named: the generic hard one
    assert [f.gap for f in generic] == ["scale_100x"]


def test_one_gap_is_asked_first_then_hard_questions_fill_up():
    d = enterprise.search_design()
    d.nodes.pop("cache")
    d.edges = [e for e in d.edges if "cache" not in e[:2]]
    asked = followups.choose(d, enterprise.search_requirements(), "enterprise_search")
    assert [f.gap for f in asked] == ["cache", "cache_leak", "revocation"]


def test_phrasing_without_a_model_is_the_rules_text(monkeypatch):
    monkeypatch.delenv("AISD_LLM_BASE_URL", raising=False)
    f = followups.choose(bare(), DEFAULTS)[0]
    assert followups.phrase(f) == (f.question, "rules")


def test_phrasing_with_an_unreachable_provider_falls_back_to_the_rules(monkeypatch):
    """A provider that cannot be reached never changes which question is asked, nor breaks the notebook."""
    monkeypatch.setenv("AISD_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("AISD_LLM_API_KEY", "none")
    f = followups.choose(bare(), DEFAULTS)[1]
    assert followups.phrase(f, "enterprise_search") == (f.question, "rules")


def test_a_rewording_must_still_be_the_question():
    q = "Your LLM provider is down for an hour at the busiest time: about 12,000 requests. What do users see?"
    assert followups.keeps_numbers(q, "Say the provider is gone for an hour at peak, around 12,000 requests: what then?")
    assert not followups.keeps_numbers(q, "The provider is down for an hour. What do users see?")          # lost a number
    assert not followups.keeps_numbers(q, "About 12,000 requests fail, so we " + "measure it " * 40 + ".")  # an answer


@pytest.mark.parametrize("case, expected", [
    ("single", False), ("parallel", True), ("chain", False), ("dead_end", False), ("none", True)])
def test_has_fallback(case, expected):
    nodes = {"u": "client", "api": "service", "a": "llm", "b": "llm"}
    edges = {"single": CHAT[:0] + [("u", "api"), ("api", "a"), ("a", "api"), ("api", "u")],
             "parallel": [("u", "api"), ("api", "a"), ("a", "api"), ("api", "b"), ("b", "api"), ("api", "u")],
             "chain": [("u", "api"), ("api", "a"), ("a", "b"), ("b", "api"), ("api", "u")],
             "dead_end": [("u", "api"), ("api", "a"), ("a", "api"), ("api", "b"), ("api", "u")],
             "none": [("u", "api"), ("api", "u")]}[case]
    if case == "single":
        nodes.pop("b")
    assert gaps.has_fallback(Design(nodes=nodes, edges=edges)) is expected


def test_permission_checks_tell_pre_filter_from_post_filter():
    good = enterprise.search_design()
    assert enterprise.permission_problems(good) == []
    post = good.copy()
    post.edges = [e for e in post.edges if e[:2] not in {("embedder", "gate"), ("gate", "index")}]
    post.connect("embedder", "index", "vector").connect("index", "gate", "top-k").connect("gate", "api", "permitted")
    assert "without passing the permission check" in enterprise.permission_problems(post)[0]
    draft = complete_design(problems.problem("enterprise_search").first_draft)
    assert enterprise.permission_problems(draft)[0].startswith("no permission check")
    assert enterprise.source_problems(draft)


def test_scorecard_of_the_first_draft_names_what_is_missing():
    card = scorecard.scorecard(enterprise.search_requirements(), problems.problem("enterprise_search").first_draft,
                               "enterprise_search")
    failed = set(card.loc[~card["ok"], "criterion"])
    assert {"fallback", "cache", "monitoring", "evaluation and feedback loop", "permissions before ranking",
            "a connector per source"} <= failed
    assert "requirements match the interviewer" not in failed


def test_requirements_left_at_the_defaults_are_named():
    problems_ = enterprise.requirement_problems(DEFAULTS)
    assert any(p.startswith("peak_factor") for p in problems_) and any("allowed to see" in p for p in problems_)
    assert enterprise.requirement_problems("8000 users")[0].startswith("write the requirements as")
    rows = scorecard.number_problems(DEFAULTS)
    assert all(rows.values())


def test_every_problem_has_a_drawable_first_draft_and_hard_questions():
    from aisd.toolkit.design import mermaid, structure_problems

    for p in problems.PROBLEMS:
        assert structure_problems(p.first_draft) == [], p.key
        assert mermaid(p.first_draft).startswith("flowchart")
        assert len(p.hard) == 3 and p.requirements().prompt == p.prompt


def test_the_timer_records_each_finished_phase(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    ticks = iter([0.0, 250.0, 250.0, 900.0])
    t = timer.InterviewTimer("multi_agent", clock=lambda: next(ticks))
    t.start("clarify")
    assert t.end() == 250.0
    t.start("high_level")
    t.end()
    lines = [json.loads(x) for x in timer.record_path().read_text().splitlines()]
    assert [(r["phase"], r["seconds"], r["problem"]) for r in lines] == [("clarify", 250.0, "multi_agent"),
                                                                        ("high_level", 650.0, "multi_agent")]
    table = t.table()
    assert table["over"].tolist() == [False, True]            # 4.2 of 5 min; 10.8 of 10 min
    history = timer.history()
    assert history["minutes"].round(2).tolist() == [4.17, 10.83]


def test_the_timer_refuses_what_makes_no_sense(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    t = timer.InterviewTimer("multi_agent", record=False)
    with pytest.raises(RuntimeError, match="no phase is running"):
        t.end()
    with pytest.raises(KeyError, match="no phase 'coding'"):
        t.start("coding")
    timer.record_path().parent.mkdir(parents=True)
    timer.record_path().write_text('{"at": "x", "problem": "p", "phase": "clarify", "seconds": 60}\nnot json\n')
    assert len(timer.history()) == 1                            # a broken line is skipped, not fatal


def test_starting_a_phase_ends_the_running_one(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    ticks = iter([0.0, 60.0, 60.0])
    t = timer.InterviewTimer("text_to_sql", clock=lambda: next(ticks), record=False)
    t.start("clarify")
    t.start("high_level")
    assert t.done == [("clarify", 60.0)] and t.current == "high_level"


def test_the_widget_buttons_drive_the_timer(tmp_path, monkeypatch):
    """The buttons call the same start/end: clicking a phase, then End phase, records that phase."""
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    t = timer.InterviewTimer("enterprise_search")
    box = t.widget()
    phase_buttons, (end_button, label) = box.children[0].children, box.children[1].children
    phase_buttons[1].click()
    assert t.current == "high_level" and label.value.startswith("High-level design: 00:0")
    end_button.click()
    assert t.current is None and label.value.startswith("recorded High-level design")
    assert json.loads(timer.record_path().read_text())["phase"] == "high_level"
    t._ticker.set()


def test_the_time_plot_shows_the_recorded_means(tmp_path, monkeypatch):
    monkeypatch.setenv("AISD_HOME", str(tmp_path))
    ticks = iter([0.0, 420.0])
    t = timer.InterviewTimer("text_to_sql", clock=lambda: next(ticks))
    t.start("clarify")
    t.end()
    fig = timer.plot()
    dots = fig.axes[0].collections[0].get_offsets()
    assert (float(dots[0][0]), float(dots[0][1])) == (7.0, 0.0)       # clarify (the first row) at 7 minutes
