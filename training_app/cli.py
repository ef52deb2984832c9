"""`academy`: the command line for automation, exposing the same functions as the app."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from metrics import people
from metrics.contacts import imports as importing
from metrics.contacts.formats import FORMATS
from metrics.demo import generate as demo
from metrics.organisation import PolicyVersionConflict, check_policy_version
from metrics.performance import agents as performance
from metrics.store import (
    DB_ENV_VAR,
    PROJECT_ROOT,
    DatabaseLockedError,
    database_path,
    open_database,
)
from modules.content import MODULES_ENV_VAR, load_modules, modules_dir
from modules.content_errors import ContentError
from modules.policy import CHANNELS, POLICY_ENV_VAR, ROLES, load_policy, policy_path
from training_app.csv_writer import write_csv

APP_SCRIPT = PROJECT_ROOT / "training_app" / "app.py"
IMPORT_MEMORY_LIMIT = "640MB"


class CommandError(Exception):
    """A problem to report to the user as one line, with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def cmd_serve(args: argparse.Namespace) -> int:
    loaded = load_policy(args.policy)  # a broken policy never reaches the app
    load_modules(loaded.policy, args.modules)  # nor broken training content
    open_database(args.db).close()  # fail here, plainly, if another process holds the file
    env = dict(os.environ)
    env[DB_ENV_VAR] = str(database_path(args.db).resolve())
    env[POLICY_ENV_VAR] = str(loaded.path.resolve())
    env[MODULES_ENV_VAR] = str(modules_dir(args.modules).resolve())
    settings = {
        "server.port": args.port,
        "server.address": args.address,
        "server.headless": "true",
        "browser.gatherUsageStats": "false",
        "client.toolbarMode": "viewer",  # staff need no "Deploy" or "Clear cache"
    }
    command = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT)]
    for name, value in settings.items():
        command += [f"--{name}", str(value)]
    print(f"Service Academy on http://{args.address}:{args.port}  (database {env[DB_ENV_VAR]})")
    os.execvpe(command[0], command, env)


