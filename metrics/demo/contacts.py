"""The demo's customer contacts and ratings: arrivals shaped by the business hours and answer
standards, waits, abandonment, reopened cases, and ratings with comments in five languages."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import time

import numpy as np
import pandas as pd

from metrics.contacts.ids import reserve_ids
from metrics.demo.calendar import Calendar, seconds_of_day
from metrics.demo.people import TEAM_NAMES, Skills
from metrics.store import Database
from modules.policy import CHANNELS, Policy

DEMO_SOURCE = "demo"  # interactions.source of every generated contact
CATEGORIES = (
    "delivery",
    "billing",
    "defective product",
    "returns",
    "account",
    "product question",
)
# What each team's queue receives (shares of CATEGORIES, in order): the team is the queue.
TEAM_CATEGORY_SHARES = (
    (0.25, 0.00, 0.20, 0.00, 0.20, 0.35),
    (0.35, 0.00, 0.25, 0.40, 0.00, 0.00),
    (0.00, 0.70, 0.00, 0.00, 0.30, 0.00),
)
# Shares of contacts by channel, in CHANNELS order (phone, chat, email, social): a retailer of
# appliances still hears most problems by phone.
CHANNEL_SHARES = (0.45, 0.25, 0.22, 0.08)
# How many contacts an out-of-hours hour brings, relative to an open hour, for the channels that
# accept messages while the centre is closed (phone and chat are simply closed then).
NIGHT_INTENSITY = (0.0, 0.0, 0.07, 0.12)

# Volume: ~23 first contacts per agent and working day, plus ~10% reopened follow-ups, is ~25,
# a typical full-time load when calls, chats and e-mails are mixed.
FIRST_CONTACTS_PER_AGENT_DAY = 23.0
# Monday to Sunday: Monday carries the weekend's problems; Friday is quietest. Weekend values
# apply only when the policy opens on weekends.
WEEKDAY_VOLUME = (1.20, 1.00, 0.95, 0.95, 0.90, 0.50, 0.40)
ABSENCE_RATE = 0.04  # leave and sick days: an agent is away about one working day in 25

# Arrivals within opening hours: two peaks (late morning, early afternoon) over a flat base.
MORNING_PEAK = time(10, 30)
AFTERNOON_PEAK = time(14, 0)
PEAK_SPREAD_S = 70 * 60
ARRIVAL_MIX = (0.45, 0.40, 0.15)  # morning peak, afternoon peak, spread over the whole day

# Waits are log-normal around a share of the channel's standard (in CHANNELS order), so ~80% of
# contacts in open hours meet it: more for quick agents and quiet hours, fewer for slow agents at
# the peaks. Written messages are worked in batches by whoever is free, so they wait a smaller
# share of their long standard.
WAIT_MEDIAN_SHARE = (0.45, 0.45, 0.30, 0.30)
WAIT_SIGMA = 0.8
PEAK_EXTRA_LOAD = 0.35  # waits grow by up to a third when the peaks arrive
PEAK_LOAD_SPREAD_S = 60 * 60
MONDAY_LOAD = 1.15
BACKLOG_LOAD = 1.3  # messages waiting overnight are answered first thing, in a queue of them
# Phone and chat customers give up when the wait outlasts their patience (~5-8% of calls); a
# written message waits however long it takes. In CHANNELS order.
PATIENCE_MEDIAN_S = (130.0, 280.0, math.inf, math.inf)
PATIENCE_SIGMA = 1.0
# Time from answering to the end of the contact (and its resolution when resolved): minutes on
# phone and chat, hours for e-mail and social, where the fix is a follow-up reply.
HANDLE_MEDIAN_S = (360.0, 660.0, 7200.0, 5400.0)
HANDLE_SIGMA = (0.5, 0.5, 0.8, 0.8)
MIN_HANDLE_S = 30

# Reopened cases: an unresolved contact brings the customer back far more often than a resolved
# one; together ~10% of cases get a second contact, a fifth of those a third.
REOPEN_IF_RESOLVED = 0.06
REOPEN_IF_UNRESOLVED = 0.20
THIRD_CONTACT = 0.20
FOLLOW_UP_MAX_DAYS = 5
FOLLOW_UP_SAME_AGENT = 0.4
FOLLOW_UP_SAME_CHANNEL = 0.6
# A follow-up for an absent agent goes to a colleague; redraw a few times, then let it be.
MAX_COLLEAGUE_DRAWS = 10

# Feedback: about one answered contact in five gets a rating, a few hours after it ended.
RATING_RESPONSE = 0.22
FEEDBACK_MIN_DELAY_S = 10 * 60
FEEDBACK_MEAN_DELAY_S = 3 * 3600
# The customer's mood: agent skill, a resolved problem and a wait beyond the standard count.
RESOLVED_BONUS = 0.9
LATE_PENALTY = 0.7  # per standard's length of lateness, counted up to two
MOOD_NOISE = 1.0
# Mood thresholds between 1|2|3|4|5 stars: a steady agent gets ~89% of ratings 4 or 5, above
# the shipped 85% CSAT target, as a team that mostly meets it would.
STAR_THRESHOLDS = (-2.0, -1.4, -0.85, 0.6)
GOOD_THRESHOLD = -0.9  # e-mail surveys ask good or bad: ~89% say good
COMMENT_SHARE = 0.40

SENTIMENTS = ("positive", "neutral", "negative")
# Which language a customer writes a comment in, with the share of comments in it.
COMMENT_LANGUAGES: dict[str, float] = {"en": 0.35, "hr": 0.35, "lv": 0.10, "he": 0.10, "tr": 0.10}
COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "positive": (
            "Quick and friendly, problem solved on the first call. Thank you!",
            "The agent explained everything clearly and kept me updated.",
            "Great service, my replacement arrived two days later.",
            "Very patient and helpful, even though my question was complicated.",
            "The refund came through exactly when promised.",
        ),
        "neutral": (
            "Fine in the end, but it took longer than it should have.",
            "Helpful, though I had to wait quite a while.",
            "It was sorted out, but I had to chase it myself.",
        ),
        "negative": (
            "I waited far too long and nobody called me back.",
            "I had to explain my problem three times to different people.",
            "Still no refund after two weeks. Very disappointing.",
            "The answer didn't solve anything, just a copy-paste reply.",
            "The delivery was late again and no one told me why.",
        ),
    },
    "hr": {
        "positive": (
            "Brzo i ljubazno riješeno, hvala!",
            "Djelatnica je sve jasno objasnila i javila mi se kako je obećala.",
            "Odlična usluga, zamjenski uređaj stigao je već sljedeći dan.",
            "Vrlo strpljiv i susretljiv djelatnik, preporučujem.",
        ),
        "neutral": (
            "Na kraju je riješeno, ali je trajalo predugo.",
            "Ljubazni su, ali sam morao sam zvati nekoliko puta.",
        ),
        "negative": (
            "Čekao sam predugo, a problem još nije riješen.",
            "Tri puta sam morala objašnjavati isto, nitko ništa ne zna.",
            "Povrat novca još nije stigao, vrlo sam nezadovoljan.",
            "Dostava opet kasni i nitko mi se nije javio.",
        ),
    },
    "lv": {
        "positive": (
            "Ļoti laipna un ātra palīdzība.",
            "Problēma tika atrisināta jau pirmajā zvanā, paldies!",
            "Viss tika skaidri izskaidrots, esmu ļoti apmierināta.",
            "Maiņas prece tika piegādāta jau nākamajā dienā, lielisks serviss.",
        ),
        "neutral": (
            "Beigās viss tika atrisināts, bet tas aizņēma pārāk ilgu laiku.",
            "Atbilde bija noderīga, bet nācās ilgi gaidīt.",
        ),
        "negative": (
            "Gaidīju pārāk ilgi, un neviens man neatzvanīja.",
            "Naudu joprojām neesmu saņēmusi, ļoti neapmierinoši.",
            "Savu problēmu man nācās skaidrot trīs reizes.",
            "Piegāde atkal kavējas, un neviens neko nepaskaidro.",
        ),
    },
    "he": {
        "positive": (
            "שירות מצוין, הבעיה נפתרה מהר",
            "הנציגה הסבירה הכול בסבלנות, תודה רבה!",
            "קיבלתי מכשיר חלופי כבר למחרת, שירות נהדר.",
            "מענה אדיב ומקצועי, ממליץ בחום.",
        ),
        "neutral": (
            "בסוף זה נפתר, אבל לקח יותר מדי זמן.",
            "הנציג היה נחמד, אבל הייתי צריך להתקשר שוב.",
        ),
        "negative": (
            "חיכיתי יותר מדי זמן ואף אחד לא חזר אליי.",
            "עדיין לא קיבלתי את ההחזר הכספי, מאוד מאכזב.",
            "נאלצתי להסביר את הבעיה שלוש פעמים.",
            "המשלוח שוב מתעכב ואף אחד לא מעדכן.",
        ),
    },
    "tr": {
        "positive": (
            "Çok hızlı ve kibar bir çözüm, teşekkürler.",
            "Temsilci her şeyi açıkça anlattı ve söz verdiği gibi geri döndü.",
            "Yeni ürün ertesi gün elime ulaştı, harika hizmet.",
            "Çok sabırlı ve yardımseverdi, kesinlikle tavsiye ederim.",
        ),
        "neutral": (
            "Sonunda çözüldü ama gereğinden uzun sürdü.",
            "Yardımcı oldular ama uzun süre beklemem gerekti.",
        ),
        "negative": (
            "Çok uzun süre bekledim ve kimse beni geri aramadı.",
            "İade hâlâ yapılmadı, büyük hayal kırıklığı yaşadım.",
            "Sorunumu üç kez farklı kişilere anlatmak zorunda kaldım.",
            "Teslimat yine gecikti ve kimse bilgi vermedi.",
        ),
    },
}


def insert_traffic(cur: Database, interactions: pd.DataFrame, feedback: pd.DataFrame) -> None:
    """Bulk-insert the contacts, then the ratings linked to them by external id.

    Ids are reserved (`metrics.contacts.ids`) and given in external-id order, so the same demo
    gets the same ids.
    """
    first_id = reserve_ids(cur, "interactions", len(interactions))
    cur.register("demo_interactions", interactions)
    cur.execute(
        "INSERT INTO interactions (id, source, external_id, channel, agent_id, team_id, case_id,"
        " queued_at, answered_at, resolved_at, abandoned, resolved, category, is_demo)"
        " SELECT ? + row_number() OVER (ORDER BY external_id) - 1, ?, external_id, channel,"
        " agent_id, team_id, case_id, queued_at, answered_at, resolved_at, abandoned, resolved,"
        " category, true"
        " FROM demo_interactions",
        [first_id, DEMO_SOURCE],
    )
    cur.unregister("demo_interactions")
    first_rating_id = reserve_ids(cur, "feedback", len(feedback))
    cur.register("demo_feedback", feedback)
    cur.execute(
        "INSERT INTO feedback (id, interaction_id, rating, scale, comment, received_at, is_demo)"
        " SELECT ? + row_number() OVER (ORDER BY f.external_id) - 1, i.id, f.rating, f.scale,"
        " f.comment, f.received_at, true"
        " FROM demo_feedback f JOIN interactions i"
        " ON i.source = ? AND i.external_id = f.external_id",
        [first_rating_id, DEMO_SOURCE],
    )
    cur.unregister("demo_feedback")


# --- Contacts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contacts:
    """One array entry per contact. `agent` is who answered, or would have (abandoned ones)."""

    agent: np.ndarray
    team: np.ndarray
    day: np.ndarray  # index into the calendar's business days: the day it is dealt with
    channel: np.ndarray  # index into CHANNELS
    category: np.ndarray  # index into CATEGORIES
    case: np.ndarray
    queued: np.ndarray  # UTC epoch seconds
    answered: np.ndarray  # valid where `handled`
    handled: np.ndarray  # answered by the snapshot moment
    abandoned: np.ndarray
    resolved: np.ndarray
    ended: np.ndarray  # end of the contact, valid where `handled`; the resolution when resolved
    wait: np.ndarray  # seconds from queued to answered, valid where `handled`

    def take(self, index: np.ndarray) -> Contacts:
        return Contacts(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def join(parts: list[Contacts]) -> Contacts:
        return Contacts(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(Contacts)
            }
        )


def draw_contacts(
    rng: np.random.Generator,
    policy: Policy,
    calendar: Calendar,
    skills: Skills,
    agent_team: np.ndarray,
) -> Contacts:
    """First contacts, their reopenings, and the third contacts of some; in queued order."""
    n_agents, n_days = len(agent_team), len(calendar.dates)
    present = rng.random((n_agents, n_days)) >= ABSENCE_RATE
    expected = (
        FIRST_CONTACTS_PER_AGENT_DAY
        * skills.volume[:, None]
        * np.array(WEEKDAY_VOLUME)[calendar.weekday][None, :]
    )
    counts = (rng.poisson(expected) * present).ravel()
    agent = np.repeat(np.repeat(np.arange(n_agents), n_days), counts)
    day = np.repeat(np.tile(np.arange(n_days), n_agents), counts)
    team = agent_team[agent]
    category = np.zeros(len(agent), dtype="int64")
    for index, shares in enumerate(TEAM_CATEGORY_SHARES):
        in_team = team == index
        category[in_team] = rng.choice(len(CATEGORIES), size=in_team.sum(), p=shares)
    channel = rng.choice(len(CHANNELS), size=len(agent), p=CHANNEL_SHARES)
    case = np.arange(len(agent))
    first = _handle(rng, policy, calendar, skills, agent, team, day, channel, category, case)

    reopen = rng.random(len(first.case)) < np.where(
        first.resolved, REOPEN_IF_RESOLVED, REOPEN_IF_UNRESOLVED
    )
    second = _follow_ups(rng, policy, calendar, skills, agent_team, present, first.take(reopen))
    again = rng.random(len(second.case)) < THIRD_CONTACT
    third = _follow_ups(rng, policy, calendar, skills, agent_team, present, second.take(again))

    contacts = Contacts.join([first, second, third])
    contacts = contacts.take(contacts.queued < calendar.horizon)
    return contacts.take(np.argsort(contacts.queued, kind="stable"))


def _follow_ups(
    rng: np.random.Generator,
    policy: Policy,
    calendar: Calendar,
    skills: Skills,
    agent_team: np.ndarray,
    present: np.ndarray,
    previous: Contacts,
) -> Contacts:
    """The customer comes back about the same case 1-5 days later; beyond the period, never."""
    gap = rng.integers(1, FOLLOW_UP_MAX_DAYS + 1, len(previous.day)).astype("timedelta64[D]")
    later = calendar.dates[previous.day] + gap
    day = np.searchsorted(calendar.dates, later)  # the next business day on or after
    keep = day < len(calendar.dates)
    previous, day = previous.take(keep), day[keep]

    team = previous.team
    starts = np.searchsorted(agent_team, np.arange(len(TEAM_NAMES)))
    sizes = np.bincount(agent_team, minlength=len(TEAM_NAMES))

    def colleague(which: np.ndarray) -> np.ndarray:
        return starts[team[which]] + rng.integers(0, sizes[team[which]])

    agent = np.where(
        rng.random(len(day)) < FOLLOW_UP_SAME_AGENT, previous.agent, colleague(np.arange(len(day)))
    )
    for _ in range(MAX_COLLEAGUE_DRAWS):
        away = np.flatnonzero(~present[agent, day])
        if len(away) == 0:
            break
        agent[away] = colleague(away)
    channel = np.where(
        rng.random(len(day)) < FOLLOW_UP_SAME_CHANNEL,
        previous.channel,
        rng.choice(len(CHANNELS), size=len(day), p=CHANNEL_SHARES),
    )
    return _handle(
        rng, policy, calendar, skills, agent, team, day, channel, previous.category, previous.case
    )


def _handle(
    rng: np.random.Generator,
    policy: Policy,
    calendar: Calendar,
    skills: Skills,
    agent: np.ndarray,
    team: np.ndarray,
    day: np.ndarray,
    channel: np.ndarray,
    category: np.ndarray,
    case: np.ndarray,
) -> Contacts:
    """When each contact arrives and how it goes: wait, abandonment, resolution, end."""
    n = len(agent)
    progress = calendar.progress[day]
    opens = calendar.opens[day]

    # E-mail and social messages also arrive while the centre is closed (overnight, and over
    # the weekend before a Monday); they wait for the doors to open.
    night_hours = (opens - calendar.night_start[day]) / 3600
    open_hours = calendar.open_length_s[day] / 3600
    night_rate = np.array(NIGHT_INTENSITY)[channel] * night_hours
    overnight = rng.random(n) < night_rate / (night_rate + open_hours)
    offset = _arrival_offsets(rng, calendar, day)
    queued = np.where(
        overnight,
        calendar.night_start[day] + (rng.random(n) * (opens - calendar.night_start[day])),
        opens + offset,
    ).astype("int64")
    service_start = np.maximum(queued, opens)

    clock = calendar.opening_second + (service_start - opens)  # local second of the day
    load = np.ones(n)
    for peak in (MORNING_PEAK, AFTERNOON_PEAK):
        load += PEAK_EXTRA_LOAD * np.exp(
            -(((clock - seconds_of_day(peak)) / PEAK_LOAD_SPREAD_S) ** 2)
        )
    load = np.where(calendar.weekday[day] == 0, load * MONDAY_LOAD, load)
    load = np.where(overnight, BACKLOG_LOAD, load)
    standard = _standards(policy)[channel]
    typical = (
        standard
        * np.array(WAIT_MEDIAN_SHARE)[channel]
        * skills.at(skills.wait, agent, progress)
        * load
    )
    answered = service_start + np.maximum(1, np.rint(typical * rng.lognormal(0, WAIT_SIGMA, n)))
    answered = answered.astype("int64")
    wait = answered - queued

    patience = np.array(PATIENCE_MEDIAN_S)[channel] * rng.lognormal(0, PATIENCE_SIGMA, n)
    abandoned = wait > patience
    # The demo is a snapshot at the end of its last day: a message not yet answered then waits.
    handled = ~abandoned & (answered < calendar.horizon)

    duration = np.array(HANDLE_MEDIAN_S)[channel] * rng.lognormal(
        0, np.array(HANDLE_SIGMA)[channel]
    )
    ended = answered + np.maximum(MIN_HANDLE_S, np.rint(duration)).astype("int64")
    resolves = rng.random(n) < skills.at(skills.resolve, agent, progress)
    resolved = handled & resolves & (ended < calendar.horizon)
    return Contacts(
        agent=agent,
        team=team,
        day=day,
        channel=channel,
        category=category,
        case=case,
        queued=queued,
        answered=answered,
        handled=handled,
        abandoned=abandoned,
        resolved=resolved,
        ended=ended,
        wait=wait,
    )


def _arrival_offsets(rng: np.random.Generator, calendar: Calendar, day: np.ndarray) -> np.ndarray:
    """Seconds after opening for contacts in open hours: two peaks over a flat base."""
    n = len(day)
    length = calendar.open_length_s[day]
    peak = rng.choice(len(ARRIVAL_MIX), size=n, p=ARRIVAL_MIX)
    centre = np.array([seconds_of_day(MORNING_PEAK), seconds_of_day(AFTERNOON_PEAK), 0])[peak]
    offset = rng.normal(centre - calendar.opening_second, PEAK_SPREAD_S)
    # The flat base, and any peak arrival drawn outside the open hours, spread over the day.
    flat = (peak == len(ARRIVAL_MIX) - 1) | (offset < 0) | (offset >= length)
    offset[flat] = rng.random(int(flat.sum())) * length[flat]
    return np.floor(offset).astype("int64")


def _standards(policy: Policy) -> np.ndarray:
    """The policy's answer-within standard in seconds, in CHANNELS order."""
    return np.array([policy.standards.answer_within_s[channel] for channel in CHANNELS])


