"""The demo organisation's people: the owner, supervisors and agents with multilingual names,
the three sign-in accounts, and each agent's skill, which shapes their contacts and training."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.people import hash_password
from metrics.store import Database

DEMO_PASSWORD = "academy-demo"
DEMO_ACCOUNTS: dict[str, str] = {
    "owner": "owner@demo.example",
    "supervisor": "supervisor@demo.example",
    "agent": "agent@demo.example",
}
DEMO_EMAIL_DOMAIN = "demo.example"  # a reserved domain: no demo address can reach a real person

# The three people behind DEMO_ACCOUNTS, fixed so the sign-in page can name them.
OWNER_NAME = "Maja Kovač"
SUPERVISOR_NAME = "Daniel Brooks"
DEMO_AGENT_NAME = "Elif Yılmaz"

TEAM_NAMES = ("Front line", "Orders & returns", "Billing")
# The front line takes most first contacts, so it gets the most agents.
TEAM_AGENT_SHARES = (0.45, 0.30, 0.25)

# Agent skill. Each agent has a wait factor (multiplies the typical wait), a resolution
# probability and a rating skill (added to the customer's mood); improving agents move linearly
# from weak to good over the period. A real team is mostly agents near or above the policy's
# targets, a few clearly below one, a few improving: with the shipped policy (service level
# 80%, resolution 75%, CSAT 85%) about three in four of the steady agents meet every target
# over four weeks, and the rest fall just short of one, too close to call.
IMPROVER_SHARE = 0.10
STRUGGLING_SHARE = 0.10  # clearly below a target, whatever the sample
# The steady agents (the rest): quick enough for ~85% within the standard, resolving ~82%,
# rated well; spreads wide enough that some fall just under a target.
WAIT_FACTOR_MEDIAN = 0.75
WAIT_FACTOR_SIGMA = 0.12
WAIT_FACTOR_RANGE = (0.6, 1.1)
RESOLVE_MEAN = 0.83
RESOLVE_SPREAD = 0.03
RESOLVE_RANGE = (0.74, 0.90)
RATING_SKILL_SPREAD = 0.30
RATING_SKILL_RANGE = (-0.6, 0.7)
VOLUME_SPREAD = 0.10  # some agents take more contacts than others
VOLUME_RANGE = (0.8, 1.2)
# Struggling agents: slow (~65% within the standard), resolving ~64%, rated lower.
STRUGGLING_WAIT = 1.50
STRUGGLING_RESOLVE = 0.64
STRUGGLING_RATING = -0.60
# Improving agents, from the start of the period to its end: weak at first, steady by the end.
IMPROVER_WAIT = (1.6, 0.8)
IMPROVER_RESOLVE = (0.55, 0.84)
IMPROVER_RATING = (-0.9, 0.2)
# An improving agent's coaching shows over the last eight weeks of the demo (all of a shorter
# demo): the dashboard's four weeks and the four before them, so Most improved finds them.
IMPROVEMENT_DAYS = 56


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


# --- The people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str
    team: int | None  # index into TEAM_NAMES
    signs_in: bool  # one of DEMO_ACCOUNTS: gets DEMO_PASSWORD


def draw_people(rng: np.random.Generator, agents: int, taken_emails: set[str]) -> list[Person]:
    """The owner, one supervisor per team, then the agents grouped by team (team 0 first).

    The first agent is the demo agent: a middling, steady performer with a full history.
    """
    sizes = [max(1, int(agents * share)) for share in TEAM_AGENT_SHARES]
    sizes[0] += agents - sum(sizes)
    used_names = {OWNER_NAME, SUPERVISOR_NAME, DEMO_AGENT_NAME}
    used_emails = taken_emails | set(DEMO_ACCOUNTS.values())

    def someone(role: str, team: int) -> Person:
        name = _new_name(rng, used_names)
        return Person(name, _new_email(name, used_emails), role, team, signs_in=False)

    people = [Person(OWNER_NAME, DEMO_ACCOUNTS["owner"], "owner", None, signs_in=True)]
    people.append(Person(SUPERVISOR_NAME, DEMO_ACCOUNTS["supervisor"], "supervisor", 0, True))
    people += [someone("supervisor", team) for team in range(1, len(TEAM_NAMES))]
    people.append(Person(DEMO_AGENT_NAME, DEMO_ACCOUNTS["agent"], "agent", 0, signs_in=True))
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


def insert_people(
    cur: Database, people: list[Person], taken_teams: set[str], created: int
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


# --- Agent skill --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skills:
    """Per agent, each trait at the start and at the end of the period (equal unless improving)."""

    wait: tuple[np.ndarray, np.ndarray]  # multiplies the typical wait: below 1 is quicker
    resolve: tuple[np.ndarray, np.ndarray]  # probability a handled contact is resolved
    rating: tuple[np.ndarray, np.ndarray]  # added to the customer's mood
    volume: np.ndarray  # multiplies the contacts taken per day
    # Per agent, how far into the period (0 to 1) their change starts: it then runs linearly
    # to the end. Only improving agents change at all.
    change_from: np.ndarray

    def at(
        self, trait: tuple[np.ndarray, np.ndarray], agent: np.ndarray, progress: np.ndarray
    ) -> np.ndarray:
        """Each contact's agent's `trait` at that point of the period (`progress`, 0 to 1)."""
        start, end = trait
        began = self.change_from[agent]
        done = np.clip((progress - began) / (1 - began), 0, 1)
        return start[agent] + (end[agent] - start[agent]) * done


def draw_skills(rng: np.random.Generator, agents: int, days: int) -> Skills:
    """Each agent's skill over a demo of `days` days (see the constants): most steady around
    good values, a few struggling and a few improving; the demo agent (index 0) is a steady
    agent at the centre."""
    wait = np.clip(
        rng.lognormal(np.log(WAIT_FACTOR_MEDIAN), WAIT_FACTOR_SIGMA, agents), *WAIT_FACTOR_RANGE
    )
    resolve = np.clip(rng.normal(RESOLVE_MEAN, RESOLVE_SPREAD, agents), *RESOLVE_RANGE)
    rating = np.clip(rng.normal(0.0, RATING_SKILL_SPREAD, agents), *RATING_SKILL_RANGE)
    volume = np.clip(rng.normal(1.0, VOLUME_SPREAD, agents), *VOLUME_RANGE)
    # The demo agent sits in the middle, so signing in as them shows a typical page.
    wait[0], resolve[0], rating[0], volume[0] = WAIT_FACTOR_MEDIAN, RESOLVE_MEAN, 0.0, 1.0
    wait_end, resolve_end, rating_end = wait.copy(), resolve.copy(), rating.copy()
    others = np.arange(1, agents)
    improving = max(1, round(agents * IMPROVER_SHARE))
    struggling = max(1, round(agents * STRUGGLING_SHARE))
    chosen = rng.choice(others, size=min(len(others), improving + struggling), replace=False)
    improvers, strugglers = chosen[:improving], chosen[improving:]
    wait[improvers], wait_end[improvers] = IMPROVER_WAIT
    resolve[improvers], resolve_end[improvers] = IMPROVER_RESOLVE
    rating[improvers], rating_end[improvers] = IMPROVER_RATING
    for trait, end, value in (
        (wait, wait_end, STRUGGLING_WAIT),
        (resolve, resolve_end, STRUGGLING_RESOLVE),
        (rating, rating_end, STRUGGLING_RATING),
    ):
        trait[strugglers] = end[strugglers] = value
    change_from = np.zeros(agents)
    change_from[improvers] = max(0.0, 1 - IMPROVEMENT_DAYS / days)
    return Skills(
        wait=(wait, wait_end),
        resolve=(resolve, resolve_end),
        rating=(rating, rating_end),
        volume=volume,
        change_from=change_from,
    )
