"""What each `academy` command does, wherever it runs: in the command's own process, or inside
the running app when the app holds the store (`training_app/cli.py` decides, `training_app/api.py`
runs it there). Either way the same handler writes the same lines to the `Invocation`'s streams
and returns the same exit status, and every failure becomes one line (`run`).

The JSON-able answers the HTTP API shares (`import_answer`, `agent_report_answer`) are here too,
so that a route and a command give the same answer by construction.

Modules heavier than the store itself (pandas, the demo generator, the importer, Pydantic's
models of people and the policy) are imported inside the handlers that use them: a report does
not pay for an import's code, and `academy report agents` imports no Pydantic and no YAML parser
(it reads the policy in force through its kept figures, `metrics/policy_figures.py`).
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from metrics.complaints.import_format import COMPLAINTS_FORMAT
from metrics.store import (
    Database,
    DatabaseLockedError,
    StoreNotFound,
    StoreUnusable,
    failure_kind,
)
from metrics.store_path import beside_store
from metrics.viewer import AccessDenied, Viewer
from modules.defaults import Channel
from training_app import invocation
from training_app.invocation import CommandError, Invocation, missing_store_message

if TYPE_CHECKING:
    from metrics.coaching.impact import TrainingImpact
    from metrics.complaints.imports import ComplaintImportResult
    from metrics.contacts.imports import ImportResult
    from metrics.training.compliance import ComplianceReport
    from modules.policy import Policy
    from modules.policy_figures import PolicyFigures

ERROR_LOG_SUFFIX = ".errors.log"  # beside the store: the details of an unexpected failure
LOCKED_STATUS = 2  # the store is held by another process: try again later, not a bad command

log = logging.getLogger("academy.commands")


# --- Running a command: one line for every failure ---------------------------------------------


def run(args: argparse.Namespace, inv: Invocation) -> int:
    """Run the parsed command; every failure is one line on `inv.err` and a non-zero status."""
    handler = HANDLERS[args.spec.handler]
    try:
        return int(handler(args, inv))
    except BrokenPipeError:
        raise  # the reader went away: the command line's business, not an error to report
    except Exception as exc:
        lines, status = failure_lines(exc, args, inv)
        for line in lines:
            print(line, file=inv.err)
        return status


def failure_lines(
    exc: Exception, args: argparse.Namespace, inv: Invocation
) -> tuple[list[str], int]:
    """What to tell the user about `exc`, and the exit status."""
    # Imported here, not at the top: a command that succeeds (a report) does not load them.
    from pydantic import ValidationError

    from metrics.organisation import PolicyStatusError
    from metrics.people import PeopleError
    from modules.content_errors import ContentError

    if isinstance(exc, ContentError):
        issues = [str(issue) for issue in exc.issues]
        if len(issues) == 1:
            return issues, 1
        return [*issues, f"{len(issues)} problem(s) found; nothing was changed."], 1
    if isinstance(exc, DatabaseLockedError):
        return [f"academy: {exc}"], LOCKED_STATUS
    if isinstance(exc, StoreNotFound):
        return [f"academy: {missing_store_message(exc.file)}"], 1
    if isinstance(exc, ValidationError):
        lines = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"academy: {where}: {message}" if where else f"academy: {message}")
        return lines, 1
    if isinstance(exc, CommandError):
        return [f"academy: {exc}"], exc.status
    if isinstance(exc, PeopleError | AccessDenied | PolicyStatusError | StoreUnusable):
        return [f"academy: {exc}"], 1
    kind = failure_kind(exc)
    if kind == "disk_full":
        return [
            f"academy: {inv.store}: the disk is full (no space left on the device); nothing was "
            f"stored: free some space on that disk, or move the store (--db), and run the "
            f"command again"
        ], 1
    if kind == "out_of_memory":
        what = f"import: {args.file}" if getattr(args, "command", None) == "import" else inv.store
        return [
            f"academy: {what}: needs more memory than the command may use "
            f"({invocation.IMPORT_MEMORY_LIMIT} for an import); nothing was stored: split the "
            f"file into smaller ones (by month, say) and import each, or close other programs"
        ], 1
    return [unexpected(exc, inv)], 1


def unexpected(exc: BaseException, inv: Invocation) -> str:
    """Log the traceback with a reference beside the store (else in the current folder) and
    return the one line that names both."""
    reference = secrets.token_hex(4)
    logged = beside_store(inv.store, ERROR_LOG_SUFFIX)
    if not logged.parent.is_dir():
        logged = inv.cwd / f"academy{ERROR_LOG_SUFFIX}"
    details = "".join(traceback.format_exception(exc))
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with logged.open("a", encoding="utf-8") as out:
            out.write(f"{stamp} reference {reference}: {type(exc).__name__}\n{details}\n")
    except OSError:
        log.exception("reference %s (could not write %s)", reference, logged)
        return f"academy: unexpected error (reference {reference}): {type(exc).__name__}: {exc}"
    return (
        f"academy: unexpected error (reference {reference}); the details are in {logged}. "
        f"Nothing was stored unless the command said so; please report it with that log"
    )


# --- The commands -------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace, inv: Invocation) -> int:
    """Check the content, prepare the store, then become the app server (`training_app/server.py`:
    the pages and the HTTP API in one process)."""
    import os

    from metrics.organisation import NO_DEMO_SETTING, set_setting
    from metrics.store import DB_ENV_VAR, PROJECT_ROOT
    from modules.content import MODULES_ENV_VAR, load_modules
    from modules.policy import POLICY_ENV_VAR, load_policy
    from training_app.discovery import running_app

    loaded = load_policy(inv.policy)  # a broken policy never reaches the app
    load_modules(loaded.policy, inv.modules)  # nor broken training content
    app = running_app(inv.store)
    if app is not None:
        raise CommandError(
            f"{inv.store} is already served by the app at {app.url} (process {app.pid}); open "
            f"that, or stop it first (Ctrl+C in its terminal, or `kill {app.pid}`)"
        )
    is_new = not inv.store.exists()
    with inv.open_store(create=True) as db:  # fails here, plainly, if another process holds it
        if is_new and args.no_demo:
            set_setting(db, NO_DEMO_SETTING, "true")
    if is_new:
        first = (
            "no demo data: the first visit offers to create the first owner"
            if args.no_demo
            else "demo data is created on the first visit"
        )
    elif args.no_demo:
        first = "--no-demo changes nothing on a store that exists already"
    else:
        first = ""
    env = dict(os.environ)
    env[DB_ENV_VAR] = str(inv.store)
    env[POLICY_ENV_VAR] = str(loaded.path.resolve())
    env[MODULES_ENV_VAR] = str(inv.modules)
    # Everything else (headless, no usage statistics, the staff's menu) is in
    # training_app/.streamlit/config.toml, which every way of starting the app reads.
    settings = {"server.port": args.port, "server.address": args.address}
    server = PROJECT_ROOT / "training_app" / "server.py"
    command = [sys.executable, "-m", "streamlit", "run", str(server)]
    for name, value in settings.items():
        command += [f"--{name}", str(value)]
    inv.print(
        f"Service Academy on http://{args.address}:{args.port}  (database {inv.store}"
        + (f"; {first}" if first else "")
        + "). Stop it with Ctrl+C."
    )
    inv.out.flush()
    os.execvpe(command[0], command, env)


def cmd_demo(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics.demo import generate as demo
    from modules.content import load_modules

    with inv.open_store(create=True) as db:
        if args.remove:
            inv.print(demo.remove_demo(db).model_dump_json(indent=2))
            return 0
        policy = policy_in_force(db, inv.policy)
        # The modules in use give the agents a history.
        modules = [loaded.module for loaded in load_modules(policy, inv.modules)]
        if args.reset:
            demo.remove_demo(db)
        try:
            summary = demo.generate_demo(
                db,
                policy,
                seed=args.seed,
                agents=args.agents,
                days=args.days,
                until=args.until,
                modules=modules,
            )
        except demo.DemoAlreadyPresent as exc:
            raise CommandError(str(exc)) from None
    inv.print(summary.model_dump_json(indent=2))
    return 0


def cmd_check_content(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics import organisation
    from modules.content import load_modules
    from modules.policy import load_policy

    loaded = load_policy(inv.policy)
    modules = load_modules(loaded.policy, inv.modules)
    inv.print(f"ok: {loaded.path}: policy version {loaded.policy.version} ({loaded.policy.title})")
    if inv.app_store is not None or inv.store.exists():
        # The store's version in force is what staff are held to, not the file: say when they
        # differ, and how the file becomes the policy.
        try:
            with inv.open_store() as db:
                key = organisation.policy_in_force_key(db)
        except DatabaseLockedError:
            key = None
            inv.print(f"note: {inv.store} is in use, so its policy in force was not compared")
        if key is not None and key[1] != loaded.checksum:
            inv.print(
                f"note: {inv.store} has policy version {key[0]} in force, not this file; to "
                f"make this file the policy, publish it: academy policy publish {loaded.path} "
                f"--kind major|minor"
            )
    for found in modules:
        module = found.module
        inv.print(
            f"ok: {found.path}: module {module.id} version {module.version} ({module.title}): "
            f"{len(module.steps)} steps, {module.graded_per_attempt} graded per attempt"
        )
    return 0


def policy_in_force(db: Database, policy_file: Path) -> Policy:
    """The store's policy in force; a store this command has just created starts from
    `policy_file`, as the app's first start would."""
    from metrics import organisation
    from modules.policy import load_policy

    try:
        return organisation.policy_in_force(db).policy
    except organisation.NoPolicyInForce:
        organisation.ensure_policy_in_force(db, load_policy(policy_file))
        return organisation.policy_in_force(db).policy


