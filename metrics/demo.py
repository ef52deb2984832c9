"""A generated demo organisation, so a new install shows a working product before any import.

`generate_demo` writes a small contact centre for the policy's organisation: three teams with a
supervisor each, an owner, and agents with multilingual names; months of phone, chat, e-mail and
social contacts shaped by the policy's business hours and answer standards (daily peaks, a busy
Monday, quiet weekends, abandoned calls, reopened cases); and customer ratings with comments in
English, Croatian, Latvian, Hebrew and Turkish. Agents differ in skill and a few improve clearly
over the period, so the dashboard and coaching pages have something true to show. Given the
training modules, the agents also have a training history played through the real engine:
attempts with every answer, retakes, certificates and policy signatures, a few still in progress
or not started.

The data is deterministic: the same seed, size and last day give the same rows, so demos,
screenshots and tests are repeatable. Every row carries `is_demo = true`, and `remove_demo`
deletes those rows without touching imported data.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pydantic import BaseModel

from metrics.case_contacts import forget_case_contacts, refresh_case_contacts
from metrics.people import hash_password
from metrics.rollups import refresh_contact_rollups
from metrics.store import Database, transaction
from modules.certificate import new_verification_code
from modules.content import (
    Lesson,
    Matching,
    MultipleChoice,
    Ordering,
    PlayableStep,
    Reflection,
    RolePlay,
    SingleChoice,
    TrainingModule,
    TrueFalse,
)
from modules.engine import (
    AttemptPlan,
    AttemptResult,
    build_plan,
    choose_reply,
    credit_for,
    current_node,
    describe_answer,
    score_attempt,
)
from modules.grading import (
    AnyAnswer,
    ChoiceAnswer,
    MatchingAnswer,
    OrderingAnswer,
    ReflectionAnswer,
    RolePlayAnswer,
    TrueFalseAnswer,
)
from modules.policy import CHANNELS, Policy

DEMO_PASSWORD = "academy-demo"
DEMO_ACCOUNTS: dict[str, str] = {
    "owner": "owner@demo.example",
    "supervisor": "supervisor@demo.example",
    "agent": "agent@demo.example",
}
DEMO_SOURCE = "demo"  # interactions.source of every generated contact
DEMO_EMAIL_DOMAIN = "demo.example"  # a reserved domain: no demo address can reach a real person
DEMO_SETTING = "demo"  # organisation_settings key present while demo data is loaded

# The three people behind DEMO_ACCOUNTS, fixed so the sign-in page can name them.
OWNER_NAME = "Maja Kovač"
SUPERVISOR_NAME = "Daniel Brooks"
DEMO_AGENT_NAME = "Elif Yılmaz"

TEAM_NAMES = ("Front line", "Orders & returns", "Billing")
# The front line takes most first contacts, so it gets the most agents.
TEAM_AGENT_SHARES = (0.45, 0.30, 0.25)
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

# Agent skill. Each agent has a wait factor (multiplies the typical wait), a resolution
# probability and a rating skill; improving agents move linearly from weak to good.
IMPROVER_SHARE = 0.10
WAIT_FACTOR_SIGMA = 0.25
WAIT_FACTOR_RANGE = (0.7, 1.6)
RESOLVE_MEAN = 0.75
RESOLVE_SPREAD = 0.05
RESOLVE_RANGE = (0.65, 0.85)
RATING_SKILL_SPREAD = 0.35
RATING_SKILL_RANGE = (-0.7, 0.7)
VOLUME_SPREAD = 0.10  # some agents take more contacts than others
VOLUME_RANGE = (0.8, 1.2)
IMPROVER_WAIT = (1.5, 0.9)
IMPROVER_RESOLVE = (0.50, 0.88)
IMPROVER_RATING = (-0.9, 0.3)

# Feedback: about one answered contact in five gets a rating, a few hours after it ended.
RATING_RESPONSE = 0.22
FEEDBACK_MIN_DELAY_S = 10 * 60
FEEDBACK_MEAN_DELAY_S = 3 * 3600
# The customer's mood: agent skill, a resolved problem and a wait beyond the standard count.
RESOLVED_BONUS = 0.9
LATE_PENALTY = 0.7  # per standard's length of lateness, counted up to two
MOOD_NOISE = 1.0
# Mood thresholds between 1|2|3|4|5 stars: ~80% of ratings are 4 or 5 (near the CSAT target).
STAR_THRESHOLDS = (-1.7, -1.0, -0.4, 0.8)
GOOD_THRESHOLD = -0.5  # e-mail surveys ask good or bad: ~85% say good
COMMENT_SHARE = 0.40

# Training history: demo agents play the mandatory modules through the real engine. Most finish
# them, some on a retake; a few stall part-way, give up after a failed attempt, or have not
# started (those are overdue, so a supervisor has someone to chase). The demo sign-in agent has
# no history at all: whoever tries the demo takes the training from the start.
TRAINING_IN_PROGRESS_SHARE = 0.10  # passed the first modules, an attempt at the last one open
TRAINING_GAVE_UP_SHARE = 0.10  # one attempt per module, no retake after a fail
TRAINING_NOT_STARTED_SHARE = 0.10
# The chance an agent answers a step right: their service skill over the period (resolution
# and rating skill, in spreads from the mean) moves it around the base. With partial
# credit for near misses, 0.82 scores ~0.86 in the policy module and ~0.83 in the complaints
# one, so at the usual pass mark of 80% about one first attempt in five (policy) or three
# (complaints, with its role-plays) fails.
ANSWER_RIGHT_BASE = 0.82
ANSWER_RIGHT_PER_SPREAD = 0.04
ANSWER_RIGHT_RANGE = (0.65, 0.95)
RETAKE_GAIN = 0.07  # a retake comes after the results screen showed what was missed
RUSHED_PENALTY = 0.08  # those who give up after one go rushed it
MAX_ATTEMPTS = 3  # a diligent agent still failing after three tries waits for coaching
# When a wrong reply in a role-play is merely acceptable (1 point) rather than harmful (0).
ACCEPTABLE_REPLY_SHARE = 0.65
# Business days between training sessions: the first session (most within the policy's due
# days, some well after), a retake, the next module. An attempt still open was last worked on
# a few business days before the end of the period: its agent is overdue but at it.
FIRST_SESSION_DAYS = (0, 10)
LATE_START_SHARE = 0.20
LATE_START_DAYS = (10, 60)
RETAKE_GAP_DAYS = (1, 5)
NEXT_MODULE_GAP_DAYS = (0, 8)
OPEN_ATTEMPT_DAYS_BEFORE_END = (1, 15)
# An attempt takes about the module's estimated time, within what a sitting really takes.
ATTEMPT_TIME_SIGMA = 0.25
ATTEMPT_TIME_RANGE_S = (15 * 60, 45 * 60)
PAUSE_FACTOR = (1.0, 1.25)  # wall-clock time also holds short pauses between steps
SESSION_GAP_S = 10 * 60  # two sessions on one day are at least this far apart
ACKNOWLEDGE_DELAY_S = (60, 10 * 60)  # the policy is signed right after its module is passed
# Relative reading and answering time per step kind.
STEP_WEIGHTS = {
    "lesson": 4.0,
    "single_choice": 1.5,
    "true_false": 1.0,
    "multiple_choice": 2.0,
    "ordering": 2.5,
    "matching": 3.0,
    "role_play": 6.0,
    "reflection": 4.0,
}
# What agents write when a module asks them to reflect: by step id for the shipped modules,
# else one of the general answers.
REFLECTIONS: dict[str, tuple[str, ...]] = {
    "hardest-standard": (
        "Answering e-mails in time on Mondays, when the weekend backlog is waiting. I will sort"
        " the queue by age first thing and ask for help before it slips.",
        "The follow-up deadline for complaints. I forget to call back when the day is busy, so I"
        " will set a reminder in the case as soon as I promise a call.",
        "Phone answer times at the morning peak. Keeping after-call notes short will help me get"
        " back to the queue sooner.",
        "Resolving on the first contact. I often hand billing questions on; I want to learn the"
        " common fixes so I can solve them myself.",
    ),
    "complaint-you-remember": (
        "A customer with a late delivery was passed between three people and nobody owned it."
        " Ownership was missed; I would take the case myself and give a date for my call back.",
        "Someone got a refund but never an apology, and wrote again angrier. I would acknowledge"
        " the problem first and only then explain what we can do.",
        "A colleague promised a replacement before checking stock. I would check, say what is"
        " possible, and confirm it in writing the same day.",
        "A complaint by chat was closed without a follow-up, and the customer called a week"
        " later. I would log it as a complaint and follow up within the policy's days.",
    ),
}
GENERAL_REFLECTIONS = (
    "I will repeat the customer's problem back before offering a solution, so they know I have"
    " understood it.",
    "The part about following up stayed with me: I will note every promise in the case and keep"
    " it, even when the answer is not ready yet.",
    "I tend to rush to the fix. Next time I will listen to the end and ask one more question"
    " before I suggest anything.",
)


@dataclass(frozen=True)
class NamePool:
    """First names and surnames of one language; Latvian surnames differ for women and men."""

    weight: float
    women: tuple[str, ...]
    men: tuple[str, ...]
    women_surnames: tuple[str, ...]
    men_surnames: tuple[str, ...]


_CROATIAN_SURNAMES = (
    "Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević", "Vuković",
    "Perić", "Pavlović", "Šimić", "Tomić", "Božić", "Grgić", "Đurić",
)  # fmt: skip
_HEBREW_SURNAMES = ("Levi", "Cohen", "Mizrahi", "Peretz", "Biton", "Friedman", "Avraham", "Katz")
_TURKISH_SURNAMES = ("Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan")
_ENGLISH_SURNAMES = ("Mitchell", "Walker", "Hughes", "Bennett", "Clarke", "Turner", "Price")

# A company in Zagreb: mostly Croatian staff, with colleagues from elsewhere. Hebrew names are
# written in Latin letters, as a European company's staff list would hold them.
NAME_POOLS: dict[str, NamePool] = {
    "hr": NamePool(
        0.45,
        ("Ana", "Ivana", "Petra", "Marija", "Lucija", "Katarina", "Nika", "Mia", "Đurđica"),
        ("Ivan", "Luka", "Marko", "Josip", "Tomislav", "Filip", "Matej", "Domagoj"),
        _CROATIAN_SURNAMES,
        _CROATIAN_SURNAMES,
    ),
    "lv": NamePool(
        0.12,
        ("Līga", "Ilze", "Kristīne", "Anna", "Elīna", "Dace", "Inese"),
        ("Jānis", "Andris", "Mārtiņš", "Edgars", "Kārlis", "Roberts", "Raivis"),
        ("Bērziņa", "Kalniņa", "Ozola", "Liepiņa", "Krūmiņa", "Zariņa", "Vītola"),
        ("Bērziņš", "Kalniņš", "Ozols", "Liepiņš", "Krūmiņš", "Zariņš", "Vītols"),
    ),
    "he": NamePool(
        0.11,
        ("Noa", "Tamar", "Yael", "Shira", "Maya", "Michal"),
        ("David", "Yosef", "Itai", "Omer", "Noam", "Ariel"),
        _HEBREW_SURNAMES,
        _HEBREW_SURNAMES,
    ),
    "tr": NamePool(
        0.12,
        ("Zeynep", "Ayşe", "Merve", "Büşra", "Esra", "Gökçe"),
        ("Mehmet", "Emre", "Burak", "Can", "Oğuz", "Mustafa"),
        _TURKISH_SURNAMES,
        _TURKISH_SURNAMES,
    ),
    "en": NamePool(
        0.20,
        ("Sarah", "Emily", "Hannah", "Olivia", "Grace", "Rachel"),
        ("James", "Thomas", "Oliver", "Samuel", "Ben", "George"),
        _ENGLISH_SURNAMES,
        _ENGLISH_SURNAMES,
    ),
}
# Redraw a name already on the staff list this many times before accepting a namesake.
MAX_NAME_DRAWS = 50
# Letters that Unicode does not decompose into a base letter plus accent.
_ASCII_LETTERS = str.maketrans({"ı": "i", "İ": "I", "đ": "d", "Đ": "D"})

# "positive" is 4-5 stars or good, "neutral" 3 stars, "negative" 1-2 stars or bad.
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


class DemoSummary(BaseModel):
    """What was generated (or removed): row counts and the local days the contacts span."""

    teams: int
    staff: int
    interactions: int
    feedback: int
    first_day: date | None
    last_day: date | None
    training_attempts: int = 0
    certificates: int = 0
    acknowledgements: int = 0


class DemoAlreadyPresent(RuntimeError):
    """The store already holds demo data; generating again would mix two demo organisations."""


def default_until(policy: Policy) -> date:
    """Yesterday in the organisation's time zone: the last full day of demo traffic."""
    today = datetime.now(ZoneInfo(policy.business_hours.timezone)).date()
    return today - timedelta(days=1)


