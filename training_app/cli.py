"""`academy`: the command line for automation, exposing the same functions as the app.

Three things happen here, and nothing heavy is imported for them (`academy --help` and a command
sent to a running app start in a few hundredths of a second):

1. the arguments are parsed; every parser and sub-parser takes `--db` and `--policy`, so they
   work wherever they are typed (`AcademyParser`);
2. the places the command works on are resolved in the user's shell (`invocation`);
3. a command on a store that a running app holds is sent to that app, which runs the same
   handler and answers with exactly its output and exit status (`run_in_app`); otherwise the
   command runs here and opens the store itself (`training_app/commands.py`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from metrics.complaints.import_format import COMPLAINTS_FORMAT
from metrics.contacts.format_names import FORMATS
from metrics.store_path import DB_ENV_VAR, database_path
from modules.defaults import (
    CHANNELS,
    DEFAULT_IMPACT_WEEKS,
    MAX_IMPACT_WEEKS,
    MODULES_ENV_VAR,
    POLICY_ENV_VAR,
    ROLES,
    modules_dir,
    policy_path,
)
from training_app import discovery
from training_app.invocation import (
    CommandError,
    Invocation,
    missing_store_message,
    read_password,
)

# How a command uses the store. Only these three create a store at a new path (and say so):
CREATES_STORE = "creates"  # serve, demo, import
NEEDS_STORE = "needs"  # every other command on the store: a missing store is refused
STORE_IF_PRESENT = "if-present"  # check-content: compares with the store only when there is one


@dataclass(frozen=True)
class Command:
    """What the front-ends need to know about a command before running it."""

    handler: str  # the function's name in training_app/commands.py
    store: str  # CREATES_STORE, NEEDS_STORE or STORE_IF_PRESENT
    writes: bool = False  # changes stored data: the app's pages must read it afresh
    asks_password: bool = False  # reads a password in the user's terminal first
    in_app: bool = True  # may run inside the app when the app holds the store


class AcademyParser(argparse.ArgumentParser):
    """Every parser of `academy`, at every level, takes `--db` and `--policy`, so that
    `academy --db X report agents` and `academy report agents --db X` mean the same. They
    default to "not given" at every level, so a value typed before the sub-command survives
    the sub-command's parser, and the last one typed wins."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.add_argument(
            "--db",
            type=Path,
            default=argparse.SUPPRESS,
            metavar="PATH",
            help=f"database file (default: ${DB_ENV_VAR}, else {database_path(None)})",
        )
        self.add_argument(
            "--policy",
            type=Path,
            default=argparse.SUPPRESS,
            metavar="FILE",
            help=f"policy file (default: ${POLICY_ENV_VAR}, else {policy_path(None)})",
        )