def figures_in_force(db: Database, policy_file: Path) -> PolicyFigures:
    """The figures of the store's policy in force, as kept beside its versions. Where none are
    kept for it (a store whose version was put in force before they were), they are kept now,
    from the validated version, so that this happens once."""
    from metrics.policy_figures import kept_figures_in_force

    kept = kept_figures_in_force(db)
    if kept is not None:
        return kept
    from metrics import organisation
    from metrics.store import transaction

    policy_in_force(db, policy_file)  # a store without a version starts from the policy file
    with transaction(db) as cur:
        organisation.keep_figures_in_force(cur)
    kept = kept_figures_in_force(db)
    assert kept is not None  # kept just above, in force
    return kept


def agent_report_answer(
    db: Database,
    viewer: Viewer,
    policy_file: Path,
    start: date,
    end: date,
    team: str | None,
    channel: Channel | None,
    *,
    team_option: str = "team",
) -> dict[str, object]:
    """The agent report's JSON, as `academy report agents` prints it and the API returns it.
    Raises CommandError for a bad period or team (named as `team_option`), AccessDenied beyond
    the viewer's scope."""
    from metrics.performance import agents as performance

    figures = figures_in_force(db, policy_file)
    team_id = team_id_named(db, viewer, team, team_option) if team is not None else None
    try:
        period = performance.Period(start=start, end=end, team_id=team_id, channel=channel)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return performance.agent_report(db, viewer, figures, period, team)