def cmd_demo(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    if args.remove:
        print(demo.remove_demo(db).model_dump_json(indent=2))
        return 0
    policy = load_policy(args.policy).policy
    # The modules in use ($ACADEMY_MODULES or the shipped ones) give the agents a history.
    modules = [loaded.module for loaded in load_modules(policy, None)]
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
    print(summary.model_dump_json(indent=2))
    return 0


def cmd_check_content(args: argparse.Namespace) -> int:
    loaded = load_policy(args.policy)
    modules = load_modules(loaded.policy, args.modules)
    store = database_path(args.db)
    if store.exists():
        # Staff acknowledge a version: its text must match what the store recorded.
        try:
            db = open_database(store)
        except DatabaseLockedError:
            print(f"note: {store} is in use, so recorded policy versions were not compared")
        else:
            with closing(db):
                check_policy_version(db, loaded)
    print(f"ok: {loaded.path}: policy version {loaded.policy.version} ({loaded.policy.title})")
    for found in modules:
        module = found.module
        print(
            f"ok: {found.path}: module {module.id} version {module.version} ({module.title}): "
            f"{len(module.steps)} steps, {module.graded_per_attempt} graded per attempt"
        )
    return 0


def read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass("Password (empty for no sign-in): ")
    if first and getpass.getpass("Repeat password: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first or None


def cmd_report(args: argparse.Namespace) -> int:
    policy = load_policy(args.policy).policy
    db = open_database(args.db)
    with closing(db):
        admin = people.Viewer.local_admin()
        team_id = None
        if args.team is not None:
            teams = {team.name: team.id for team in people.list_teams(db, admin)}
            if args.team not in teams:
                known = ", ".join(sorted(teams)) or "none yet"
                raise CommandError(f"--team: no team named {args.team!r} (teams: {known})")
            team_id = teams[args.team]
        try:
            period = performance.Period(
                start=args.start, end=args.end, team_id=team_id, channel=args.channel
            )
        except ValidationError as exc:
            raise CommandError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
        report = performance.agent_report(db, admin, policy, period, args.team)
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        write_csv(sys.stdout, performance.REPORT_AGENT_FIELDS, report["agents"])  # type: ignore[arg-type]
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    # Timestamps without an offset are read in --timezone, else in the organisation's time zone
    # as the policy in force ($ACADEMY_POLICY or the default) says.
    timezone = args.timezone or load_policy(None).policy.business_hours.timezone
    if not args.file.is_file():  # before opening the store, which would create it
        raise CommandError(f"import: {args.file}: no such file")
    db = open_database(args.db)
    # A batch job beside whatever else runs on the machine: past this DuckDB spills to its
    # temporary files instead of taking more memory (a million rows stay within ~1 GB in all).
    db.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
    with closing(db):
        try:
            result = importing.import_file(
                db,
                args.file,
                people.Viewer.local_admin(),
                timezone,
                format=args.format,
                dry_run=args.dry_run,
            )
        except (importing.ImportFileError, importing.ImportFailed) as exc:
            raise CommandError(f"import: {exc}") from None
        except importing.ImportOptionError as exc:
            raise CommandError(f"import: --timezone: {exc}") from None
    # Exit 0 once the file was processed, rejects or not: the counts say what happened.
    print(json.dumps({**result.summary(), "file": str(args.file)}, ensure_ascii=False))
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    if args.action == "list":
        staff = people.list_staff(db, people.Viewer.local_admin())
        rows = [member.model_dump() for member in staff]
        if args.format == "json":
            print(json.dumps(rows, indent=2, ensure_ascii=False))
        else:
            for m in staff:
                sign_in = "sign-in" if m.can_sign_in else "no sign-in"
                state = "" if m.active else ", inactive"
                demo_flag = ", demo" if m.is_demo else ""
                print(
                    f"{m.email or '-':40} {m.role:10} {m.team or '-':20} {m.name}"
                    f"  ({sign_in}{state}{demo_flag})"
                )
        return 0
    if args.action == "add-team":
        people.add_team(db, args.name)
        print(f"added team {args.name}")
        return 0
    if args.action == "add":
        new = people.NewStaffMember(
            name=args.name,
            email=args.email,
            role=args.role,
            team=args.team,
            password=read_password(args),
        )
        people.add_staff(db, new)
        print(
            f"added {new.role} {new.name} <{new.email}>"
            + ("" if new.password else " (no password: cannot sign in yet)")
        )
        return 0
    if args.action == "set-password":
        password = read_password(args)
        if not password:
            raise CommandError("no password given; pipe one with --password-stdin")
        people.set_password(db, args.email, password)
        print(f"password changed for {args.email}")
        return 0
    people.set_active(db, args.email, active=args.action == "activate")
    print(f"{args.email} is now {'active' if args.action == 'activate' else 'inactive'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="academy",
        description="Service Academy: staff training and performance coaching, one policy file.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help: str,
        db: bool = True,
        policy: bool = False,
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(handler=handler)
        if db:
            sub.add_argument(
                "--db",
                type=Path,
                help=f"database file (default: ${DB_ENV_VAR} or {database_path(None)})",
            )
        if policy:
            sub.add_argument(
                "--policy",
                type=Path,
                help=f"policy file (default: ${POLICY_ENV_VAR} or {policy_path(None)})",
            )
        return sub

    serve = command(
        "serve", cmd_serve, "serve the app (demo data on a new, empty store)", policy=True
    )
    serve.add_argument(
        "--modules",
        type=Path,
        help=f"folder of training modules (default: ${MODULES_ENV_VAR} or {modules_dir(None)})",
    )
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")

    demo_cmd = command(
        "demo", cmd_demo, "fill the store with a generated demo organisation", policy=True
    )
    demo_cmd.add_argument("--seed", type=int, default=42)
    demo_cmd.add_argument("--agents", type=int, default=40)
    demo_cmd.add_argument("--days", type=int, default=180)
    demo_cmd.add_argument(
        "--until",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="last day of demo traffic (default: yesterday)",
    )
    demo_cmd.add_argument(
        "--reset",
        action="store_true",
        help="remove existing demo rows first (imported data is kept)",
    )
    demo_cmd.add_argument(
        "--remove", action="store_true", help="only remove demo rows (imported data is kept)"
    )

    check = command(
        "check-content",
        cmd_check_content,
        "validate the policy file (and that its version matches the one the store recorded) and "
        "every training module against the model and the policy; print each error as "
        "file:line: key path: message",
        policy=True,
    )
    check.add_argument(
        "--modules",
        type=Path,
        help=f"folder of training modules (default: ${MODULES_ENV_VAR} or {modules_dir(None)})",
    )

    report = command("report", cmd_report, "print metric reports as JSON or CSV", policy=True)
    report_kinds = report.add_subparsers(dest="kind", required=True, metavar="REPORT")
    agents = report_kinds.add_parser(
        "agents",
        help="per-agent metrics for a period, judged by the policy's standards",
        description="per-agent metrics for a period, judged by the policy's standards",
    )
    agents.set_defaults(handler=cmd_report)
    agents.add_argument(
        "--from", dest="start", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    agents.add_argument(
        "--to", dest="end", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    agents.add_argument("--team", metavar="NAME", help="only contacts queued to this team")
    agents.add_argument("--channel", choices=CHANNELS)
    agents.add_argument("--format", choices=["json", "csv"], default="json")
    agents.add_argument("--db", type=Path, help=f"database file (default: ${DB_ENV_VAR})")
    agents.add_argument("--policy", type=Path, help=f"policy file (default: ${POLICY_ENV_VAR})")

    import_cmd = command(
        "import",
        cmd_import,
        "import contacts from a generic CSV/Parquet file, a Zendesk or Freshdesk ticket export or "
        "an Asterisk queue_log; print the counts as JSON",
    )
    import_cmd.add_argument("file", type=Path, metavar="FILE")
    import_cmd.add_argument(
        "--format", choices=FORMATS, help="the file's format (default: told from its header)"
    )
    import_cmd.add_argument(
        "--dry-run", action="store_true", help="check and count everything, store nothing"
    )
    import_cmd.add_argument(
        "--timezone",
        metavar="ZONE",
        help="the time zone of times written without an offset, e.g. Europe/Zagreb or UTC "
        "(default: the policy's business_hours.timezone)",
    )

    users = command("users", cmd_users, "list and manage staff accounts and teams", db=False)
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(name: str, help: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help, description=help)
        sub.add_argument("--db", type=Path, help="database file")
        return sub

    action("list", "list staff").add_argument("--format", choices=["text", "json"], default="text")
    action("add-team", "add a team").add_argument("name")
    add = action("add", "add a staff member (prompts for a password; empty = no sign-in)")
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", help="an existing team's name (see add-team)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    set_pw = action("set-password", "set a staff member's password")
    set_pw.add_argument("email")
    set_pw.add_argument("--password-stdin", action="store_true")
    action("deactivate", "stop a staff member signing in (records are kept)").add_argument("email")
    action("activate", "let a deactivated staff member sign in again").add_argument("email")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ContentError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        print(f"{len(exc.issues)} problem(s) found; nothing was changed.", file=sys.stderr)
        return 1
    except DatabaseLockedError as exc:
        print(f"academy: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader stopped early (`academy report ... | head`): not an error of ours.
        sys.stderr.close()
        return 0
    except ValidationError as exc:
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            print(f"academy: {field}: {message}", file=sys.stderr)
        return 1
    except (CommandError, people.PeopleError, PolicyVersionConflict) as exc:
        print(f"academy: {exc}", file=sys.stderr)
        return getattr(exc, "status", 1)


if __name__ == "__main__":
    sys.exit(main())