def build_parser() -> AcademyParser:
    parser = AcademyParser(
        prog="academy",
        description="Service Academy: staff training and performance coaching, one policy file.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, spec: Command | None = None) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        if spec is not None:
            sub.set_defaults(spec=spec)
        return sub

    def modules_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--modules",
            type=Path,
            metavar="DIR",
            help=f"folder of training modules (default: ${MODULES_ENV_VAR}, else "
            f"{modules_dir(None)})",
        )

    serve = command(
        "serve",
        "serve the app and its HTTP API (a new store gets demo data on the first visit)",
        Command("cmd_serve", CREATES_STORE, in_app=False),
    )
    modules_option(serve)
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")
    serve.add_argument(
        "--no-demo",
        action="store_true",
        help="on a new store: no demo data; the first visit offers to create the first owner",
    )

    demo_cmd = command(
        "demo",
        "fill the store with a generated demo organisation",
        Command("cmd_demo", CREATES_STORE, writes=True),
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
        "validate the policy file (and that its version matches the one the store recorded) and "
        "every training module against the model and the policy; print each error as "
        "file:line: key path: message",
        Command("cmd_check_content", STORE_IF_PRESENT),
    )
    modules_option(check)

    report = command("report", "print metric reports as JSON or CSV")
    report_kinds = report.add_subparsers(dest="kind", required=True, metavar="REPORT")
    agents_help = "per-agent metrics for a period, judged by the policy's standards"
    agents = report_kinds.add_parser("agents", help=agents_help, description=agents_help)
    agents.set_defaults(spec=Command("cmd_report", NEEDS_STORE))
    agents.add_argument(
        "--from", dest="start", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    agents.add_argument(
        "--to", dest="end", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    agents.add_argument("--team", metavar="NAME", help="only contacts queued to this team")
    agents.add_argument("--channel", choices=CHANNELS)
    agents.add_argument("--format", choices=["json", "csv"], default="json")
    compliance_help = (
        "per member of staff each assigned module's state, the signature of the version in "
        "force and rollout attendance; per team the completed, acknowledged and attended rates"
    )
    compliance = report_kinds.add_parser(
        "compliance", help=compliance_help, description=compliance_help
    )
    compliance.set_defaults(spec=Command("cmd_report_compliance", NEEDS_STORE))
    compliance.add_argument("--team", metavar="NAME", help="only this team's staff")
    compliance.add_argument("--format", choices=["json", "csv"], default="json")
    complaints_help = (
        "the complaint register's numbers for a period (complaints received on those local "
        "dates): follow-ups, promises, satisfaction, compensation, the top problems and one "
        "entry per agent; the CSV has one row per agent"
    )
    complaints = report_kinds.add_parser(
        "complaints", help=complaints_help, description=complaints_help
    )
    complaints.set_defaults(spec=Command("cmd_report_complaints", NEEDS_STORE))
    complaints.add_argument(
        "--from", dest="start", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    complaints.add_argument(
        "--to", dest="end", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD"
    )
    complaints.add_argument("--team", metavar="NAME", help="only this team's complaints")
    complaints.add_argument("--format", choices=["json", "csv"], default="json")
    # -- training impact (issue 14, item 4)
    impact_help = (
        "what passing a training module changed: service level, resolution, CSAT and complaint "
        "follow-up compliance of the trained agents in the weeks before and after they passed, "
        "against agents not yet trained over the same weeks (difference in differences, 95% "
        "interval by bootstrap over agents); a text table, or JSON with --format json"
    )
    impact = report_kinds.add_parser("training-impact", help=impact_help, description=impact_help)
    impact.set_defaults(spec=Command("cmd_report_training_impact", NEEDS_STORE))
    impact.add_argument("--module", required=True, metavar="ID", help="the module's id")
    impact.add_argument(
        "--weeks",
        type=int,
        default=DEFAULT_IMPACT_WEEKS,
        metavar="N",
        help=f"weeks before and after each pass, 1 to {MAX_IMPACT_WEEKS} (default "
        f"{DEFAULT_IMPACT_WEEKS})",
    )
    impact.add_argument("--format", choices=["text", "json"], default="text")
    modules_option(impact)
    # -- end of training impact

    import_cmd = command(
        "import",
        "import contacts from a generic CSV/Parquet file, a Zendesk or Freshdesk ticket export or "
        "an Asterisk queue_log, or a complaint register (--format complaints); print the counts "
        "as JSON",
        Command("cmd_import", CREATES_STORE, writes=True),
    )
    import_cmd.add_argument("file", type=Path, metavar="FILE")
    import_cmd.add_argument(
        "--format",
        choices=(*FORMATS, COMPLAINTS_FORMAT),
        help="the file's format (default: told from its header); complaints: a complaint "
        "register kept elsewhere",
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

    # -- the complaint register's upkeep (issue 13)
    complaints_cmd = command("complaints", "the complaint register's upkeep")
    complaint_actions = complaints_cmd.add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    erase_help = (
        "erase customers' names and contact details from complaints closed (resolved and "
        "followed up) longer ago than the policy's complaints.details_retention_days, logged; "
        'the app does it at every start; print {"erased": N} as JSON'
    )
    complaint_actions.add_parser(
        "erase-expired", help=erase_help, description=erase_help
    ).set_defaults(spec=Command("cmd_complaints_erase_expired", NEEDS_STORE, writes=True))

    # -- coaching (issue 14): the plans the teams' rules propose
    coaching_cmd = command("coaching", "coaching: the plans the teams' rules propose")
    coaching_actions = coaching_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    propose_help = (
        "print, as JSON, the coaching plans proposed now by the rules of the teams that have one "
        "on: agents clearly below a standard over the team's window, with the module that "
        "teaches it; nothing is stored or assigned"
    )
    propose = coaching_actions.add_parser("propose", help=propose_help, description=propose_help)
    propose.set_defaults(spec=Command("cmd_coaching_propose", NEEDS_STORE))
    propose.add_argument("--team", metavar="NAME", help="only this team's proposals")
    # -- end of the coaching group

    # -- policy versions (issue 12): `versions`, `acknowledge` here; `publish` beside them.
    policy_cmd = command("policy", "the policy's versions in the store, and acknowledgements")
    policy_actions = policy_cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    versions_help = (
        'print every stored policy version, oldest first, as a JSON list of {"version", "status", '
        '"kind", "published_at", "acknowledged"}'
    )
    policy_actions.add_parser(
        "versions", help=versions_help, description=versions_help
    ).set_defaults(spec=Command("cmd_policy_versions", NEEDS_STORE))
    acknowledge_help = (
        "record, on a person's behalf, their acknowledgement of the version in force (a paper "
        "signature at the session), with a note; recorded as made at the command line"
    )
    acknowledge = policy_actions.add_parser(
        "acknowledge", help=acknowledge_help, description=acknowledge_help
    )
    acknowledge.set_defaults(spec=Command("cmd_policy_acknowledge", NEEDS_STORE, writes=True))
    acknowledge.add_argument("--email", required=True, help="the staff member's e-mail")
    acknowledge.add_argument(
        "--note", required=True, metavar="TEXT", help="what was signed, where and when"
    )
    publish_help = (
        "validate FILE and publish it as the next version, all or nothing; print "
        '{"version", "kind", "assigned", "acknowledgements_kept", "modules_due_again"} as JSON'
    )
    publish = policy_actions.add_parser("publish", help=publish_help, description=publish_help)
    publish.set_defaults(spec=Command("cmd_policy_publish", NEEDS_STORE, writes=True))
    publish.add_argument("file", type=Path, metavar="FILE", help="the policy file (YAML)")
    publish.add_argument(
        "--kind",
        required=True,
        choices=["major", "minor"],
        help="major: everyone signs again and modules quoting a changed standard are due "
        "again; minor: acknowledgements and passes are kept",
    )
    # -- end of the policy group

    users = command("users", "list and manage staff accounts and teams")
    actions = users.add_subparsers(dest="action", required=True, metavar="ACTION")

    def action(
        name: str, help: str, *, writes: bool = True, asks_password: bool = False
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help, description=help)
        sub.set_defaults(spec=Command("cmd_users", NEEDS_STORE, writes, asks_password))
        return sub

    action("list", "list staff", writes=False).add_argument(
        "--format", choices=["text", "json"], default="text"
    )
    action("add-team", "add a team").add_argument("name")
    add = action(
        "add", "add a staff member (prompts for a password; empty = no sign-in)", asks_password=True
    )
    add.add_argument("--name", required=True)
    add.add_argument("--email", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--team", help="an existing team's name (see add-team)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    set_pw = action("set-password", "set a staff member's password", asks_password=True)
    set_pw.add_argument("email")
    set_pw.add_argument("--password-stdin", action="store_true")
    action("deactivate", "stop a staff member signing in (records are kept)").add_argument("email")
    action("activate", "let a deactivated staff member sign in again").add_argument("email")
    action("unlock", "unlock an e-mail locked by wrong passwords").add_argument("email")

    tokens = command("tokens", "create, list and revoke API tokens for the HTTP API")
    token_actions = tokens.add_subparsers(dest="action", required=True, metavar="ACTION")
    create_help = "create an API token and print it once, as JSON {name, role, team, token}"
    create = token_actions.add_parser("create", help=create_help, description=create_help)
    create.set_defaults(spec=Command("cmd_tokens", NEEDS_STORE, writes=True))
    create.add_argument("--name", required=True, help="unique, never reused; shown in the log")
    create.add_argument("--role", required=True, choices=ROLES, help="the scope, as a person's")
    create.add_argument("--team", metavar="NAME", help="the team (needed unless --role owner)")
    listing = token_actions.add_parser("list", help="list API tokens (never the tokens)")
    listing.set_defaults(spec=Command("cmd_tokens", NEEDS_STORE))
    listing.add_argument("--format", choices=["text", "json"], default="text")
    revoke = token_actions.add_parser("revoke", help="revoke an API token: refused from now on")
    revoke.set_defaults(spec=Command("cmd_tokens", NEEDS_STORE, writes=True))
    revoke.add_argument("name")
    return parser


def invocation(args: argparse.Namespace) -> Invocation:
    """The places the command works on, resolved here, in the user's shell: an explicit option,
    else the environment variable, else the default, made absolute."""
    cwd = Path.cwd()

    def absolute(path: Path) -> Path:
        return Path(os.path.abspath(cwd / path))

    return Invocation(
        cwd=cwd,
        store=absolute(database_path(getattr(args, "db", None))),
        policy=absolute(policy_path(getattr(args, "policy", None))),
        modules=absolute(modules_dir(getattr(args, "modules", None))),
    )


def run_in_app(app: discovery.RunningApp, argv: Sequence[str], inv: Invocation) -> int:
    """Send the command to the app that holds the store; print exactly what it printed there.
    Raises AppUnreachable when the app does not answer at all (nothing ran)."""
    status, answer = discovery.post_json(
        app,
        discovery.LOCAL_RUN_ROUTE,
        {
            "argv": list(argv),
            "cwd": str(inv.cwd),
            "store": str(inv.store),
            "policy": str(inv.policy),
            "modules": str(inv.modules),
            "password": inv.password,
            "user": inv.user,
        },
    )
    if status != 200 or "status" not in answer:
        reason = answer.get("error", f"HTTP {status}")
        raise CommandError(
            f"the app at {app.url} (process {app.pid}) refused the command: {reason}"
        )
    inv.out.write(str(answer["stdout"]))
    inv.err.write(str(answer["stderr"]))
    return int(answer["status"])  # type: ignore[call-overload]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(arguments)
    spec: Command = args.spec
    inv = invocation(args)
    app: discovery.RunningApp | None = None
    try:
        app = discovery.running_app(inv.store) if spec.in_app else None
        if spec.store == NEEDS_STORE and app is None and not inv.store.exists():
            # Refused before anything else (a password prompt, say): only serve, demo and
            # import create a store, so a mistyped --db cannot leave an empty one behind.
            raise CommandError(missing_store_message(inv.store))
        if spec.asks_password:
            inv.password = read_password(args, sys.stdin)
        if app is not None:
            try:
                return run_in_app(app, arguments, inv)
            except discovery.AppUnreachable:
                pass  # the app has gone (its file is stale): open the store here
            except (OSError, ValueError) as exc:
                raise CommandError(
                    f"the app at {app.url} stopped answering during the command ({exc}); "
                    f"whether it finished, its log says"
                ) from None
        from training_app import commands

        return commands.run(args, inv)
    except CommandError as exc:
        print(f"academy: {exc}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:
        # The reader stopped early (`academy report ... | head`): not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        where = (
            f"the app at {app.url} finishes a command it was sent on its own"
            if app is not None
            else "a write in progress was rolled back"
        )
        print(f"academy: interrupted; {where}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