def has_demo(db: Database) -> bool:
    """Whether demo data is loaded (demo staff kept by `remove_demo` do not count)."""
    with db.cursor() as cur:
        return _has_demo(cur)


def _has_demo(cur: Database) -> bool:
    row = cur.execute(
        "SELECT EXISTS (SELECT 1 FROM interactions WHERE is_demo)"
        " OR EXISTS (SELECT 1 FROM organisation_settings WHERE key = ?)",
        [DEMO_SETTING],
    ).fetchone()
    return bool(row and row[0])


def generate_demo(
    db: Database,
    policy: Policy,
    *,
    seed: int = 42,
    agents: int = 40,
    days: int = 180,
    until: date | None = None,
    modules: Sequence[TrainingModule] = (),
) -> DemoSummary:
    """Write a demo organisation with `days` days of traffic ending on `until`, in one transaction.

    With `modules`, the agents also get a training history in the mandatory ones: attempts
    played through the engine, with their answers, certificates and policy signatures.
    Raises DemoAlreadyPresent when demo data is already loaded.
    """
    if agents < len(TEAM_NAMES):
        raise ValueError(f"the demo needs at least {len(TEAM_NAMES)} agents, one per team")
    if days < 1:
        raise ValueError("the demo needs at least one day")
    calendar = _calendar(policy, until or default_until(policy), days)
    # Separate streams for names and traffic: names depend on the e-mails already taken in the
    # store, and that must not change the contacts generated.
    # Training has its own stream too, so adding modules leaves the contacts as they were.
    names_seed, traffic_seed, training_seed = np.random.SeedSequence(seed).spawn(3)
    with transaction(db) as cur:
        if _has_demo(cur):
            raise DemoAlreadyPresent(
                "this store already holds demo data; use --reset to replace it"
                " (imported data is kept)"
            )
        taken_emails = {email for (email,) in cur.execute("SELECT email FROM staff").fetchall()}
        clashing = sorted(taken_emails & set(DEMO_ACCOUNTS.values()))
        if clashing:
            raise DemoAlreadyPresent(
                f"the demo sign-in address(es) {', '.join(clashing)} already belong to staff in"
                " this store (kept because imported contacts refer to them); change their"
                " e-mail before generating the demo again"
            )
        taken_teams = {name for (name,) in cur.execute("SELECT name FROM teams").fetchall()}
        people = _people(np.random.default_rng(names_seed), agents, taken_emails)
        traffic_rng = np.random.default_rng(traffic_seed)
        skills = _skills(traffic_rng, agents)
        agent_team = np.array([p.team for p in people if p.role == "agent"])
        contacts = _all_contacts(traffic_rng, policy, calendar, skills, agent_team)
        feedback = _feedback(traffic_rng, policy, calendar, skills, contacts)

        team_ids, staff_ids = _insert_people(cur, people, taken_teams, calendar.range_start)
        agents_staff = [(i, p) for i, p in zip(staff_ids, people, strict=True) if p.role == "agent"]
        agent_ids = np.array([i for i, _ in agents_staff])
        _insert_traffic(cur, _interaction_frame(contacts, agent_ids, team_ids), feedback)
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)  # after the contacts' ratings, inserted with them
        # The demo sign-in agent is left out: whoever tries the demo starts the training fresh.
        trainees = [
            _Trainee(staff_id, person.name, agent)
            for agent, (staff_id, person) in enumerate(agents_staff)
            if not person.signs_in
        ]
        taken_codes = {code for (code,) in cur.execute("SELECT code FROM certificates").fetchall()}
        training = _training_history(
            random.Random(int(training_seed.generate_state(1)[0])),
            policy,
            calendar,
            skills,
            [module for module in modules if module.mandatory],
            trainees,
            taken_codes,
        )
        _insert_training(cur, training)
        for key, value in (
            ("organisation_name", f"{policy.organisation} (demo)"),
            (DEMO_SETTING, "true"),
        ):
            cur.execute(
                "INSERT INTO organisation_settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()",
                [key, value],
            )
    local_days = pd.to_datetime(contacts.queued, unit="s", utc=True).tz_convert(calendar.zone)
    return DemoSummary(
        teams=len(TEAM_NAMES),
        staff=len(people),
        interactions=len(contacts.queued),
        feedback=len(feedback),
        first_day=local_days.min().date() if len(local_days) else None,
        last_day=local_days.max().date() if len(local_days) else None,
        training_attempts=len(training.attempts),
        certificates=len(training.certificates),
        acknowledgements=len(training.acknowledgements),
    )


