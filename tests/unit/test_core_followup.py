"""Follow-up plan: which steps apply to an incident, their deadlines and their status."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from veiligbalie.core.followup import (
    DEFAULT_RULES,
    DIRECT_CHANNELS,
    DUE_SOON,
    TASK_NAMESPACE,
    FollowUpRule,
    FollowUpTask,
    applicable_steps,
    complete,
    default_plan,
    is_overdue,
    plan_event_id,
    status,
    task_id_for,
)
from veiligbalie.core.followup import (
    FollowUpReason as Reason,
)
from veiligbalie.core.incident import Incident
from veiligbalie.core.vocabulary import Category, Channel, FollowUpKind
from veiligbalie.core.workdays import (
    AMSTERDAM,
    add_working_days,
    end_of_day,
    local_date,
    next_working_day,
    start_of_day,
)

K = FollowUpKind
#: Friday 27 November 2026, 15:30 in Amsterdam.
FRIDAY = datetime(2026, 11, 27, 15, 30, tzinfo=AMSTERDAM)


def incident(**changes: object) -> Incident:
    base = Incident(
        description="Bezoeker schreeuwde tegen de medewerker",
        categories=frozenset({Category.VERBAL_AGGRESSION}),
        occurred_at=FRIDAY,
        location="Balie 3",
        reporter="m.jansen",
        channel=Channel.ONLINE,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def plan_by_kind(inc: Incident, **kwargs: object) -> dict[FollowUpKind, FollowUpTask]:
    tasks = default_plan(inc, **kwargs)  # type: ignore[arg-type]
    by_kind = {t.kind: t for t in tasks}
    assert len(by_kind) == len(tasks), "one task per kind"
    return by_kind


# --- Which steps apply --------------------------------------------------------------------


def test_minimal_incident_gets_only_the_evaluation() -> None:
    assert applicable_steps(incident()) == {K.EVALUATION: Reason.ALWAYS}


def test_evaluation_always_applies() -> None:
    for inc in (incident(), incident(categories=frozenset({Category.PHYSICAL_VIOLENCE}))):
        assert applicable_steps(inc)[K.EVALUATION] is Reason.ALWAYS


@pytest.mark.parametrize(
    ("category", "reason"),
    [(Category.PHYSICAL_VIOLENCE, Reason.PHYSICAL_VIOLENCE), (Category.THREAT, Reason.THREAT)],
)
def test_physical_violence_and_threat_suggest_police_report_and_aftercare(
    category: Category, reason: Reason
) -> None:
    steps = applicable_steps(incident(categories=frozenset({category})))
    assert steps[K.POLICE_REPORT] is reason
    assert steps[K.AFTERCARE_TALK] is reason
    assert steps[K.AFTERCARE_FOLLOW_UP_2W] is reason
    assert steps[K.AFTERCARE_FOLLOW_UP_6W] is reason


def test_police_report_when_intended() -> None:
    steps = applicable_steps(incident(police_report_intended=True))
    assert steps[K.POLICE_REPORT] is Reason.REPORT_INTENDED


def test_police_report_after_an_arrest() -> None:
    assert applicable_steps(incident(arrest=True))[K.POLICE_REPORT] is Reason.ARREST


@pytest.mark.parametrize(
    "category", [c for c in Category if c not in ("physical_violence", "threat")]
)
def test_no_police_report_for_other_categories_unless_intended(category: Category) -> None:
    assert K.POLICE_REPORT not in applicable_steps(incident(categories=frozenset({category})))


def test_physical_violence_is_the_reason_given_first() -> None:
    cats = frozenset({Category.THREAT, Category.PHYSICAL_VIOLENCE})
    steps = applicable_steps(incident(categories=cats, police_report_intended=True))
    assert steps[K.POLICE_REPORT] is Reason.PHYSICAL_VIOLENCE


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aftercare_wanted": True}, Reason.AFTERCARE_WANTED),
        ({"injury": True}, Reason.INJURY),
    ],
)
def test_aftercare_when_wanted_or_injured(changes: dict[str, object], reason: Reason) -> None:
    steps = applicable_steps(incident(**changes))
    for kind in (K.AFTERCARE_TALK, K.AFTERCARE_FOLLOW_UP_2W, K.AFTERCARE_FOLLOW_UP_6W):
        assert steps[kind] is reason


def test_no_aftercare_for_plain_verbal_aggression_unless_wanted() -> None:
    steps = applicable_steps(incident(channel=Channel.COUNTER))
    assert K.AFTERCARE_TALK not in steps
    assert K.AFTERCARE_FOLLOW_UP_2W not in steps


def test_perpetrator_response_when_perpetrator_known() -> None:
    steps = applicable_steps(incident(perpetrator_known=True, perpetrator_reference="K-1"))
    assert steps[K.PERPETRATOR_RESPONSE] is Reason.PERPETRATOR_KNOWN


@pytest.mark.parametrize("channel", list(Channel))
def test_perpetrator_response_by_channel(channel: Channel) -> None:
    steps = applicable_steps(incident(channel=channel))
    if channel in (Channel.COUNTER, Channel.PHONE, Channel.EMAIL_LETTER, Channel.HOME_VISIT):
        assert steps[K.PERPETRATOR_RESPONSE] is Reason.DIRECT_CONTACT
    else:
        assert K.PERPETRATOR_RESPONSE not in steps
    assert (channel in DIRECT_CHANNELS) == (K.PERPETRATOR_RESPONSE in steps)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"damage": True}, Reason.DAMAGE),
        ({"categories": frozenset({Category.PROPERTY_DAMAGE})}, Reason.DAMAGE),
        ({"injury": True}, Reason.INJURY),
        ({"absence": True}, Reason.ABSENCE),
    ],
)
def test_damage_recovery(changes: dict[str, object], reason: Reason) -> None:
    assert applicable_steps(incident(**changes))[K.DAMAGE_RECOVERY] is reason


def test_no_damage_recovery_without_damage_injury_or_absence() -> None:
    assert K.DAMAGE_RECOVERY not in applicable_steps(incident(aftercare_wanted=True))


def test_everything_applies_to_a_serious_counter_incident() -> None:
    inc = incident(
        categories=frozenset({Category.PHYSICAL_VIOLENCE}),
        channel=Channel.COUNTER,
        injury=True,
        damage=True,
    )
    assert set(plan_by_kind(inc)) == set(FollowUpKind)


# --- Deadlines ----------------------------------------------------------------------------


def serious(**changes: object) -> Incident:
    return incident(
        categories=frozenset({Category.PHYSICAL_VIOLENCE}),
        channel=Channel.COUNTER,
        damage=True,
        **changes,
    )


def test_deadlines_of_every_step_from_a_friday_afternoon() -> None:
    plan = plan_by_kind(serious())
    assert plan[K.PERPETRATOR_RESPONSE].due == FRIDAY + timedelta(hours=24)
    assert plan[K.POLICE_REPORT].due == end_of_day(date(2026, 12, 1))  # Tuesday
    assert plan[K.AFTERCARE_TALK].due == FRIDAY + timedelta(hours=72)  # Monday 15:30
    # About two weeks: window from day 12 to day 16 (Sunday 13 Dec -> Monday 14 Dec).
    assert plan[K.AFTERCARE_FOLLOW_UP_2W].due_from == datetime(2026, 12, 9, tzinfo=AMSTERDAM)
    assert plan[K.AFTERCARE_FOLLOW_UP_2W].due == end_of_day(date(2026, 12, 14))
    # Six to eight weeks: window from 8 January to 22 January 2027 (a Friday).
    assert plan[K.AFTERCARE_FOLLOW_UP_6W].due_from == datetime(2027, 1, 8, tzinfo=AMSTERDAM)
    assert plan[K.AFTERCARE_FOLLOW_UP_6W].due == end_of_day(date(2027, 1, 22))
    # Ten working days: 30 Nov .. 11 Dec.
    assert plan[K.DAMAGE_RECOVERY].due == end_of_day(date(2026, 12, 11))
    # Four weeks: Friday 25 December is Christmas, Boxing Day and the weekend follow.
    assert plan[K.EVALUATION].due == end_of_day(date(2026, 12, 28))


def test_only_windowed_steps_have_a_window_start() -> None:
    for task in default_plan(serious()):
        windowed = task.kind in (K.AFTERCARE_FOLLOW_UP_2W, K.AFTERCARE_FOLLOW_UP_6W)
        assert (task.due_from is not None) == windowed
        if task.due_from is not None:
            assert task.due_from < task.due


def test_every_deadline_is_aware_amsterdam_time_and_after_the_incident() -> None:
    for task in default_plan(serious()):
        assert task.due.tzinfo is AMSTERDAM
        assert task.due > FRIDAY
        assert not task.done


def test_plan_carries_the_incident_id_and_is_sorted_by_deadline() -> None:
    inc = serious()
    tasks = default_plan(inc)
    assert all(t.incident_id == inc.id for t in tasks)
    assert [t.due for t in tasks] == sorted(t.due for t in tasks)
    assert tasks[0].kind is K.PERPETRATOR_RESPONSE
    assert tasks[-1].kind is K.AFTERCARE_FOLLOW_UP_6W


def test_hour_deadlines_are_real_elapsed_time_across_the_dst_change() -> None:
    # Clocks go back on Sunday 25 October 2026 at 03:00: 24 real hours later the wall
    # clock reads one hour less.
    inc = incident(
        channel=Channel.COUNTER, occurred_at=datetime(2026, 10, 24, 15, 0, tzinfo=AMSTERDAM)
    )
    due = plan_by_kind(inc)[K.PERPETRATOR_RESPONSE].due
    assert due.astimezone(UTC) - inc.occurred_at.astimezone(UTC) == timedelta(hours=24)
    assert due.replace(tzinfo=None) == datetime(2026, 10, 25, 14, 0)


def test_police_report_deadline_skips_easter() -> None:
    inc = serious(occurred_at=datetime(2026, 4, 2, 16, 0, tzinfo=AMSTERDAM))  # Thursday
    assert plan_by_kind(inc)[K.POLICE_REPORT].due == end_of_day(date(2026, 4, 8))


def test_police_report_deadline_respects_organisation_closing_days() -> None:
    closed = [date(2026, 11, 30)]
    due = plan_by_kind(serious(), extra_closed=closed)[K.POLICE_REPORT].due
    assert due == end_of_day(date(2026, 12, 2))


def test_deadlines_run_from_an_incident_given_in_utc() -> None:
    inc = serious(occurred_at=datetime(2026, 11, 27, 14, 30, tzinfo=UTC))
    assert plan_by_kind(inc)[K.POLICE_REPORT].due == end_of_day(date(2026, 12, 1))


def test_organisation_rules_override_the_defaults() -> None:
    rules = {K.EVALUATION: FollowUpRule(K.EVALUATION, calendar_days=14)}
    plan = plan_by_kind(serious(), rules=rules)
    assert plan[K.EVALUATION].due == end_of_day(date(2026, 12, 11))
    assert plan[K.POLICE_REPORT].due == end_of_day(date(2026, 12, 1))  # untouched
    assert DEFAULT_RULES[K.EVALUATION].calendar_days == 28


def test_a_rule_under_the_wrong_kind_is_refused() -> None:
    rules = {K.EVALUATION: FollowUpRule(K.POLICE_REPORT, working_days=2)}
    with pytest.raises(ValueError, match="declared for"):
        default_plan(serious(), rules=rules)


def test_naive_incident_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        default_plan(incident(occurred_at=datetime(2026, 11, 27, 15, 30)))


def test_default_rules_cover_every_kind() -> None:
    assert set(DEFAULT_RULES) == set(FollowUpKind)
    assert all(rule.kind is kind for kind, rule in DEFAULT_RULES.items())
    assert DEFAULT_RULES[K.PERPETRATOR_RESPONSE].within == timedelta(hours=24)
    assert DEFAULT_RULES[K.POLICE_REPORT].working_days == 2
    assert DEFAULT_RULES[K.AFTERCARE_TALK].within == timedelta(hours=72)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, ValueError),
        ({"within": timedelta(hours=1), "working_days": 1}, ValueError),
        ({"within": timedelta(0)}, ValueError),
        ({"working_days": -1}, ValueError),
        ({"working_days": 1.5}, TypeError),
        ({"calendar_days": True}, TypeError),
        ({"working_days": 2, "window_from_days": 1}, ValueError),
        ({"calendar_days": 5, "window_from_days": 6}, ValueError),
    ],
)
def test_inconsistent_rules_are_refused(kwargs: dict[str, object], error: type) -> None:
    with pytest.raises(error):
        FollowUpRule(K.EVALUATION, **kwargs)  # type: ignore[arg-type]


def test_calendar_day_rule_ending_on_a_working_day_is_not_moved() -> None:
    rule = FollowUpRule(K.EVALUATION, calendar_days=3)  # Friday + 3 = Monday
    assert rule.schedule(FRIDAY) == (None, end_of_day(date(2026, 11, 30)))


# --- Status -------------------------------------------------------------------------------


def task(due: datetime, due_from: datetime | None = None) -> FollowUpTask:
    return FollowUpTask(K.POLICE_REPORT, due, Reason.THREAT, due_from)


DUE = datetime(2026, 12, 1, 23, 59, 59, 999999, tzinfo=AMSTERDAM)


def test_status_open_due_soon_overdue_done() -> None:
    t = task(DUE)
    assert status(t, DUE - timedelta(days=3)) == "open"
    assert status(t, DUE - DUE_SOON - timedelta(seconds=1)) == "open"
    assert status(t, DUE - DUE_SOON) == "due_soon"
    assert status(t, DUE) == "due_soon"
    assert status(t, DUE + timedelta(microseconds=1)) == "overdue"
    done = complete(t, DUE + timedelta(days=5))
    assert status(done, DUE + timedelta(days=6)) == "done"
    assert done.done and not t.done


def test_due_soon_threshold_is_a_parameter() -> None:
    assert status(task(DUE), DUE - timedelta(hours=30), soon=timedelta(hours=48)) == "due_soon"


def test_windowed_task_is_due_soon_once_its_window_opens() -> None:
    opens = DUE - timedelta(days=4)
    t = task(DUE, opens)
    assert status(t, opens - timedelta(seconds=1)) == "open"
    assert status(t, opens) == "due_soon"


def test_is_overdue() -> None:
    t = task(DUE)
    assert not is_overdue(t, DUE)
    assert is_overdue(t, DUE + timedelta(seconds=1))
    assert not is_overdue(complete(t, DUE + timedelta(days=1)), DUE + timedelta(days=2))


def test_status_compares_instants_not_wall_clocks() -> None:
    t = task(DUE)  # 23:59:59.999999 +01:00 == 22:59:59.999999 UTC
    assert status(t, datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == "overdue"


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        status(task(DUE), datetime(2026, 12, 1, 12, 0))
    with pytest.raises(ValueError, match="time zone"):
        is_overdue(task(DUE), datetime(2026, 12, 1, 12, 0))
    with pytest.raises(ValueError, match="time zone"):
        complete(task(DUE), datetime(2026, 12, 1, 12, 0))


def test_task_and_plan_ids_are_uuid5_of_the_task_namespace() -> None:
    """The fast derivation gives exactly uuid.uuid5's ids (stations and servers of other
    versions derive them with uuid.uuid5), also from the id's text."""
    for _ in range(50):
        incident_id = uuid.uuid4()
        for kind in FollowUpKind:
            name = f"{incident_id}/{kind.value}"
            expected_task = uuid.uuid5(TASK_NAMESPACE, name)
            expected_event = uuid.uuid5(TASK_NAMESPACE, f"{name}/planned")
            assert task_id_for(incident_id, kind) == expected_task
            assert task_id_for(str(incident_id), kind) == expected_task
            assert plan_event_id(incident_id, kind) == expected_event
            assert task_id_for(incident_id, kind).version == 5
            made = plan_event_id(str(incident_id), kind.value)
            assert made == expected_event and hash(made) == hash(expected_event)
            assert str(made) == str(expected_event) and made.is_safe == expected_event.is_safe
            assert {made: 1}[expected_event] == 1 and made.hex == expected_event.hex
    with pytest.raises(ValueError):
        task_id_for(uuid.uuid4(), "no_such_kind")  # type: ignore[arg-type]


