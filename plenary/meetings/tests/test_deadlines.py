"""Deadline rules (pure), the meeting's stored deadlines, and the meeting page's section."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from plenary.meetings import deadlines
from plenary.meetings.admin import DeadlinePolicyAdmin, DeadlinePolicyForm
from plenary.meetings.deadlines import (
    DEADLINE_KEYS,
    Deadline,
    InvalidPolicy,
    Policy,
    UnknownPolicy,
    compute_deadlines,
    get_policy,
    months_before,
)
from plenary.meetings.models import DeadlineOverride, DeadlinePolicy
from plenary.meetings.selectors import deadline_passed, meeting_deadlines, policy_named
from plenary.meetings.views.manage import deadlines_context

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")
SEED = dt.date(2020, 11, 19)
openings = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
zones = st.sampled_from(
    ["Europe/Zurich", "UTC", "America/Sao_Paulo", "Pacific/Apia", "Asia/Kolkata", "America/Havana"]
)


def _dates(start, **kwargs) -> dict[str, dt.date]:
    kwargs.setdefault("time_zone", "Europe/Zurich")
    return {key: d.date for key, d in compute_deadlines(start, **kwargs).items()}


def _itu_with(**changes) -> Policy:
    """The ITU-T rules with some rule fields or policy fields changed, as data."""
    data = {
        key: dict(rule)
        for key, rule in deadlines.BUILTIN_POLICY_DATA["itu-t"].items()
        if key in DEADLINE_KEYS
    }
    for key, value in changes.items():
        if key in DEADLINE_KEYS:
            data[key].update(value)
        else:
            data[key] = value
    return Policy.from_dict("test", data)


# The ITU-T policy, fixed cases


def test_it_gives_the_seed_letters_deadlines():
    assert _dates(SEED) == {
        "translation": dt.date(2020, 9, 19),
        "registration": dt.date(2020, 10, 19),
        "contributions": dt.date(2020, 11, 6),
        "td_posting": dt.date(2020, 11, 12),
    }


def test_it_returns_the_keys_in_their_documented_order():
    result = compute_deadlines(SEED, time_zone="Europe/Zurich")
    assert tuple(result) == DEADLINE_KEYS
    assert all(isinstance(d, Deadline) and d.key == key for key, d in result.items())
    assert result["translation"].label == "Contributions for which translation is requested"
    assert not any(d.overridden or d.reason for d in result.values())


@pytest.mark.parametrize(
    ("start", "translation", "registration"),
    [
        (dt.date(2021, 4, 30), dt.date(2021, 2, 28), dt.date(2021, 3, 30)),
        (dt.date(2020, 4, 30), dt.date(2020, 2, 29), dt.date(2020, 3, 30)),  # leap year
        (dt.date(2000, 4, 30), dt.date(2000, 2, 29), dt.date(2000, 3, 30)),  # 2000 is leap
        (dt.date(2100, 4, 30), dt.date(2100, 2, 28), dt.date(2100, 3, 30)),  # 2100 is not
        (dt.date(2021, 5, 31), dt.date(2021, 3, 31), dt.date(2021, 4, 30)),
        (dt.date(2024, 3, 31), dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        (dt.date(2021, 1, 15), dt.date(2020, 11, 15), dt.date(2020, 12, 15)),  # across a year
        (dt.date(2021, 2, 28), dt.date(2020, 12, 28), dt.date(2021, 1, 28)),
    ],
)
def test_it_clamps_month_arithmetic_to_the_months_end(start, translation, registration):
    result = _dates(start)
    assert (result["translation"], result["registration"]) == (translation, registration)


def test_it_counts_months_back_over_years():
    assert months_before(dt.date(2020, 3, 31), 13) == dt.date(2019, 2, 28)
    assert months_before(dt.date(2020, 3, 31), 0) == dt.date(2020, 3, 31)


def test_it_closes_at_the_end_of_the_day_in_the_meetings_zone():
    translation = compute_deadlines(SEED, time_zone="Europe/Zurich")["translation"]
    assert translation.cutoff == dt.datetime(2020, 9, 20, 0, 0, tzinfo=ZURICH)
    assert translation.cutoff.utcoffset() is not None
    last_moment = dt.datetime(2020, 9, 19, 23, 59, 59, 999999, tzinfo=ZURICH)
    assert not translation.passed(last_moment)
    assert translation.passed(translation.cutoff)


def test_it_keeps_the_cutoff_at_local_midnight_across_a_clock_change():
    # 31 October 2021: Zurich goes from CEST to CET; the deadline day has 25 hours.
    result = compute_deadlines(dt.date(2021, 11, 13), time_zone="Europe/Zurich")
    contributions = result["contributions"]
    assert contributions.date == dt.date(2021, 10, 31)
    assert contributions.cutoff.astimezone(dt.UTC) == dt.datetime(
        2021, 10, 31, 23, 0, tzinfo=dt.UTC
    )


def test_it_refuses_an_unknown_time_zone():
    with pytest.raises(ValueError, match="time zone"):
        compute_deadlines(SEED, time_zone="Mars/Olympus_Mons")


def test_it_raises_unknown_policy_for_an_unknown_name():
    with pytest.raises(UnknownPolicy):
        get_policy("no-such-policy")
    assert issubclass(UnknownPolicy, ValueError)
    assert get_policy("itu-t").name == "itu-t"


# Weekend and holiday roll-back, off by default


def test_it_does_not_move_a_weekend_deadline_by_default():
    assert _dates(SEED)["translation"].weekday() == 5  # Saturday 19 September 2020


def test_it_moves_a_weekend_deadline_to_the_previous_working_day_when_asked():
    policy = _itu_with(translation={"roll_back": True})
    result = _dates(SEED, policy=policy)
    assert result["translation"] == dt.date(2020, 9, 18)  # Friday
    assert result["registration"] == dt.date(2020, 10, 19)  # a Monday: unchanged


def test_it_moves_a_deadline_off_a_listed_holiday():
    policy = _itu_with(translation={"roll_back": True}, holidays=["2020-09-18", "2020-09-17"])
    assert _dates(SEED, policy=policy)["translation"] == dt.date(2020, 9, 16)


def test_the_holiday_list_only_matters_for_roll_back_rules():
    policy = _itu_with(holidays=["2020-11-06"])
    assert _dates(SEED, policy=policy)["contributions"] == dt.date(2020, 11, 6)


# The second built-in policy: a fixed weekday at a fixed hour, as 3GPP works


def test_the_weekday_cutoff_policy_falls_on_its_weekdays_at_its_hours():
    result = compute_deadlines(SEED, time_zone="Europe/Zurich", policy=get_policy("weekday-cutoff"))
    assert {key: d.date for key, d in result.items()} == {
        "translation": dt.date(2020, 10, 2),
        "registration": dt.date(2020, 10, 30),
        "contributions": dt.date(2020, 11, 9),
        "td_posting": dt.date(2020, 11, 13),
    }
    assert result["contributions"].cutoff == dt.datetime(2020, 11, 9, 23, 59, tzinfo=dt.UTC)
    assert result["td_posting"].cutoff == dt.datetime(2020, 11, 13, 12, 0, tzinfo=dt.UTC)


def test_a_weekday_rule_keeps_a_date_already_on_that_weekday():
    policy = _itu_with(td_posting={"days_before": 7, "weekday": "thursday"})
    assert _dates(SEED, policy=policy)["td_posting"] == dt.date(2020, 11, 12)


def test_another_bodys_rules_are_data():
    policy = Policy.from_dict(
        "tsg-like",
        {
            "translation": {"days_before": 30, "weekday": 4, "cutoff_time": "17:00"},
            "registration": {"days_before": 21, "weekday": "monday"},
            "contributions": {
                "days_before": 10,
                "weekday": "friday",
                "cutoff_time": "23:59",
                "cutoff_time_zone": "UTC",
            },
            "td_posting": {"days_before": 2, "label": "Late documents"},
        },
    )
    result = compute_deadlines(SEED, time_zone="Asia/Tokyo", policy=policy)
    assert result["translation"].cutoff == dt.datetime(
        2020, 10, 16, 17, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo")
    )
    assert result["registration"].date == dt.date(2020, 10, 26)
    assert result["td_posting"].label == "Late documents"


@pytest.mark.parametrize(
    "data",
    [
        "not a mapping",
        {},
        {"translation": {"months_before": 2}},
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "extra_key": {}},
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "translation": {"days_before": 0}},
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "translation": {"days_before": -3}},
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "translation": {"days_before": "2"}},
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "translation": {"days": 2}},
        {
            **{k: {"days_before": 1} for k in DEADLINE_KEYS},
            "translation": {"days_before": 2, "weekday": "caturday"},
        },
        {
            **{k: {"days_before": 1} for k in DEADLINE_KEYS},
            "translation": {"days_before": 2, "cutoff_time": "25:00"},
        },
        {
            **{k: {"days_before": 1} for k in DEADLINE_KEYS},
            "translation": {"days_before": 2, "cutoff_time_zone": "Nowhere/Land"},
        },
        {
            **{k: {"days_before": 1} for k in DEADLINE_KEYS},
            "translation": {"days_before": 2, "roll_back": "yes"},
        },
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "holidays": ["not a date"]},
        {**{k: {"days_before": 1} for k in DEADLINE_KEYS}, "holidays": "2020-01-01"},
    ],
)
def test_it_refuses_policy_data_outside_the_vocabulary(data):
    with pytest.raises(InvalidPolicy):
        Policy.from_dict("bad", data)


def test_every_builtin_policy_is_valid():
    for name in deadlines.builtin_policy_names():
        assert tuple(get_policy(name).rules) == DEADLINE_KEYS


# Properties over a century of opening dates


def _assert_before_and_ordered(start, result, *, ordered=True):
    opening = dt.datetime.combine(start, dt.time(0), tzinfo=result["translation"].cutoff.tzinfo)
    for deadline in result.values():
        assert deadline.date < start
        assert deadline.cutoff.tzinfo is not None
    if ordered:
        days = [result[key].date for key in DEADLINE_KEYS]
        assert days == sorted(days)
        for deadline in result.values():
            assert deadline.cutoff <= opening


@given(start=openings, zone=zones)
def test_itu_deadlines_fall_before_the_opening_in_order(start, zone):
    _assert_before_and_ordered(start, compute_deadlines(start, time_zone=zone))


@given(start=openings, zone=zones)
def test_rolled_back_deadlines_stay_before_the_opening_in_order_on_working_days(start, zone):
    policy = _itu_with(**{key: {"roll_back": True} for key in DEADLINE_KEYS})
    result = compute_deadlines(start, time_zone=zone, policy=policy)
    _assert_before_and_ordered(start, result)
    assert all(d.date.weekday() < 5 for d in result.values())


@given(start=openings)
def test_month_clamping_never_raises_and_keeps_the_day_when_it_can(start):
    for months in (1, 2, 3, 12):
        earlier = months_before(start, months)
        assert earlier < start
        assert (
            earlier.day == start.day
            or earlier.day < start.day
            and ((earlier + dt.timedelta(days=1)).day == 1)
        )


@given(start=openings, zone=zones)
def test_weekday_cutoff_deadlines_fall_before_the_opening_on_their_weekday(start, zone):
    policy = get_policy("weekday-cutoff")
    result = compute_deadlines(start, time_zone=zone, policy=policy)
    _assert_before_and_ordered(start, result, ordered=False)
    for key, deadline in result.items():
        assert deadline.date.weekday() == policy.rules[key].weekday
        assert deadline.cutoff.time() == policy.rules[key].cutoff_time


# The meeting's stored deadlines (selectors)


def test_the_seed_meetings_deadlines_follow_its_policy(seed_meeting):
    result = meeting_deadlines(seed_meeting)
    assert {k: d.date for k, d in result.items()} == _dates(SEED)
    assert result["translation"].cutoff.tzinfo.key == "Europe/Zurich"


def test_an_override_replaces_the_date_and_keeps_the_reason(seed_meeting, secretariat):
    DeadlineOverride.objects.create(
        meeting=seed_meeting,
        key="contributions",
        date=dt.date(2020, 11, 9),
        cutoff=dt.datetime(2020, 11, 10, tzinfo=ZURICH),
        reason="Extended after a server outage.",
        set_by=secretariat,
    )
    result = meeting_deadlines(seed_meeting)
    assert result["contributions"].date == dt.date(2020, 11, 9)
    assert result["contributions"].overridden
    assert result["contributions"].reason == "Extended after a server outage."
    assert not result["translation"].overridden
    assert tuple(result) == DEADLINE_KEYS


def test_a_stored_policy_is_used_by_name(seed_meeting):
    DeadlinePolicy.objects.create(
        name="sg11-friday",
        rules={
            "translation": {"months_before": 2, "roll_back": True},
            "registration": {"months_before": 1},
            "contributions": {"days_before": 13},
            "td_posting": {"days_before": 7},
        },
    )
    seed_meeting.deadline_policy = "sg11-friday"
    assert meeting_deadlines(seed_meeting)["translation"].date == dt.date(2020, 9, 18)


def test_an_unknown_stored_policy_name_raises_unknown_policy(db):
    with pytest.raises(UnknownPolicy):
        policy_named("withdrawn")


def test_a_broken_stored_policy_raises_rather_than_falling_back(db):
    DeadlinePolicy.objects.create(name="broken", rules={"translation": {}})
    with pytest.raises(InvalidPolicy):
        policy_named("broken")


def test_it_says_whether_a_deadline_has_passed(seed_meeting):
    before = dt.datetime(2020, 11, 6, 23, 0, tzinfo=ZURICH)
    after = dt.datetime(2020, 11, 7, 0, 0, tzinfo=ZURICH)
    assert not deadline_passed(seed_meeting, "contributions", now=before)
    assert deadline_passed(seed_meeting, "contributions", now=after)
    assert deadline_passed(seed_meeting, "td_posting")  # 2020 is over
    with pytest.raises(KeyError):
        deadline_passed(seed_meeting, "coffee")


# The meeting page


def test_the_meeting_page_shows_the_key_deadlines(client, seed_meeting):
    response = client.get(seed_meeting.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Key deadlines" in page
    for text in ("19 September 2020", "19 October 2020", "6 November 2020", "12 November 2020"):
        assert text in page
    assert "Contributions for which translation is requested" in page
    assert page.count(">passed<") == 4
    assert "Change deadlines" not in page


def test_the_meeting_page_marks_future_deadlines_open(client, next_meeting):
    page = client.get(next_meeting.get_absolute_url()).content.decode()
    assert next_meeting.start_date > timezone.now().date()
    assert page.count(">open<") == 4


def test_the_meeting_page_shows_an_overridden_deadline_with_its_reason(
    client, seed_meeting, secretariat
):
    DeadlineOverride.objects.create(
        meeting=seed_meeting,
        key="registration",
        date=dt.date(2020, 10, 26),
        cutoff=dt.datetime(2020, 10, 27, tzinfo=ZURICH),
        reason="Extended <at> the chairman's request.",
        set_by=secretariat,
    )
    page = client.get(seed_meeting.get_absolute_url()).content.decode()
    assert "26 October 2020" in page
    assert "Extended &lt;at&gt; the chairman&#x27;s request." in page


def test_the_deadlines_section_survives_a_withdrawn_policy(rf, seed_meeting):
    seed_meeting.deadline_policy = "withdrawn"
    request = rf.get("/")
    request.user = AnonymousUser()
    context = deadlines_context(request, seed_meeting)
    assert context["deadlines"] == []
    assert "withdrawn" in context["deadlines_error"]


def test_the_secretariat_sees_a_link_to_change_deadlines(client, seed_meeting, secretariat):
    client.force_login(secretariat)
    page = client.get(seed_meeting.get_absolute_url()).content.decode()
    assert "Change deadlines" in page


# The admin of stored policies


def test_the_admin_checks_a_stored_policys_rules(db):
    good = {key: {"days_before": 3 + i} for i, key in enumerate(DEADLINE_KEYS)}
    assert DeadlinePolicyForm({"name": "sg99", "rules": json.dumps(good)}).is_valid()
    bad = DeadlinePolicyForm({"name": "sg99", "rules": json.dumps({"translation": {}})})
    assert "rules" in bad.errors
    builtin = DeadlinePolicyForm({"name": "itu-t", "rules": json.dumps(good)})
    assert "name" in builtin.errors


def test_the_admin_keeps_a_policy_in_use(rf, seed_meeting, admin_user):
    policy = DeadlinePolicy.objects.create(
        name="sg11-own", rules={key: {"days_before": 3} for key in DEADLINE_KEYS}
    )
    model_admin = DeadlinePolicyAdmin(DeadlinePolicy, admin.site)
    request = rf.get("/")
    request.user = admin_user
    assert model_admin.has_delete_permission(request, policy)
    seed_meeting.deadline_policy = "sg11-own"
    seed_meeting.save(update_fields=["deadline_policy"])
    assert not model_admin.has_delete_permission(request, policy)
    assert model_admin.get_readonly_fields(request, policy) == ["name"]