def remove_demo(db: Database) -> DemoSummary:
    """Delete the demo rows in one transaction and return how many of each went.

    Demo staff and teams that imported data still refers to (a contact's agent or queue, a
    staff member's team) are kept, so imported rows never point at nothing. The summary carries
    no days: the removed contacts are gone.
    """
    with transaction(db) as cur:
        # Generated training history first: its answers are found through the demo attempts.
        cur.execute(
            "DELETE FROM training_answers"
            " WHERE attempt_id IN (SELECT id FROM training_attempts WHERE is_demo)"
        )
        attempts = _deleted(cur, "DELETE FROM training_attempts WHERE is_demo")
        certificates = _deleted(cur, "DELETE FROM certificates WHERE is_demo")
        acknowledgements = _deleted(cur, "DELETE FROM policy_acknowledgements WHERE is_demo")
        feedback = _deleted(cur, "DELETE FROM feedback WHERE is_demo")
        # An imported contact sharing a case (source and case id) with demo contacts was
        # counted with them: its case is counted again once they are gone.
        forget_case_contacts(cur, "is_demo", [])
        interactions = _deleted(cur, "DELETE FROM interactions WHERE is_demo")
        refresh_case_contacts(cur)
        refresh_contact_rollups(cur)
        # What remains of interactions is imported data; only those rows can still refer to demo
        # staff and teams.
        staff = _deleted(
            cur,
            "DELETE FROM staff s WHERE s.is_demo"
            " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.agent_id = s.id)",
        )
        # Training records of demo staff who are gone go with them (demo accounts can take
        # the training for real, so those rows are not flagged demo themselves).
        for table, key in [
            ("training_answers", "attempt_id IN (SELECT id FROM training_attempts WHERE {gone})"),
            ("training_attempts", "{gone}"),
            ("certificates", "{gone}"),
            ("policy_acknowledgements", "{gone}"),
        ]:
            gone = "staff_id NOT IN (SELECT id FROM staff)"
            cur.execute(f"DELETE FROM {table} WHERE " + key.format(gone=gone))
        teams = _deleted(
            cur,
            "DELETE FROM teams t WHERE t.is_demo"
            " AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.team_id = t.id)"
            " AND NOT EXISTS (SELECT 1 FROM staff s WHERE s.team_id = t.id)",
        )
        cur.execute("DELETE FROM organisation_settings WHERE key = ?", [DEMO_SETTING])
        # The demo renamed the organisation; a name the owner set since then stays.
        cur.execute(
            "DELETE FROM organisation_settings WHERE key = 'organisation_name'"
            " AND value LIKE '% (demo)'"
        )
    return DemoSummary(
        teams=teams,
        staff=staff,
        interactions=interactions,
        feedback=feedback,
        first_day=None,
        last_day=None,
        training_attempts=attempts,
        certificates=certificates,
        acknowledgements=acknowledgements,
    )