def cmd_report(args: argparse.Namespace, inv: Invocation) -> int:
    with inv.open_store() as db:
        report = agent_report_answer(
            db,
            Viewer.local_admin(),
            inv.policy,
            args.start,
            args.end,
            args.team,
            args.channel,
            team_option="--team",
        )
    if args.format == "json":
        inv.print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        from metrics.performance.agents import REPORT_AGENT_FIELDS
        from training_app.csv_writer import write_csv

        write_csv(inv.out, REPORT_AGENT_FIELDS, report["agents"])  # type: ignore[arg-type]
    return 0


def team_id_named(db: Database, viewer: Viewer, team: str, option: str) -> int:
    """The id of the team named `team`, looked up among all teams, so that another team is
    refused as out of scope by the report rather than reported as unknown; only the teams the
    viewer may see are listed when there is none of that name."""
    from metrics import people

    everyone = Viewer.local_admin()
    teams = {found.name: found.id for found in people.list_teams(db, everyone)}
    if team not in teams:
        visible = sorted(found.name for found in people.list_teams(db, viewer))
        raise CommandError(
            f"{option}: no team named {team!r} (teams: {', '.join(visible) or 'none yet'})"
        )
    return teams[team]


def compliance_answer(
    db: Database,
    viewer: Viewer,
    policy_file: Path,
    modules_folder: Path,
    team: str | None,
    *,
    team_option: str = "team",
) -> ComplianceReport:
    """The compliance report for `academy report compliance` (and any other front-end): the
    policy in force, the modules in use, one team or all the viewer may see."""
    from metrics.training.compliance import compliance_report
    from modules.content import load_modules

    policy = policy_in_force(db, policy_file)
    modules = [loaded.module for loaded in load_modules(policy, modules_folder)]
    team_id = team_id_named(db, viewer, team, team_option) if team is not None else None
    return compliance_report(db, viewer, modules, policy, team_id=team_id)