# --- Feedback -----------------------------------------------------------------------------------


def draw_feedback(
    rng: np.random.Generator,
    policy: Policy,
    calendar: Calendar,
    skills: Skills,
    contacts: Contacts,
) -> pd.DataFrame:
    """Ratings for about a fifth of the answered contacts, ordered by the contact they rate."""
    n = len(contacts.queued)
    delay = FEEDBACK_MIN_DELAY_S + rng.exponential(FEEDBACK_MEAN_DELAY_S, n)
    received = contacts.ended + np.rint(delay).astype("int64")
    standard = _standards(policy)[contacts.channel]
    lateness = np.clip(contacts.wait / standard - 1, 0, 2)
    progress = calendar.progress[contacts.day]
    mood = (
        skills.at(skills.rating, contacts.agent, progress)
        + RESOLVED_BONUS * contacts.resolved
        - LATE_PENALTY * lateness
        + rng.normal(0, MOOD_NOISE, n)
    )
    stars = np.digitize(mood, STAR_THRESHOLDS) + 1
    email = contacts.channel == CHANNELS.index("email")
    rating = np.where(email, (mood > GOOD_THRESHOLD).astype("int64"), stars)
    positive = np.where(email, rating == 1, stars >= 4)
    negative = np.where(email, rating == 0, stars <= 2)
    sentiment = np.select(
        [positive, negative],
        [SENTIMENTS.index("positive"), SENTIMENTS.index("negative")],
        SENTIMENTS.index("neutral"),
    )
    comment = _comments(rng, sentiment, rng.random(n) < COMMENT_SHARE)

    rated = contacts.handled & (rng.random(n) < RATING_RESPONSE) & (received < calendar.horizon)
    index = np.flatnonzero(rated)
    return pd.DataFrame(
        {
            "external_id": _numbered("DEMO-", index),
            "rating": rating[index],
            "scale": np.where(email[index], "good/bad", "1-5"),
            "comment": comment[index],
            "received_at": pd.to_datetime(received[index], unit="s", utc=True),
        }
    )