def _deleted(cur: Database, sql: str) -> int:
    row = cur.execute(sql).fetchone()
    return int(row[0]) if row else 0


# --- The calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Calendar:
    """The business days of the demo period and their opening instants, as UTC epoch seconds."""

    zone: ZoneInfo
    range_start: int  # local midnight starting the first day
    horizon: int  # local midnight ending `until`: the moment the demo is a snapshot of
    opens: np.ndarray  # per business day
    closes: np.ndarray
    night_start: np.ndarray  # start of the closed hours before each business day
    weekday: np.ndarray  # 0 = Monday
    progress: np.ndarray  # 0 on the first day of the period, 1 on the last
    dates: np.ndarray  # datetime64[D]
    opening_second: int  # local second of the day the doors open

    @property
    def open_length_s(self) -> np.ndarray:
        return self.closes - self.opens


def _calendar(policy: Policy, until: date, days: int) -> _Calendar:
    hours = policy.business_hours
    zone = ZoneInfo(hours.timezone)
    first = until - timedelta(days=days - 1)
    weekmask = [day in hours.days for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")]
    every_day = np.arange(np.datetime64(first), np.datetime64(until) + 1)
    # The first business day after `until` too: messages sent on the last evening (or weekend)
    # wait for it, so the snapshot ends with a few of them still unanswered.
    next_open = np.busday_offset(np.datetime64(until) + 1, 0, roll="forward", weekmask=weekmask)
    dates = np.append(every_day[np.is_busday(every_day, weekmask=weekmask)], next_open)
    previous = np.busday_offset(dates, -1, weekmask=weekmask)
    range_start = _instants(np.array([np.datetime64(first)]), time(0, 0), zone)[0]
    horizon = _instants(np.array([np.datetime64(until) + 1]), time(0, 0), zone)[0]
    weekday = (dates.view("int64") + 3) % 7  # day 0, 1970-01-01, was a Thursday
    return _Calendar(
        zone=zone,
        range_start=int(range_start),
        horizon=int(horizon),
        opens=_instants(dates, hours.opens, zone),
        closes=_instants(dates, hours.closes, zone),
        night_start=np.maximum(_instants(previous, hours.closes, zone), range_start),
        weekday=weekday,
        progress=np.minimum(1, (dates - np.datetime64(first)).astype("int64") / max(days - 1, 1)),
        dates=dates,
        opening_second=_seconds(hours.opens),
    )


def _instants(dates: np.ndarray, clock: time, zone: ZoneInfo) -> np.ndarray:
    """UTC epoch seconds of a local clock time on each date."""
    local = pd.DatetimeIndex(dates.astype("datetime64[s]")) + pd.Timedelta(
        hours=clock.hour, minutes=clock.minute
    )
    # A clock time skipped or repeated by a daylight-saving change still needs one instant.
    utc = local.tz_localize(
        zone, ambiguous=np.zeros(len(local), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(utc.as_unit("s").asi8, dtype="int64")


# --- The people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    name: str
    email: str
    role: str
    team: int | None  # index into TEAM_NAMES
    signs_in: bool  # one of DEMO_ACCOUNTS: gets DEMO_PASSWORD


def _people(rng: np.random.Generator, agents: int, taken_emails: set[str]) -> list[_Person]:
    """The owner, one supervisor per team, then the agents grouped by team (team 0 first).

    The first agent is the demo agent: a middling, steady performer with a full history.
    """
    sizes = [max(1, int(agents * share)) for share in TEAM_AGENT_SHARES]
    sizes[0] += agents - sum(sizes)
    used_names = {OWNER_NAME, SUPERVISOR_NAME, DEMO_AGENT_NAME}
    used_emails = taken_emails | set(DEMO_ACCOUNTS.values())

    def someone(role: str, team: int) -> _Person:
        name = _new_name(rng, used_names)
        return _Person(name, _new_email(name, used_emails), role, team, signs_in=False)

    people = [_Person(OWNER_NAME, DEMO_ACCOUNTS["owner"], "owner", None, signs_in=True)]
    people.append(_Person(SUPERVISOR_NAME, DEMO_ACCOUNTS["supervisor"], "supervisor", 0, True))
    people += [someone("supervisor", team) for team in range(1, len(TEAM_NAMES))]
    people.append(_Person(DEMO_AGENT_NAME, DEMO_ACCOUNTS["agent"], "agent", 0, signs_in=True))
    people += [someone("agent", 0) for _ in range(sizes[0] - 1)]
    for team in range(1, len(TEAM_NAMES)):
        people += [someone("agent", team) for _ in range(sizes[team])]
    return people


def _new_name(rng: np.random.Generator, used: set[str]) -> str:
    """A name in one of the staff languages, not yet on the list if the pools allow."""
    pools = list(NAME_POOLS.values())
    weights = np.array([pool.weight for pool in pools])
    for _ in range(MAX_NAME_DRAWS):
        pool = pools[rng.choice(len(pools), p=weights / weights.sum())]
        if rng.random() < 0.5:
            first, surnames = pool.women, pool.women_surnames
        else:
            first, surnames = pool.men, pool.men_surnames
        name = f"{first[rng.integers(len(first))]} {surnames[rng.integers(len(surnames))]}"
        if name not in used:
            break
    used.add(name)
    return name


def _new_email(name: str, used: set[str]) -> str:
    """first.last@demo.example in plain ASCII; a namesake gets a number (ana.horvat2@...)."""
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
    local = ".".join(plain.encode("ascii", "ignore").decode().lower().split())
    email, number = f"{local}@{DEMO_EMAIL_DOMAIN}", 1
    while email in used:
        number += 1
        email = f"{local}{number}@{DEMO_EMAIL_DOMAIN}"
    used.add(email)
    return email


def _insert_people(
    cur: Database, people: list[_Person], taken_teams: set[str], created: int
) -> tuple[list[int], list[int]]:
    """Insert the teams and staff; return their ids (teams in TEAM_NAMES order, staff in order).

    A team name an imported team already uses gets " (demo)" appended, as names are unique.
    """
    created_at = pd.Timestamp(created, unit="s", tz="UTC").to_pydatetime()
    team_ids = []
    for name in TEAM_NAMES:
        unique_name = f"{name} (demo)" if name in taken_teams else name
        row = cur.execute(
            "INSERT INTO teams (name, is_demo, created_at) VALUES (?, true, ?) RETURNING id",
            [unique_name, created_at],
        ).fetchone()
        assert row is not None
        team_ids.append(int(row[0]))
    # One hash serves the three accounts: the demo password is published anyway, and each
    # hash costs tens of milliseconds by design.
    password_hash = hash_password(DEMO_PASSWORD)
    staff_ids = []
    for person in people:
        row = cur.execute(
            "INSERT INTO staff (name, email, team_id, role, password_hash, is_demo, created_at)"
            " VALUES (?, ?, ?, ?, ?, true, ?) RETURNING id",
            [
                person.name,
                person.email,
                None if person.team is None else team_ids[person.team],
                person.role,
                password_hash if person.signs_in else None,
                created_at,
            ],
        ).fetchone()
        assert row is not None
        staff_ids.append(int(row[0]))
    return team_ids, staff_ids


def _insert_traffic(cur: Database, interactions: pd.DataFrame, feedback: pd.DataFrame) -> None:
    """Bulk-insert the contacts, then the ratings linked to them by external id.

    Ids come from the sequences in external-id order, so the same demo gets the same ids.
    """
    cur.register("demo_interactions", interactions)
    cur.execute(
        "INSERT INTO interactions (source, external_id, channel, agent_id, team_id, case_id,"
        " queued_at, answered_at, resolved_at, abandoned, resolved, category, is_demo)"
        " SELECT ?, external_id, channel, agent_id, team_id, case_id, queued_at,"
        " answered_at, resolved_at, abandoned, resolved, category, true"
        " FROM demo_interactions ORDER BY external_id",
        [DEMO_SOURCE],
    )
    cur.unregister("demo_interactions")
    cur.register("demo_feedback", feedback)
    cur.execute(
        "INSERT INTO feedback (interaction_id, rating, scale, comment, received_at, is_demo)"
        " SELECT i.id, f.rating, f.scale, f.comment, f.received_at, true"
        " FROM demo_feedback f JOIN interactions i"
        " ON i.source = ? AND i.external_id = f.external_id ORDER BY f.external_id",
        [DEMO_SOURCE],
    )
    cur.unregister("demo_feedback")


# --- Agent skill --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Skills:
    """Per agent, each trait at the start and at the end of the period (equal unless improving)."""

    wait: tuple[np.ndarray, np.ndarray]  # multiplies the typical wait: below 1 is quicker
    resolve: tuple[np.ndarray, np.ndarray]  # probability a handled contact is resolved
    rating: tuple[np.ndarray, np.ndarray]  # added to the customer's mood
    volume: np.ndarray  # multiplies the contacts taken per day

    @staticmethod
    def at(
        trait: tuple[np.ndarray, np.ndarray], agent: np.ndarray, progress: np.ndarray
    ) -> np.ndarray:
        start, end = trait
        return start[agent] + (end[agent] - start[agent]) * progress


def _skills(rng: np.random.Generator, agents: int) -> _Skills:
    wait = np.clip(rng.lognormal(0.0, WAIT_FACTOR_SIGMA, agents), *WAIT_FACTOR_RANGE)
    resolve = np.clip(rng.normal(RESOLVE_MEAN, RESOLVE_SPREAD, agents), *RESOLVE_RANGE)
    rating = np.clip(rng.normal(0.0, RATING_SKILL_SPREAD, agents), *RATING_SKILL_RANGE)
    volume = np.clip(rng.normal(1.0, VOLUME_SPREAD, agents), *VOLUME_RANGE)
    # The demo agent (index 0) sits in the middle, so signing in as them shows a typical page.
    wait[0], resolve[0], rating[0], volume[0] = 1.0, RESOLVE_MEAN, 0.0, 1.0
    wait_end, resolve_end, rating_end = wait.copy(), resolve.copy(), rating.copy()
    improvers = rng.choice(
        np.arange(1, agents), size=max(1, round(agents * IMPROVER_SHARE)), replace=False
    )
    wait[improvers], wait_end[improvers] = IMPROVER_WAIT
    resolve[improvers], resolve_end[improvers] = IMPROVER_RESOLVE
    rating[improvers], rating_end[improvers] = IMPROVER_RATING
    return _Skills(
        wait=(wait, wait_end),
        resolve=(resolve, resolve_end),
        rating=(rating, rating_end),
        volume=volume,
    )


# --- Contacts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Contacts:
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

    def take(self, index: np.ndarray) -> _Contacts:
        return _Contacts(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def join(parts: list[_Contacts]) -> _Contacts:
        return _Contacts(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(_Contacts)
            }
        )


def _all_contacts(
    rng: np.random.Generator,
    policy: Policy,
    calendar: _Calendar,
    skills: _Skills,
    agent_team: np.ndarray,
) -> _Contacts:
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

    contacts = _Contacts.join([first, second, third])
    contacts = contacts.take(contacts.queued < calendar.horizon)
    return contacts.take(np.argsort(contacts.queued, kind="stable"))


def _follow_ups(
    rng: np.random.Generator,
    policy: Policy,
    calendar: _Calendar,
    skills: _Skills,
    agent_team: np.ndarray,
    present: np.ndarray,
    previous: _Contacts,
) -> _Contacts:
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
    calendar: _Calendar,
    skills: _Skills,
    agent: np.ndarray,
    team: np.ndarray,
    day: np.ndarray,
    channel: np.ndarray,
    category: np.ndarray,
    case: np.ndarray,
) -> _Contacts:
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
        load += PEAK_EXTRA_LOAD * np.exp(-(((clock - _seconds(peak)) / PEAK_LOAD_SPREAD_S) ** 2))
    load = np.where(calendar.weekday[day] == 0, load * MONDAY_LOAD, load)
    load = np.where(overnight, BACKLOG_LOAD, load)
    standard = _standards(policy)[channel]
    typical = (
        standard
        * np.array(WAIT_MEDIAN_SHARE)[channel]
        * _Skills.at(skills.wait, agent, progress)
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
    resolves = rng.random(n) < _Skills.at(skills.resolve, agent, progress)
    resolved = handled & resolves & (ended < calendar.horizon)
    return _Contacts(
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


def _arrival_offsets(rng: np.random.Generator, calendar: _Calendar, day: np.ndarray) -> np.ndarray:
    """Seconds after opening for contacts in open hours: two peaks over a flat base."""
    n = len(day)
    length = calendar.open_length_s[day]
    peak = rng.choice(len(ARRIVAL_MIX), size=n, p=ARRIVAL_MIX)
    centre = np.array([_seconds(MORNING_PEAK), _seconds(AFTERNOON_PEAK), 0])[peak]
    offset = rng.normal(centre - calendar.opening_second, PEAK_SPREAD_S)
    # The flat base, and any peak arrival drawn outside the open hours, spread over the day.
    flat = (peak == len(ARRIVAL_MIX) - 1) | (offset < 0) | (offset >= length)
    offset[flat] = rng.random(int(flat.sum())) * length[flat]
    return np.floor(offset).astype("int64")


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60


def _standards(policy: Policy) -> np.ndarray:
    """The policy's answer-within standard in seconds, in CHANNELS order."""
    return np.array([policy.standards.answer_within_s[channel] for channel in CHANNELS])


# --- Feedback -----------------------------------------------------------------------------------


def _feedback(
    rng: np.random.Generator,
    policy: Policy,
    calendar: _Calendar,
    skills: _Skills,
    contacts: _Contacts,
) -> pd.DataFrame:
    """Ratings for about a fifth of the answered contacts, ordered by the contact they rate."""
    n = len(contacts.queued)
    delay = FEEDBACK_MIN_DELAY_S + rng.exponential(FEEDBACK_MEAN_DELAY_S, n)
    received = contacts.ended + np.rint(delay).astype("int64")
    standard = _standards(policy)[contacts.channel]
    lateness = np.clip(contacts.wait / standard - 1, 0, 2)
    progress = calendar.progress[contacts.day]
    mood = (
        _Skills.at(skills.rating, contacts.agent, progress)
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


def _interaction_frame(
    contacts: _Contacts, agent_ids: np.ndarray, team_ids: list[int]
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


# --- Training history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Trainee:
    staff_id: int
    name: str
    agent: int  # index into the agents' skills


@dataclass(frozen=True)
class _Played:
    """One attempt played through the engine, not yet placed in time."""

    module: TrainingModule
    attempt_number: int
    plan: AttemptPlan
    position: int  # len(plan.steps) once finished
    answers: dict[str, AnyAnswer]
    seconds: list[int]  # time on each planned step before `position`
    gap_days: int  # business days after the agent's previous session
    result: AttemptResult | None  # None while the attempt is open


@dataclass
class _TrainingRows:
    """Rows for the four training tables; attempts are keyed by (staff, module, number)."""

    attempts: list[dict[str, object]] = field(default_factory=list)
    answers: list[dict[str, object]] = field(default_factory=list)
    certificates: list[dict[str, object]] = field(default_factory=list)
    acknowledgements: list[dict[str, object]] = field(default_factory=list)


def _training_history(
    rng: random.Random,
    policy: Policy,
    calendar: _Calendar,
    skills: _Skills,
    modules: list[TrainingModule],
    trainees: list[_Trainee],
    taken_codes: set[str],
) -> _TrainingRows:
    """Each trainee's story, played through the engine and placed on business days between the
    later of joining and the policy taking effect, and the end of the demo period."""
    rows = _TrainingRows()
    effective = _instants(
        np.array([np.datetime64(policy.effective_from)]), time(0, 0), calendar.zone
    )
    start = max(calendar.range_start, int(effective[0]))  # every demo person joined at the start
    days = np.flatnonzero((calendar.opens >= start) & (calendar.closes <= calendar.horizon))
    if not modules or not trainees or len(days) == 0:
        return rows
    chances = [_answer_chance(skills, trainee.agent) for trainee in trainees]
    stories = _stories(rng, chances)
    pass_mark = policy.training.pass_mark
    for trainee, chance, story in zip(trainees, chances, stories, strict=True):
        played = _play_story(rng, modules, story, chance, pass_mark)
        _place(rng, policy, calendar, days, trainee, played, taken_codes, rows)
    return rows


def _answer_chance(skills: _Skills, agent: int) -> float:
    """How likely the agent answers a step right: good service and good training go together.
    The period's average skill counts, so an improving agent is middling rather than weak."""
    resolve = (skills.resolve[0][agent] + skills.resolve[1][agent]) / 2
    rating = (skills.rating[0][agent] + skills.rating[1][agent]) / 2
    spreads = (resolve - RESOLVE_MEAN) / RESOLVE_SPREAD + rating / RATING_SKILL_SPREAD
    return float(
        np.clip(ANSWER_RIGHT_BASE + ANSWER_RIGHT_PER_SPREAD * spreads, *ANSWER_RIGHT_RANGE)
    )


def _stories(rng: random.Random, chances: list[float]) -> list[str]:
    """'complete', 'in progress', 'gave up' or 'not started' for each trainee. Those who give up
    after one go come from the weaker half; the rest are drawn at random."""
    n = len(chances)
    gave_up_count = round(n * TRAINING_GAVE_UP_SHARE)
    weaker = sorted(range(n), key=lambda i: chances[i])[: max(n // 2, gave_up_count)]
    gave_up = set(rng.sample(weaker, gave_up_count))
    rest = [i for i in range(n) if i not in gave_up]
    rng.shuffle(rest)
    not_started = round(n * TRAINING_NOT_STARTED_SHARE)
    in_progress = round(n * TRAINING_IN_PROGRESS_SHARE)
    stories = ["gave up" if i in gave_up else "complete" for i in range(n)]
    for i in rest[:not_started]:
        stories[i] = "not started"
    for i in rest[not_started : not_started + in_progress]:
        stories[i] = "in progress"
    return stories


def _play_story(
    rng: random.Random, modules: list[TrainingModule], story: str, chance: float, pass_mark: float
) -> list[_Played]:
    """The attempts of one agent, module after module, as far as the story goes: a diligent
    agent retakes a failed module (up to MAX_ATTEMPTS), one who gives up stops at a fail, and one
    in progress leaves the last module part-way. Whether an attempt passes is what its answers
    score."""
    if story == "not started":
        return []
    if story == "gave up":
        chance -= RUSHED_PENALTY
    played: list[_Played] = []
    late = rng.random() < LATE_START_SHARE
    gap = rng.randint(*(LATE_START_DAYS if late else FIRST_SESSION_DAYS))
    for index, module in enumerate(modules):
        if story == "in progress" and index == len(modules) - 1:
            played.append(_play(rng, module, 1, chance, gap, None))  # placed by `_place`
            break
        passed = False
        for number in range(1, (1 if story == "gave up" else MAX_ATTEMPTS) + 1):
            retake_chance = min(chance + RETAKE_GAIN * (number - 1), ANSWER_RIGHT_RANGE[1])
            attempt = _play(rng, module, number, retake_chance, gap, pass_mark)
            played.append(attempt)
            passed = attempt.result is not None and attempt.result.passed
            if passed:
                break
            gap = rng.randint(*RETAKE_GAP_DAYS)
        if not passed:
            break
        gap = rng.randint(*NEXT_MODULE_GAP_DAYS)
    return played


def _play(
    rng: random.Random,
    module: TrainingModule,
    number: int,
    chance: float,
    gap_days: int,
    pass_mark: float | None,
) -> _Played:
    """An attempt with a fresh plan, each step answered right with probability `chance`, and
    scored against `pass_mark`; without one it is left open part-way, before the step at its
    position."""
    plan = build_plan(module, rng)
    steps = [module.step(planned.step_id) for planned in plan.steps]
    finish = pass_mark is not None
    position = len(steps) if finish else rng.randint(1, max(1, len(steps) - 1))
    answers: dict[str, AnyAnswer] = {}
    for step in steps[:position]:
        answer = _answer(rng, step, chance)
        if answer is not None:
            answers[step.id] = answer
    minutes = module.estimated_minutes * 60 * rng.lognormvariate(0, ATTEMPT_TIME_SIGMA)
    total = min(max(minutes, ATTEMPT_TIME_RANGE_S[0]), ATTEMPT_TIME_RANGE_S[1])
    weights = [STEP_WEIGHTS.get(step.kind, 2.0) * rng.uniform(0.6, 1.4) for step in steps]
    seconds = [max(1, round(total * weight / sum(weights))) for weight in weights]
    return _Played(
        module=module,
        attempt_number=number,
        plan=plan,
        position=position,
        answers=answers,
        seconds=seconds[:position],
        gap_days=gap_days,
        result=None if pass_mark is None else score_attempt(module, plan, answers, pass_mark),
    )


def _answer(rng: random.Random, step: PlayableStep, chance: float) -> AnyAnswer | None:
    """The agent's answer: right with probability `chance`, else a plausible near miss."""
    if isinstance(step, Lesson):
        return None
    if isinstance(step, Reflection):
        texts = REFLECTIONS.get(step.id, GENERAL_REFLECTIONS)
        long_enough = [text for text in texts if len(text) >= step.min_characters]
        return ReflectionAnswer(text=rng.choice(long_enough or [" ".join(texts)]))
    if isinstance(step, RolePlay):
        best = _best_points(step)
        play: RolePlayAnswer | None = None
        while play is None or play.ending is None:
            reply = _reply(rng, step, best, current_node(step, play), chance)
            play = choose_reply(step, play, reply)
        return play
    right = rng.random() < chance
    if isinstance(step, TrueFalse):
        return TrueFalseAnswer(value=step.answer == right)
    if isinstance(step, SingleChoice):
        options = [i for i, option in enumerate(step.options) if option.correct == right]
        return ChoiceAnswer(selected=[rng.choice(options)])
    if isinstance(step, MultipleChoice):
        key = [i for i, option in enumerate(step.options) if option.correct]
        wrong = [i for i, option in enumerate(step.options) if not option.correct]
        if right:
            return ChoiceAnswer(selected=key)
        if len(key) > 1 and rng.random() < 0.5:
            key.remove(rng.choice(key))  # one right option missed
            return ChoiceAnswer(selected=key)
        return ChoiceAnswer(selected=sorted([*key, rng.choice(wrong)]))  # one wrong ticked too
    if isinstance(step, Ordering):
        order = list(range(len(step.items)))
        if not right:  # two neighbours swapped
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        return OrderingAnswer(order=order)
    assert isinstance(step, Matching)
    picked: list[str | None] = [pair.answer for pair in step.pairs]
    if not right:  # one item matched wrongly
        i = rng.randrange(len(picked))
        picked[i] = rng.choice([c for c in step.choices if c != step.pairs[i].answer])
    return MatchingAnswer(picked=picked)


def _best_points(step: RolePlay) -> dict[str, int]:
    """The most points a path from each node can collect (`RolePlay.best_points` for every node
    at once: each node is worked out once rather than once per path through it)."""
    best: dict[str, int] = {}

    def walk(node_id: str) -> int:
        if node_id not in best:
            choices = step.nodes[node_id].choices
            best[node_id] = max((c.points + walk(c.next) for c in choices), default=0)
        return best[node_id]

    for node_id in step.nodes:
        walk(node_id)
    return best


def _reply(
    rng: random.Random, step: RolePlay, best_points: dict[str, int], node_id: str, chance: float
) -> int:
    """The best reply with probability `chance`; else an acceptable one, or a harmful one."""
    choices = step.nodes[node_id].choices
    value = [choice.points + best_points[choice.next] for choice in choices]
    best = max(range(len(choices)), key=lambda i: value[i])
    if rng.random() < chance:
        return best
    others = [i for i in range(len(choices)) if i != best]
    acceptable = [i for i in others if choices[i].points > 0]
    harmful = [i for i in others if choices[i].points == 0]
    if acceptable and (not harmful or rng.random() < ACCEPTABLE_REPLY_SHARE):
        return rng.choice(acceptable)
    return rng.choice(harmful or others)


def _place(
    rng: random.Random,
    policy: Policy,
    calendar: _Calendar,
    days: np.ndarray,
    trainee: _Trainee,
    played: list[_Played],
    taken_codes: set[str],
    rows: _TrainingRows,
) -> None:
    """Put the trainee's sessions on business days in working hours and add their rows. A history
    longer than the period is compressed to fit; a session that would end after the period is
    dropped with those after it (it has not happened yet)."""
    if not played:
        return
    day_index = np.cumsum([attempt.gap_days for attempt in played])
    if day_index[-1] > len(days) - 1:
        day_index = np.floor(day_index * (len(days) - 1) / day_index[-1]).astype("int64")
    if played[-1].result is None:
        recent = len(days) - rng.randint(*OPEN_ATTEMPT_DAYS_BEFORE_END)
        earlier = day_index[-2] if len(played) > 1 else 0
        day_index[-1] = max(earlier, recent, 0)
    previous_end = 0
    signed = False
    for attempt, index in zip(played, day_index, strict=True):
        day = days[index]
        pause = rng.uniform(*PAUSE_FACTOR)
        ends = np.cumsum([round(seconds * pause) for seconds in attempt.seconds])
        wall = int(ends[-1]) if len(ends) else 0
        earliest = max(int(calendar.opens[day]), previous_end + SESSION_GAP_S)
        latest = int(calendar.closes[day]) - wall
        started = earliest + int(rng.random() * max(0, latest - earliest))
        if started + wall >= calendar.horizon:
            return
        previous_end = last_active = started + wall
        result = attempt.result
        key = {
            "staff_id": trainee.staff_id,
            "module_id": attempt.module.id,
            "attempt_number": attempt.attempt_number,
        }
        rows.attempts.append(
            {
                **key,
                "module_version": attempt.module.version,
                "module_title": attempt.module.title,
                "policy_version": policy.version,
                "plan": attempt.plan.model_dump_json(),
                "position": attempt.position,
                "started_at": started,
                "last_active_at": last_active,
                "completed_at": last_active if result else None,
                "time_spent_s": sum(attempt.seconds),
                "points": result.points if result else None,
                "max_points": result.max_points if result else None,
                "score": result.score if result else None,
                "pass_mark": result.pass_mark if result else None,
                "passed": result.passed if result else None,
            }
        )
        for planned, end in zip(attempt.plan.steps, ends, strict=False):
            answer = attempt.answers.get(planned.step_id)
            if answer is None:
                continue
            step = attempt.module.step(planned.step_id)
            rows.answers.append(
                {
                    **key,
                    "step_id": step.id,
                    "step_kind": step.kind,
                    "answer": answer.model_dump_json(),
                    "answer_text": describe_answer(step, answer),
                    "credit": credit_for(step, answer),
                    "points": getattr(step, "points", None),
                    "answered_at": started + int(end),
                }
            )
        if result is None or not result.passed:
            continue
        code = new_verification_code(rng)
        while code in taken_codes:
            code = new_verification_code(rng)
        taken_codes.add(code)
        rows.certificates.append(
            {
                **key,
                "code": code,
                "staff_name": trainee.name,
                "module_title": attempt.module.title,
                "module_version": attempt.module.version,
                "policy_version": policy.version,
                "score": result.score,
                "pass_mark": result.pass_mark,
                "issued_at": last_active,
            }
        )
        if attempt.module.acknowledges_policy and not signed:
            signed = True
            delay = rng.randint(*ACKNOWLEDGE_DELAY_S)
            rows.acknowledgements.append(
                {
                    "staff_id": trainee.staff_id,
                    "policy_version": policy.version,
                    "typed_name": trainee.name,
                    "acknowledged_at": min(last_active + delay, calendar.horizon - 1),
                }
            )


def _timestamps(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, unit="s", utc=True)


def _insert_training(cur: Database, rows: _TrainingRows) -> None:
    """Bulk-insert the training rows; answers and certificates find their attempt's id by its
    natural key. Attempt ids come in the order the rows were made, so the same demo gets the
    same ids."""
    if not rows.attempts:
        return
    attempts = pd.DataFrame(rows.attempts).astype(
        {
            "points": "Float64",
            "max_points": "Int64",
            "score": "Float64",
            "pass_mark": "Float64",
            "passed": "boolean",
        }
    )
    attempts["order"] = range(len(attempts))
    for column in ("started_at", "last_active_at", "completed_at"):
        attempts[column] = _timestamps(attempts[column].astype("Float64"))
    columns = (
        "staff_id, module_id, module_version, module_title, policy_version, attempt_number,"
        " plan, position, started_at, last_active_at, completed_at, time_spent_s, points,"
        " max_points, score, pass_mark, passed"
    )
    same_attempt = (
        " JOIN training_attempts a ON a.is_demo AND a.staff_id = d.staff_id"
        " AND a.module_id = d.module_id AND a.attempt_number = d.attempt_number"
    )
    cur.register("demo_attempts", attempts)
    cur.execute(
        f"INSERT INTO training_attempts ({columns}, is_demo)"
        f' SELECT {columns}, true FROM demo_attempts ORDER BY "order"'
    )
    cur.unregister("demo_attempts")
    if rows.answers:
        answers = pd.DataFrame(rows.answers).astype({"credit": "Float64", "points": "Int64"})
        answers["answered_at"] = _timestamps(answers["answered_at"])
        cur.register("demo_answers", answers)
        cur.execute(
            "INSERT INTO training_answers (attempt_id, step_id, step_kind, answer, answer_text,"
            " credit, points, answered_at)"
            " SELECT a.id, d.step_id, d.step_kind, d.answer, d.answer_text, d.credit, d.points,"
            " d.answered_at FROM demo_answers d" + same_attempt
        )
        cur.unregister("demo_answers")
    if rows.certificates:
        certificates = pd.DataFrame(rows.certificates)
        certificates["issued_at"] = _timestamps(certificates["issued_at"])
        cur.register("demo_certificates", certificates)
        cur.execute(
            "INSERT INTO certificates (code, attempt_id, staff_id, staff_name, module_id,"
            " module_title, module_version, policy_version, score, pass_mark, issued_at, is_demo)"
            " SELECT d.code, a.id, d.staff_id, d.staff_name, d.module_id, d.module_title,"
            " d.module_version, d.policy_version, d.score, d.pass_mark, d.issued_at, true"
            " FROM demo_certificates d" + same_attempt + " ORDER BY a.id"
        )
        cur.unregister("demo_certificates")
    if rows.acknowledgements:
        signatures = pd.DataFrame(rows.acknowledgements)
        signatures["acknowledged_at"] = _timestamps(signatures["acknowledged_at"])
        cur.register("demo_acknowledgements", signatures)
        cur.execute(
            "INSERT INTO policy_acknowledgements (staff_id, policy_version, typed_name,"
            " acknowledged_at, is_demo)"
            " SELECT staff_id, policy_version, typed_name, acknowledged_at, true"
            " FROM demo_acknowledgements"
        )
        cur.unregister("demo_acknowledgements")