def cmd_report_compliance(args: argparse.Namespace, inv: Invocation) -> int:
    with inv.open_store() as db:
        report = compliance_answer(
            db,
            Viewer.local_admin(),
            inv.policy,
            inv.modules,
            args.team,
            team_option="--team",
        )
    if args.format == "json":
        inv.print(json.dumps(report.answer(), indent=2, ensure_ascii=False))
    else:
        from metrics.training.compliance import CSV_FIELDS
        from training_app.csv_writer import write_csv

        write_csv(inv.out, CSV_FIELDS, report.csv_rows())
    return 0


def complaints_report_answer(
    db: Database,
    viewer: Viewer,
    policy_file: Path,
    start: date,
    end: date,
    team: str | None,
    *,
    team_option: str = "team",
) -> dict[str, object]:
    """The JSON of `academy report complaints`, as the command prints it and the API returns it.
    Raises CommandError for a bad period or team (named as `team_option`), AccessDenied beyond
    the viewer's scope."""
    from metrics.complaints.report import report_answer
    from metrics.performance.period import Period

    policy = policy_in_force(db, policy_file)
    team_id = team_id_named(db, viewer, team, team_option) if team is not None else None
    try:
        period = Period(start=start, end=end, team_id=team_id)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    return report_answer(db, viewer, policy, period)


def cmd_report_complaints(args: argparse.Namespace, inv: Invocation) -> int:
    with inv.open_store() as db:
        report = complaints_report_answer(
            db,
            Viewer.local_admin(),
            inv.policy,
            args.start,
            args.end,
            args.team,
            team_option="--team",
        )
    if args.format == "json":
        inv.print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        from metrics.complaints.report import CSV_FIELDS, csv_rows
        from training_app.csv_writer import write_csv

        write_csv(inv.out, CSV_FIELDS, csv_rows(report))
    return 0


# -- training impact (issue 14, item 4)


