"""The demo agents' training history, played through the real engine: attempts with every
answer, retakes, certificates and policy signatures, a few still in progress or not started."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import time

import numpy as np
import pandas as pd

from metrics.demo.calendar import Calendar, instants
from metrics.demo.people import RATING_SKILL_SPREAD, RESOLVE_MEAN, RESOLVE_SPREAD, Skills
from metrics.store import Database
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
from modules.policy import Policy

# Training history: demo agents play the mandatory modules through the real engine. Most finish
# them, some on a retake; a few stall part-way, give up after a failed attempt, or have not
# started (those are overdue, so a supervisor has someone to chase). The demo sign-in agent has
# no history at all: whoever tries the demo takes the training from the start.
TRAINING_IN_PROGRESS_SHARE = 0.10  # passed the first modules, an attempt at the last one open
TRAINING_GAVE_UP_SHARE = 0.10  # one attempt per module, no retake after a fail
TRAINING_NOT_STARTED_SHARE = 0.10
# The chance an agent answers a step right: their service skill over the period (resolution
# and rating skill, in spreads from the mean) moves it around the base. With partial
# credit for near misses, 0.84 scores ~0.85 in the policy module and ~0.83 in the complaints
# one, so at the usual pass mark of 80% about one first attempt in four (policy) or three
# (complaints, with its role-plays and the customers it must keep) fails.
ANSWER_RIGHT_BASE = 0.84
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


# --- Training history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Trainee:
    staff_id: int
    name: str
    agent: int | None  # index into the agents' skills; None for the leaders below


# The demo owner and the demo supervisor roll the training out: they took it first, and passed.
LEADER_ANSWER_CHANCE = 0.95


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


def training_history(
    rng: random.Random,
    policy: Policy,
    calendar: Calendar,
    skills: Skills,
    modules: list[TrainingModule],
    trainees: list[Trainee],
    taken_codes: set[str],
) -> _TrainingRows:
    """Each trainee's story, played through the engine and placed on business days between the
    later of joining and the policy taking effect, and the end of the demo period: agents in
    every state, leaders (no agent index) complete."""
    rows = _TrainingRows()
    effective = instants(
        np.array([np.datetime64(policy.effective_from)]), time(0, 0), calendar.zone
    )
    start = max(calendar.range_start, int(effective[0]))  # every demo person joined at the start
    days = np.flatnonzero((calendar.opens >= start) & (calendar.closes <= calendar.horizon))
    if not modules or not trainees or len(days) == 0:
        return rows
    chances = [
        LEADER_ANSWER_CHANCE if trainee.agent is None else _answer_chance(skills, trainee.agent)
        for trainee in trainees
    ]
    agents = [i for i, trainee in enumerate(trainees) if trainee.agent is not None]
    stories = ["complete"] * len(trainees)
    for i, story in zip(agents, _stories(rng, [chances[i] for i in agents]), strict=True):
        stories[i] = story
    pass_mark = policy.training.pass_mark
    for trainee, chance, story in zip(trainees, chances, stories, strict=True):
        played = _play_story(rng, modules, story, chance, pass_mark)
        _place(rng, policy, calendar, days, trainee, played, taken_codes, rows)
    return rows


def _answer_chance(skills: Skills, agent: int) -> float:
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
        previous: AttemptPlan | None = None
        for number in range(1, (1 if story == "gave up" else MAX_ATTEMPTS) + 1):
            retake_chance = min(chance + RETAKE_GAIN * (number - 1), ANSWER_RIGHT_RANGE[1])
            attempt = _play(rng, module, number, retake_chance, gap, pass_mark, previous)
            previous = attempt.plan
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
    previous: AttemptPlan | None = None,
) -> _Played:
    """An attempt with a fresh plan (a retake's drawn against the `previous` attempt's, as the
    app draws it), each step answered right with probability `chance`, and scored against
    `pass_mark`; without one it is left open part-way, before the step at its position."""
    plan = build_plan(module, rng, previous)
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
    calendar: Calendar,
    days: np.ndarray,
    trainee: Trainee,
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


def join_as_new_starter(cur: Database, calendar: Calendar, staff_id: int) -> None:
    """Record that `staff_id` joined when the doors opened on the period's last business day:
    their mandatory training is due the policy's days from then (see
    `metrics.training.records.training_standing`), not overdue on their first day."""
    openings = calendar.opens[calendar.opens < calendar.horizon]
    joined = int(openings[-1]) if len(openings) else calendar.horizon - 1
    cur.execute(
        "UPDATE staff SET created_at = ? WHERE id = ?",
        [pd.Timestamp(joined, unit="s", tz="UTC").to_pydatetime(), staff_id],
    )


def _timestamps(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, unit="s", utc=True)


def insert_training(cur: Database, rows: _TrainingRows) -> None:
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