def _schedule_counted_each_time(
    rule: FollowUpRule, occurred_at: datetime, closed: frozenset[date]
) -> tuple[datetime | None, datetime]:
    """FollowUpRule.schedule as it was before the day-based deadlines were remembered."""
    due_from = None
    if rule.window_from_days is not None:
        due_from = start_of_day(local_date(occurred_at) + timedelta(days=rule.window_from_days))
    if rule.within is not None:
        due = (occurred_at.astimezone(UTC) + rule.within).astimezone(AMSTERDAM)
    elif rule.working_days is not None:
        due = add_working_days(occurred_at, rule.working_days, closed)
    else:
        last = local_date(occurred_at) + timedelta(days=rule.calendar_days or 0)
        due = end_of_day(next_working_day(last, closed))
    return due_from, due


def test_remembered_deadlines_are_the_ones_counted_each_time() -> None:
    """Day-based deadlines are remembered per (rule, local day, closing days): for incidents
    at every hour of 15 months (DST changes, holidays, an organisation's closing days, late
    evening UTC being the next local day) they equal the deadline counted afresh, in
    schedule() and in default_plan()."""
    closed_sets = [frozenset(), frozenset({date(2026, 5, 15), date(2026, 12, 24)})]
    rules = list(DEFAULT_RULES.values())
    moment = datetime(2026, 1, 1, 0, 17, tzinfo=UTC)
    checked = 0
    while moment < datetime(2027, 4, 1, tzinfo=UTC):
        for closed in closed_sets:
            for rule in rules:
                expected = _schedule_counted_each_time(rule, moment, closed)
                got = rule.schedule(moment, closed)
                assert got == expected and [str(x) for x in got] == [str(x) for x in expected]
                checked += 1
            incident = Incident(
                description="x",
                categories=frozenset({Category.PHYSICAL_VIOLENCE, Category.PROPERTY_DAMAGE}),
                occurred_at=moment,
                location="Balie",
                reporter="Jan",
                aftercare_wanted=True,
                perpetrator_known=True,
            )
            plan = default_plan(incident, closed)
            by_kind = {t.kind: (t.due_from, t.due) for t in plan}
            assert by_kind == {
                k: _schedule_counted_each_time(DEFAULT_RULES[k], moment, closed) for k in by_kind
            }
            assert len(by_kind) == 7
        moment += timedelta(hours=5, minutes=13)
    assert checked > 25_000