def training_impact_answer(
    db: Database,
    viewer: Viewer,
    policy_file: Path,
    modules_folder: Path,
    module: str,
    weeks: int,
    *,
    module_option: str = "--module",
    weeks_option: str = "--weeks",
) -> TrainingImpact:
    """The training impact of `module` for `academy report training-impact` and its API
    route. A module is known when it is in the modules folder or has attempts on record (a
    module since removed from the folder still has its history). Raises CommandError for an
    unknown module or weeks out of range (named as the options), AccessDenied for agents."""
    from metrics.coaching.impact import MAX_WEEKS, modules_attempted, training_impact
    from modules.content import load_modules

    if not 1 <= weeks <= MAX_WEEKS:
        raise CommandError(f"{weeks_option}: must be from 1 to {MAX_WEEKS}, not {weeks}")
    policy = policy_in_force(db, policy_file)
    known = {loaded.module.id for loaded in load_modules(policy, modules_folder)}
    known |= modules_attempted(db)
    if module not in known:
        raise CommandError(
            f"{module_option}: no module {module!r} (modules: {', '.join(sorted(known)) or 'none'})"
        )
    return training_impact(db, viewer, policy, module=module, weeks=weeks)


def training_impact_table(found: TrainingImpact) -> list[str]:
    """`academy report training-impact` without --format json: a table to read."""
    from metrics.coaching.impact import METHOD, METRIC_LABELS

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    def weeks(n: int) -> str:
        return "1 week" if n == 1 else f"{n} weeks"

    def points(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:+.1f}"

    lines = [
        f"Training impact of {found.step}: {weeks(found.weeks)} before and after each pass",
        f"Trained agents: {found.trained_agents}; comparison agents (not yet trained then): "
        f"{found.comparison_agents}; fewer than {found.min_agents} on either side concludes "
        f"nothing",
    ]
    if found.passed_recently:
        lines.append(
            f"Passed too recently to count (their {weeks(found.weeks)} after have not ended): "
            f"{found.passed_recently}"
        )
    header = (
        f"{'metric':<31} {'trained':>15} {'comparison':>15} {'difference':>11} "
        f"{'95% interval':>15}  conclusion"
    )
    lines += [
        "",
        header,
        f"{'':<31} {'before → after':>15} {'before → after':>15} {'(points)':>11}",
        "-" * len(header),
    ]
    for metric in found.metrics:
        interval = (
            "—"
            if metric.low is None or metric.high is None
            else f"{points(metric.low)} to {points(metric.high)}"
        )
        lines.append(
            f"{METRIC_LABELS[metric.metric]:<31} "
            f"{share(metric.trained_before) + ' → ' + share(metric.trained_after):>15} "
            f"{share(metric.comparison_before) + ' → ' + share(metric.comparison_after):>15} "
            f"{points(metric.difference):>11} {interval:>15}  {metric.conclusion}"
            f" (n = {metric.trained_agents} trained, {metric.comparison_agents} comparison)"
        )
    lines += ["", METHOD]
    return lines


def cmd_report_training_impact(args: argparse.Namespace, inv: Invocation) -> int:
    with inv.open_store() as db:
        found = training_impact_answer(
            db, Viewer.local_admin(), inv.policy, inv.modules, args.module, args.weeks
        )
    if args.format == "json":
        inv.print(json.dumps(found.answer(), indent=2, ensure_ascii=False))
    else:
        for line in training_impact_table(found):
            inv.print(line)
    return 0


# -- end of training impact