def _comments(rng: np.random.Generator, sentiment: np.ndarray, commented: np.ndarray) -> np.ndarray:
    """A comment matching each rating's sentiment, in a customer's language; None where silent."""
    languages = list(COMMENT_LANGUAGES)
    language = rng.choice(len(languages), size=len(sentiment), p=list(COMMENT_LANGUAGES.values()))
    pick = rng.random(len(sentiment))
    comment = np.full(len(sentiment), None, dtype=object)
    for lang_index, lang in enumerate(languages):
        for sentiment_index, name in enumerate(SENTIMENTS):
            pool = np.array(COMMENTS[lang][name], dtype=object)
            chosen = commented & (language == lang_index) & (sentiment == sentiment_index)
            comment[chosen] = pool[(pick[chosen] * len(pool)).astype("int64")]
    return comment


# --- To the store -------------------------------------------------------------------------------


def _numbered(prefix: str, index: np.ndarray) -> list[str]:
    """Readable ids in queued order: DEMO-000001, DEMO-000002, ..."""
    return [f"{prefix}{i + 1:06d}" for i in index]


def interaction_frame(
    contacts: Contacts, agent_ids: np.ndarray, team_ids: list[int]
) -> pd.DataFrame:
    # Case numbers follow the order in which cases were first seen.
    _, first_seen, case_order = np.unique(contacts.case, return_index=True, return_inverse=True)
    case_number = np.argsort(np.argsort(first_seen, kind="stable"), kind="stable")[case_order]
    handled = contacts.handled

    def when(seconds: np.ndarray, valid: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(np.where(valid, seconds, 0), unit="s", utc=True)).where(
            valid
        )

    return pd.DataFrame(
        {
            "external_id": _numbered("DEMO-", np.arange(len(contacts.queued))),
            "channel": np.array(CHANNELS)[contacts.channel],
            "agent_id": pd.Series(agent_ids[contacts.agent], dtype="Int32").where(handled),
            "team_id": np.array(team_ids)[contacts.team],
            "case_id": _numbered("DEMO-C", case_number),
            "queued_at": pd.to_datetime(contacts.queued, unit="s", utc=True),
            "answered_at": when(contacts.answered, handled),
            "resolved_at": when(contacts.ended, contacts.resolved),
            "abandoned": contacts.abandoned,
            "resolved": contacts.resolved,
            "category": np.array(CATEGORIES)[contacts.category],
        }
    )