def import_answer(
    db: Database,
    viewer: Viewer,
    file: Path,
    policy_file: Path,
    *,
    format: str | None,
    dry_run: bool,
    shown_as: str,
    file_name: str | None = None,
    timezone: str | None = None,
    timezone_field: str = "--timezone",
    problem_lines: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """Import one file; the counts as `academy import` prints them and the API returns them
    (`shown_as` is the file as the user named it). A complaint register (`--format complaints`,
    or a file whose header is one) is imported into the complaint register
    (metrics/complaints/imports.py), in the same shape. Raises CommandError when the file cannot be
    read or written, AccessDenied for a viewer who may not import. Timestamps without an offset
    are read in `timezone`, else in the organisation's time zone as the policy in force says; an
    unknown zone is one line naming `timezone_field` (the option or form field it came from).
    Each rejected row's problem (and each warning) is given to `problem_lines` as one line naming
    the file, the row and the field, the first CLI_PROBLEM_LINES of them."""
    from metrics.complaints import imports as complaint_imports
    from metrics.contacts import imports as importing

    policy = policy_in_force(db, policy_file)
    zone = timezone or policy.business_hours.timezone
    result: importing.ImportResult | complaint_imports.ComplaintImportResult
    try:
        if format == COMPLAINTS_FORMAT or (
            format is None
            and complaint_imports.is_complaint_register(db, file, file_name or file.name)
        ):
            result = complaint_imports.import_complaints(
                db, file, viewer, policy, zone, dry_run=dry_run, file_name=file_name
            )
        else:
            result = importing.import_file(
                db,
                file,
                viewer,
                zone,
                format=format,  # type: ignore[arg-type]
                dry_run=dry_run,
                file_name=file_name,
            )
    except (importing.ImportFileError, importing.ImportFailed) as exc:
        if failure_kind(exc) is not None:
            raise  # out of memory or a full disk, said as such (see `failure_lines`)
        raise CommandError(f"import: {exc}") from None
    except importing.ImportOptionError as exc:
        raise CommandError(f"import: {timezone_field}: {exc}") from None
    if problem_lines is not None:
        for line in _problem_lines(result, shown_as):
            problem_lines(line)
    return {**result.summary(), "file": shown_as}


# A person reads the first screenful; a file whose every row is refused would otherwise print a
# line per row. The Import page lists and downloads every problem of a stored import.
CLI_PROBLEM_LINES = 50


def _problem_lines(result: ImportResult | ComplaintImportResult, shown_as: str) -> Iterator[str]:
    from metrics.contacts.imports import ImportResult

    frames = [("rejected", result.rejects)]
    if isinstance(result, ImportResult):
        frames.append(("warning", result.warning_rows))
    shown = 0
    total = 0
    for kind, frame in frames:
        total += len(frame)
        for problem in frame.itertuples(index=False):
            if shown == CLI_PROBLEM_LINES:
                break
            shown += 1
            value = "" if problem.value is None else f" (value {str(problem.value)!r})"
            yield f"{shown_as}:{problem.row}: {problem.field}: {kind}: {problem.reason}{value}"
    counted = result.problems + (result.warnings if isinstance(result, ImportResult) else 0)
    if counted > shown:
        yield (
            f"{shown_as}: {counted - shown} more problem lines"
            " (the Import page lists and downloads every one)"
        )


def cmd_import(args: argparse.Namespace, inv: Invocation) -> int:
    file = inv.path(args.file)
    if file.is_dir():
        raise CommandError(f"import: {args.file}: is a folder, not a file: name the file to import")
    if not file.is_file():  # before opening the store, which would create it
        raise CommandError(f"import: {args.file}: no such file")
    with inv.open_store(create=True, import_memory=True) as db:
        answer = import_answer(
            db,
            Viewer.local_admin(),
            file,
            inv.policy,
            format=args.format,
            dry_run=args.dry_run,
            shown_as=str(args.file),
            timezone=args.timezone,
            problem_lines=inv.note,
        )
    # Exit 0 once the file was processed, rejects or not: the counts say what happened.
    inv.print(json.dumps(answer, ensure_ascii=False))
    return 0


def cmd_users(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics import auth, people

    admin = Viewer.local_admin()
    with inv.open_store() as db:
        if args.action == "list":
            staff = people.list_staff(db, admin)
            if args.format == "json":
                rows = [member.model_dump() for member in staff]
                inv.print(json.dumps(rows, indent=2, ensure_ascii=False))
            else:
                for m in staff:
                    sign_in = "sign-in" if m.can_sign_in else "no sign-in"
                    state = "" if m.active else ", inactive"
                    demo_flag = ", demo" if m.is_demo else ""
                    inv.print(
                        f"{m.email or '-':40} {m.role:10} {m.team or '-':20} {m.name}"
                        f"  ({sign_in}{state}{demo_flag})"
                    )
            return 0
        if args.action == "add-team":
            people.add_team(db, args.name)
            inv.print(f"added team {args.name}")
            return 0
        if args.action == "add":
            new = people.NewStaffMember(
                name=args.name,
                email=args.email,
                role=args.role,
                team=args.team,
                password=inv.password,
            )
            people.add_staff(db, new)
            inv.print(
                f"added {new.role} {new.name} <{new.email}>"
                + ("" if new.password else " (no password: cannot sign in yet)")
            )
            return 0
        if args.action == "set-password":
            if not inv.password:
                raise CommandError("no password given; pipe one with --password-stdin")
            auth.set_password(db, args.email, inv.password)
            inv.print(f"password changed for {args.email}")
            return 0
        if args.action == "unlock":
            auth.unlock(db, admin, args.email)
            inv.print(f"{args.email} is unlocked and may sign in again")
            return 0
        auth.set_active(db, args.email, active=args.action == "activate")
    inv.print(f"{args.email} is now {'active' if args.action == 'activate' else 'inactive'}")
    return 0


def cmd_tokens(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics import auth

    admin = Viewer.local_admin()
    with inv.open_store() as db:
        try:
            if args.action == "create":
                request = auth.ApiTokenRequest(name=args.name, role=args.role, team=args.team)
                new = auth.create_api_token(db, admin, request)
                inv.print(json.dumps(new.model_dump(), ensure_ascii=False))
                return 0
            if args.action == "revoke":
                revoked = auth.revoke_api_token(db, admin, args.name)
                inv.print(f"revoked API token {revoked.name}")
                return 0
            tokens = auth.list_api_tokens(db, admin)
        except auth.TokenError as exc:
            raise CommandError(f"tokens: {exc}") from None
    if args.format == "json":
        inv.print(
            json.dumps([t.model_dump(mode="json") for t in tokens], indent=2, ensure_ascii=False)
        )
        return 0
    for t in tokens:
        used = f"last used {t.last_used_at:%Y-%m-%d %H:%M} UTC" if t.last_used_at else "never used"
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        inv.print(f"{t.name:30} {t.role:10} {t.team or '-':20} {state}, {used}")
    return 0


def cmd_complaints_erase_expired(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics.complaints.register import erase_expired_details

    with inv.open_store() as db:
        erased = erase_expired_details(db, policy_in_force(db, inv.policy))
    inv.print(json.dumps({"erased": erased}))
    return 0


# -- policy versions (issue 12): `policy versions`, `policy acknowledge`


def cmd_policy_versions(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics.training.records import policy_version_history

    with inv.open_store() as db:
        history = policy_version_history(db)
    rows = [
        {
            "version": v.version,
            "status": v.status,
            "kind": v.kind,
            "published_at": None if v.published_at is None else v.published_at.isoformat(),
            "acknowledged": v.acknowledged,
        }
        for v in history
    ]
    inv.print(json.dumps(rows, indent=2))
    return 0


def cmd_policy_acknowledge(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics import people
    from metrics.training.records import TrainingError, acknowledge_on_behalf

    admin = Viewer.local_admin()
    email = args.email.strip().lower()
    with inv.open_store() as db:
        found = [m for m in people.list_staff(db, admin) if (m.email or "").lower() == email]
        if not found:
            raise CommandError(f"policy acknowledge: --email: no staff member with e-mail {email}")
        try:
            recorded = acknowledge_on_behalf(
                db, admin, found[0].id, args.note, recorded_via=f"command line (user {inv.user})"
            )
        except TrainingError as exc:
            raise CommandError(f"policy acknowledge: {exc}") from None
    signed = recorded.acknowledgement
    inv.print(
        json.dumps(
            {
                "email": recorded.email,
                "policy_version": signed.policy_version,
                "acknowledged_at": signed.acknowledged_at.isoformat(),
                "recorded_by": signed.recorded_by_name,
                "note": signed.note,
                "already_recorded": recorded.already_recorded,
            },
            ensure_ascii=False,
        )
    )
    return 0


def cmd_policy_publish(args: argparse.Namespace, inv: Invocation) -> int:
    from metrics.training.publishing import publish_new_version
    from modules.content import load_modules

    file = inv.path(args.file)
    if file.is_dir():
        raise CommandError(f"policy publish: {args.file}: is a folder, not a policy file")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"policy publish: {args.file}: no such file") from None
    except UnicodeDecodeError:
        raise CommandError(f"policy publish: {args.file}: not UTF-8 text") from None
    except OSError as exc:
        raise CommandError(
            f"policy publish: {args.file}: cannot be read ({exc.strerror})"
        ) from None
    with inv.open_store() as db:
        result = publish_new_version(
            db,
            text,
            kind=args.kind,
            source=str(args.file),
            by=Viewer.local_admin(),
            modules_for=lambda policy: load_modules(policy, inv.modules),
        )
    inv.print(
        json.dumps(
            {
                "version": result.version,
                "kind": result.kind,
                "assigned": result.assigned,
                "acknowledgements_kept": result.acknowledgements_kept,
                "modules_due_again": result.modules_due_again,
            }
        )
    )
    return 0


# -- end of the policy commands


# -- coaching (issue 14)


def coaching_proposals_answer(
    db: Database,
    viewer: Viewer,
    policy_file: Path,
    modules_folder: Path,
    team: str | None,
    *,
    team_option: str = "team",
) -> dict[str, object]:
    """The JSON of `academy coaching propose`: today's local date, each team in scope with its
    rule's window (null when off) and the proposals, clearest first."""
    from metrics import clock
    from metrics.coaching.proposals import proposals, team_rules, window
    from modules.content import load_modules

    policy = policy_in_force(db, policy_file)
    modules = [loaded.module for loaded in load_modules(policy, modules_folder)]
    team_id = team_id_named(db, viewer, team, team_option) if team is not None else None
    today = clock.today(policy.business_hours.timezone)
    teams = []
    for rule in team_rules(db, viewer, team_id):
        start, end = window(rule.window_days, today) if rule.window_days else (None, None)
        teams.append(
            {
                "team": rule.team,
                "rule": "on" if rule.is_on else "off",
                "window_days": rule.window_days,
                "window": None
                if start is None or end is None
                else {"start": start.isoformat(), "end": end.isoformat()},
            }
        )
    found = proposals(db, viewer, policy, modules, team_id)
    return {
        "today": today.isoformat(),
        "teams": teams,
        "proposals": [proposal.answer() for proposal in found],
    }


def cmd_coaching_propose(args: argparse.Namespace, inv: Invocation) -> int:
    with inv.open_store() as db:
        answer = coaching_proposals_answer(
            db, Viewer.local_admin(), inv.policy, inv.modules, args.team, team_option="--team"
        )
    inv.print(json.dumps(answer, indent=2, ensure_ascii=False))
    return 0


# -- end of the coaching commands

HANDLERS: dict[str, Callable[[argparse.Namespace, Invocation], int]] = {
    "cmd_serve": cmd_serve,
    "cmd_demo": cmd_demo,
    "cmd_check_content": cmd_check_content,
    "cmd_report": cmd_report,
    "cmd_complaints_erase_expired": cmd_complaints_erase_expired,
    "cmd_import": cmd_import,
    "cmd_users": cmd_users,
    "cmd_tokens": cmd_tokens,
    "cmd_policy_versions": cmd_policy_versions,
    "cmd_policy_acknowledge": cmd_policy_acknowledge,
    "cmd_policy_publish": cmd_policy_publish,
    "cmd_report_compliance": cmd_report_compliance,
    "cmd_report_complaints": cmd_report_complaints,
    "cmd_coaching_propose": cmd_coaching_propose,
    "cmd_report_training_impact": cmd_report_training_impact,
}
