"""Every ``socialcrm`` command, given bad input, exits non-zero with ONE line saying what is
wrong: no traceback, no secret (issue 12, "Bad input").

The sweep walks the click command tree (``socialcrm.cli``), so a new command or option is
covered the day it is added (and a new option with no bad value known here fails
``test_every_option_is_swept``). For each command:

* bad arguments: an unknown option, an extra argument, required ones missing, and a bad
  value for every option that has a type or a check (numbers, choices, paths, dates,
  periods, time zones, URLs, queue names...);
* bad settings: each setting the command reads (its module's ``USES``, or every one),
  given a malformed value, with planted secrets in the others;
* bad files and services: a rules file and a policy file that do not parse, and Redis or
  SuiteCRM that do not answer, for the commands that need them at once.

Each case runs the real command in its own child process. Starting Python and importing
the command tree takes about a second here, so the cases are run by one driver child
(``python -m tests.system.test_cli_bad_input``) that imports ``socialcrm.cli`` once and
forks a fresh process per case, with the case's environment, arguments and an empty
standard input (the settings are read when a command runs, never at import: the house
style). A few cases also run through ``python -m socialcrm`` itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest

from socialcrm.cli import cli
from socialcrm.settings import OPTIONS, Settings, SettingsError
from tests.system.conftest import child_env, socialcrm
from workers.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]
CASE_SECONDS = 25.0
PARALLEL = 6
DEAD_REDIS = "redis://:planted-dead-redis-pw@127.0.0.1:{dead_port}/0"
PLANTED = {  # valid secrets: none may appear in anything a failing command writes
    "SUITECRM_CLIENT_SECRET": "planted-cli-client-secret-6d1e",
    "SUITECRM_PASSWORD_CLIENT_SECRET": "planted-cli-password-secret-0a7c",
    "SOCIALCRM_SECRET_KEY": "planted-cli-secret-key-0123456789abcdef0123",
    "FACEBOOK_APP_SECRET": "planted-cli-facebook-secret-93bd",
    "LINKEDIN_CLIENT_SECRET": "planted-cli-linkedin-secret-58fa",
    "SOCIALCRM_NOTICE_SECRET": "planted-cli-notice-secret-b2c4",
}
# A malformed value for every setting (checked against Settings below).
BAD_SETTINGS = {
    "REDIS_URL": "redis//:planted-bad-url-pw@db.example",
    "SUITECRM_URL": "ftp://crm.example.org",
    "SUITECRM_CLIENT_ID": "   ",
    "SUITECRM_CLIENT_SECRET": "   ",
    "SUITECRM_PASSWORD_CLIENT_ID": "   ",
    "SUITECRM_PASSWORD_CLIENT_SECRET": "   ",
    "SOCIALCRM_SECRET_KEY": "planted-too-short-key",
    "SOCIALCRM_HTTP_TIMEOUT": "soon",
    "SOCIALCRM_SANDBOX_PORT": "99999",
    "SOCIALCRM_API_HOST": "   ",
    "SOCIALCRM_API_PORT": "http",
    "SOCIALCRM_WORKERS": "many",
    "SOCIALCRM_NOTICE_SECRET": "   ",
    "SOCIALCRM_LOG_LEVEL": "LOUD",
    "FACEBOOK_GRAPH_URL": "graph.facebook.com",
    "FACEBOOK_GRAPH_VERSION": "25",
    "FACEBOOK_APP_ID": "   ",
    "FACEBOOK_APP_SECRET": "   ",
    "FACEBOOK_VERIFY_TOKEN": "   ",
    "LINKEDIN_API_URL": "api.linkedin.com",
    "LINKEDIN_VERSION": "latest",
    "LINKEDIN_OAUTH_URL": "www.linkedin.com/oauth",
    "LINKEDIN_CLIENT_ID": "   ",
    "LINKEDIN_CLIENT_SECRET": "   ",
}
# Paths, checked when used: bad ones are in ``file_cases``.
PATH_SETTINGS = {"SOCIALCRM_DATA_DIR", "SOCIALCRM_RULES_FILE", "SOCIALCRM_POLICY_FILE"}
# Options that take any text: nothing is a bad value for them.
FREE_TEXT = {"--name", "--by", "--user", "--contact", "--lead", "--token", "--refresh-token",
             "--account", "--page-id", "--organization", "--app-secret", "--verify-token",
             "--client-secret", "--post-id", "--comment-id", "--parent-id", "--text",
             "--sender-id", "--sender-name", "--reaction-type", "--leadgen-id", "--form-id",
             "--post", "--response-id", "--signature-prefix", "--header-prefix", "--verb",
             "job_id", "profile_id", "account", "--min-version"}
# Bad values of options a command checks itself (the others come from the option's type).
BAD_VALUES = {
    "--since": "last tuesday", "--period": "a fortnight", "--tz": "Mars/Olympus_Mons",
    "--every": "often", "--queues": "nosuchqueue", "--linkedin-oauth-url": "not a url",
    "--host": "0.0.0.0",  # noqa: S104 - listening on every address is what must be refused
    "url": "not a url", "--out": "/nonexistent-folder/report.html",
    "--csv": "/nonexistent-folder/report.csv", "--output-dir": "/proc/version",
}
# What a command needs on its command line to get past the required ones.
REQUIRED = {
    "identities link": ["profile-1", "--contact", "contact-1"],
    "identities unlink": ["profile-1"],
    "connect facebook": ["--page-id", "104200000000001", "--token", "planted-cli-page-token"],
    "connect linkedin": ["--organization", "2414183", "--token", "planted-cli-li-token"],
    "disconnect": ["facebook", "1042"], "jobs requeue": ["--all"], "jobs purge": ["--yes"],
    "sync": ["facebook"], "report": ["--out", "{tmp}/report.html"],
    "sandbox send-webhook facebook": ["http://127.0.0.1:9/webhooks/facebook"],
    "sandbox send-webhook linkedin": ["http://127.0.0.1:9/webhooks/linkedin",
                                      "--client-secret", "s"],
}
# Commands that never stop on their own with good input: never run them with it.
LONG_RUNNING = {"run", "worker", "scheduler", "sandbox suitecrm", "sandbox facebook",
                "sandbox linkedin"}
# Report commands print many lines by design; their verdict is the exit status and a
# FAIL line (doctor) or a last ``Error:`` line (config show).
REPORTS = {"doctor"}
# Commands that use no setting (only arguments).
NO_SETTINGS = {"plugin build", "sandbox suitecrm", "sandbox facebook", "sandbox linkedin",
               "sandbox send-webhook facebook", "sandbox send-webhook linkedin"}
# Needing Redis or SuiteCRM the moment they start (a worker needs SuiteCRM only per job).
# (``connect facebook|linkedin`` ask the network first; ``worker`` and ``scheduler`` wait
# for Redis: see ``test_a_service_waits_for_redis_saying_so_once``.)
NEEDS_REDIS_AT_ONCE = {"connect list", "connect rotate-key", "disconnect", "jobs list",
                       "jobs failed", "jobs requeue", "jobs purge", "feed rebuild",
                       "run", "sync"}
# What a command reads on standard input (a token, a key) when the case needs it.
STDIN = {"connect rotate-key": "planted-cli-previous-key-0123456789abcdef\n"}
NEEDS_SUITECRM_AT_ONCE = {"suitecrm check", "identities review", "identities link",
                          "identities unlink", "feed rebuild", "report", "run"}


# -- the command tree ------------------------------------------------------------------


def commands() -> Iterator[tuple[str, click.Command]]:
    """Every runnable command, named by its path (lazy subcommands included)."""
    def walk(command: click.Command, path: list[str], ctx: click.Context
             ) -> Iterator[tuple[str, click.Command]]:
        if isinstance(command, click.Group):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None, name
                yield from walk(sub, [*path, name], click.Context(sub, parent=ctx,
                                                                  info_name=name))
        else:
            yield " ".join(path), command
    yield from walk(cli, [], click.Context(cli, info_name="socialcrm"))


def groups() -> list[str]:
    found = {" ".join(name.split()[:-1]) for name, _ in commands()}
    return sorted(name for name in found if name)


def reads(name: str, command: click.Command) -> tuple[str, ...]:
    """The settings a command reads: its module's ``USES``, or every one."""
    if name in NO_SETTINGS or name == "config show":
        return () if name in NO_SETTINGS else tuple(o.env for o in OPTIONS)
    module = sys.modules[command.callback.__module__] if command.callback else None
    return tuple(getattr(module, "USES", ())) or tuple(o.env for o in OPTIONS)


def option_name(param: click.Parameter) -> str:
    return max(param.opts, key=len) if isinstance(param, click.Option) else str(param.name)


def _flag(param: click.Parameter) -> bool:
    return bool(getattr(param, "is_flag", False)) or isinstance(param.type,
                                                                 click.types.BoolParamType)


def bad_value(param: click.Parameter) -> str | None:
    """A value this parameter must refuse, or None for free text."""
    name = option_name(param)
    if name in BAD_VALUES:
        return BAD_VALUES[name]
    kind = param.type
    if isinstance(kind, click.Choice):
        return "no-such-choice"
    if isinstance(kind, click.IntRange):
        return "-7" if kind.min is not None and kind.min > -7 else "lots"
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        return "lots"
    return None


# -- the cases -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    names: tuple[str, ...] = ()  # the error line must hold one of these (any case)
    report: bool = False
    stdin: str = ""
    seconds: float = CASE_SECONDS  # killed after this (a refusal takes well under it)


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: still running after CASE_SECONDS (killed)
    stdout: str
    stderr: str
    seconds: float = 0.0


def argument_cases() -> list[Case]:
    found = [Case("unknown command", ["no-such-command"], names=("no-such-command",))]
    found += [Case(f"{group}: unknown subcommand", [*group.split(), "no-such-command"],
                   names=("no-such-command",)) for group in groups()]
    for name, command in commands():
        words = name.split()
        needed = REQUIRED.get(name, [])
        found.append(Case(f"{name}: unknown option", [*words, *needed, "--no-such-option"],
                          names=("--no-such-option",)))
        if not any(isinstance(p, click.Argument) and p.nargs == -1 for p in command.params):
            found.append(Case(f"{name}: extra argument",
                              [*words, *needed, "extra-argument", "another-one"],
                              names=("extra-argument", "another-one")))
        for param in command.params:
            if param.required:
                missing = _without(needed, param, command)
                found.append(Case(f"{name}: {option_name(param)} missing", [*words, *missing],
                                  names=_shown(param)))
            if _flag(param):
                continue
            value = bad_value(param)
            if value is None:
                continue
            given = _with(needed, param, value, command)
            found.append(Case(f"{name}: bad {option_name(param)}", [*words, *given],
                              names=(*_shown(param), value)))
    return found


def _shown(param: click.Parameter) -> tuple[str, ...]:
    """How click and the commands may name a parameter in their messages."""
    if isinstance(param, click.Option):
        return (option_name(param),)
    shown = [str(param.name).upper()]
    if isinstance(param.type, click.Choice):
        shown.append("{" + "|".join(map(str, param.type.choices)) + "}")
    return tuple(shown)


def _without(needed: list[str], param: click.Parameter,
             command: click.Command | None = None) -> list[str]:
    """``needed`` without ``param`` (an option and its value, or the argument and the
    arguments after it)."""
    if isinstance(param, click.Option):
        out, skip = [], False
        for index, word in enumerate(needed):
            if skip:
                skip = False
                continue
            if word in param.opts:
                skip = index + 1 < len(needed)
                continue
            out.append(word)
        return out
    arguments = [p for p in (command.params if command else [param])
                 if isinstance(p, click.Argument)]
    keep = arguments.index(param) if param in arguments else 0
    positionals, options = _split(needed)
    return [*positionals[:keep], *options]


def _split(needed: list[str]) -> tuple[list[str], list[str]]:
    """REQUIRED's words: the arguments come first, then the options."""
    first = next((i for i, word in enumerate(needed) if word.startswith("-")), len(needed))
    return needed[:first], needed[first:]


def _with(needed: list[str], param: click.Parameter, value: str,
          command: click.Command) -> list[str]:
    """``needed`` with ``param`` set to ``value``."""
    if isinstance(param, click.Option):
        return [*_without(needed, param), option_name(param), value]
    arguments: list[click.Parameter] = [p for p in command.params
                                        if isinstance(p, click.Argument)]
    index = arguments.index(param)
    positionals, options = _split(needed)
    return [*positionals[:index], value, *positionals[index + 1:], *options]


def settings_cases() -> list[Case]:
    """Each command with one setting it reads made malformed; round robin over the
    settings so every one is refused by some command and every command refuses one."""
    found = []
    turn = 0
    names = list(BAD_SETTINGS)
    for name, command in commands():
        if name in NO_SETTINGS:
            continue
        used = [s for s in reads(name, command) if s in BAD_SETTINGS]
        chosen = [names[(turn + k) % len(names)] for k in range(len(names))]
        setting = next(s for s in chosen if s in used)
        turn = names.index(setting) + 1
        found.append(Case(f"{name}: bad {setting}", [*name.split(), *REQUIRED.get(name, [])],
                          env={setting: BAD_SETTINGS[setting]}, names=(setting,),
                          report=name in REPORTS, stdin=STDIN.get(name, "")))
    covered = {next(iter(case.env)) for case in found}
    readers = ["config check", "worker", "sync", "run", "doctor", "config show"]
    for turn, setting in enumerate(s for s in names if s not in covered):
        name = readers[turn % len(readers)]
        found.append(Case(f"{name}: bad {setting}", [*name.split(), *REQUIRED.get(name, [])],
                          env={setting: BAD_SETTINGS[setting]}, names=(setting,),
                          report=name in REPORTS))
    return found


def file_cases() -> list[Case]:
    """Rules and policy files that do not parse or do not exist; a data folder that
    cannot be made (the embedded Redis keeps its AOF there when REDIS_URL is unset)."""
    found = [Case(f"{name}: SOCIALCRM_DATA_DIR under a file", name.split(),
                  env={"SOCIALCRM_DATA_DIR": "/proc/version/data", "REDIS_URL": "",
                       "SUITECRM_URL": ""}, names=("SOCIALCRM_DATA_DIR",))
             for name in ("run",)]
    for name in ("worker", "sync", "run", "config check", "doctor"):
        for setting, file in (("SOCIALCRM_RULES_FILE", "{tmp}/bad-rules.yaml"),
                              ("SOCIALCRM_POLICY_FILE", "{tmp}/bad-policy.yaml"),
                              ("SOCIALCRM_RULES_FILE", "{tmp}/no-such-rules.yaml")):
            label = Path(file).name
            found.append(Case(f"{name}: {setting} {label}",
                              [*name.split(), *REQUIRED.get(name, [])], env={setting: file},
                              names=(setting,), report=name in REPORTS))
    return found


def service_cases() -> list[Case]:
    dead = "http://127.0.0.1:{dead_port}"
    found = [Case(f"{name}: Redis does not answer", [*name.split(), *REQUIRED.get(name, [])],
                  env={"REDIS_URL": DEAD_REDIS}, names=("Redis",), stdin=STDIN.get(name, ""))
             for name in sorted(NEEDS_REDIS_AT_ONCE)]
    found += [Case(f"{name}: SuiteCRM does not answer", [*name.split(),
                                                          *REQUIRED.get(name, [])],
                   env={"SUITECRM_URL": dead}, names=("SuiteCRM",))
              for name in sorted(NEEDS_SUITECRM_AT_ONCE)]
    return found


ALL_CASES = [*argument_cases(), *settings_cases(), *file_cases(), *service_cases()]
# Run in the same batch, checked by their own tests below.
SAME_AS_REAL = Case("same as python -m socialcrm", ["jobs", "list"],
                    env={"SOCIALCRM_LOG_LEVEL": "LOUD"})
SERVICES_WAIT = [Case(f"{name} waits for Redis", [name], env={"REDIS_URL": DEAD_REDIS},
                      seconds=6) for name in ("worker", "scheduler")]


# -- the driver: one child that forks a process per case ---------------------------------


@dataclass
class Running:
    """One forked case: its process and the files holding what it wrote."""

    pid: int
    out: Any
    err: Any
    started: float
    seconds: float


def start_case(argv: list[str], env: dict[str, str], stdin: str, seconds: float) -> Running:
    """Fork; the child becomes ``socialcrm ARGV`` with ``env`` and ``stdin``, in its own
    session (so a case still running at its deadline is killed with all it started)."""
    given, out, err = (tempfile.TemporaryFile() for _ in range(3))  # noqa: SIM115 - closed in finish_case
    given.write(stdin.encode())
    given.seek(0)
    pid = os.fork()
    if pid == 0:  # the command's own process
        code = 70
        try:
            os.setsid()
            os.environ.clear()
            os.environ.update(env)
            for stream, target in ((given, 0), (out, 1), (err, 2)):
                os.dup2(stream.fileno(), target)
            sys.argv = ["socialcrm", *argv]
            from socialcrm.cli import main

            try:
                main()
                code = 0
            except SystemExit as exc:  # as the interpreter turns it into a status
                if exc.code is None or isinstance(exc.code, int):
                    code = exc.code or 0
                else:
                    print(exc.code, file=sys.stderr)
                    code = 1
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    given.close()
    return Running(pid, out, err, time.monotonic(), seconds)


def finish_case(case: Running, code: int | None) -> dict[str, Any]:
    outputs = []
    for stream in (case.out, case.err):
        stream.seek(0)
        outputs.append(stream.read().decode(errors="replace"))
        stream.close()
    return {"code": code, "stdout": outputs[0], "stderr": outputs[1],
            "seconds": round(time.monotonic() - case.started, 2)}


def driver_main() -> None:
    """``python -m tests.system.test_cli_bad_input``: cases as JSON on stdin, outcomes as
    JSON on stdout, one line each, in order. ``PARALLEL`` cases run at once (most of a
    case's time is spent waiting: on a refused connection's retries, on a deadline)."""
    job = json.loads(sys.stdin.read())
    waiting = list(enumerate(job["cases"]))
    running: dict[int, Running] = {}
    results: dict[int, dict[str, Any]] = {}
    while waiting or running:
        while waiting and len(running) < PARALLEL:
            index, case = waiting.pop(0)
            running[index] = start_case(case["argv"], {**job["env"], **case["env"]},
                                        case["stdin"], case["seconds"])
        for index, case in list(running.items()):
            done, status = os.waitpid(case.pid, os.WNOHANG)
            if done:
                results[index] = finish_case(case, os.waitstatus_to_exitcode(status))
            elif time.monotonic() - case.started > case.seconds:
                os.killpg(case.pid, signal.SIGKILL)
                os.waitpid(case.pid, 0)
                results[index] = finish_case(case, None)
            else:
                continue
            del running[index]
        time.sleep(0.01)
    for index in range(len(job["cases"])):
        print(json.dumps(results[index]), flush=True)


def run_all(cases: list[Case], env: dict[str, str], placeholders: dict[str, str]
            ) -> dict[str, Outcome]:
    def fill(text: str) -> str:
        return text.format(**placeholders)

    job = {"env": env, "cases": [{"argv": [fill(a) for a in case.argv], "stdin": case.stdin,
                                  "seconds": case.seconds,
                                  "env": {k: fill(v) for k, v in case.env.items()}}
                                 for case in cases]}
    process = subprocess.Popen([sys.executable, "-m", "tests.system.test_cli_bad_input"],
                               cwd=placeholders["tmp"], env={**env, "PYTHONPATH": str(ROOT)},
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    output, errors = process.communicate(json.dumps(job), timeout=60 + 30 * len(cases))
    lines = output.splitlines()
    assert process.returncode == 0 and len(lines) == len(cases), errors[-3000:]
    return {case.id: Outcome(**json.loads(line)) for case, line in zip(cases, lines, strict=True)}


if __name__ == "__main__":
    driver_main()
    sys.exit(0)


# -- the tests -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def outcomes(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    tmp = tmp_path_factory.mktemp("cli-bad-input")
    (tmp / "bad-rules.yaml").write_text("rules: [unclosed\n  - {a: ", encoding="utf-8")
    (tmp / "bad-policy.yaml").write_text("replies:\n  hold: 12\n  nonsense: [1, 2\n",
                                         encoding="utf-8")
    dead_port = str(free_port())
    env = child_env(
        SOCIALCRM_DATA_DIR=str(tmp / "data"), SOCIALCRM_SANDBOX_PORT=str(free_port()),
        SUITECRM_URL=f"http://127.0.0.1:{dead_port}", SUITECRM_CLIENT_ID="planted-cli-client",
        SUITECRM_PASSWORD_CLIENT_ID="planted-cli-password-client", REDIS_URL=redis_url,
        SOCIALCRM_HTTP_TIMEOUT="2", SOCIALCRM_API_PORT=str(free_port()), **PLANTED)
    return run_all([*ALL_CASES, SAME_AS_REAL, *SERVICES_WAIT], env,
                   {"tmp": str(tmp), "dead_port": dead_port})


def problems_of(case: Case, outcome: Outcome) -> list[str]:
    """What is wrong with how the command failed (empty: it failed as it should)."""
    both = outcome.stdout + outcome.stderr
    found = []
    if outcome.code is None:
        return [f"still running after {CASE_SECONDS:g} s"]
    if outcome.code == 0:
        found.append("exit status 0")
    if "Traceback" in both:
        found.append("a traceback")
    leaked = [s for s in (*PLANTED.values(), "planted-bad-url-pw", "planted-dead-redis-pw",
                          "planted-too-short-key") if s in both]
    if leaked:
        found.append(f"secrets {leaked}")
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    if case.report:
        fails = [line.strip() for line in outcome.stdout.splitlines()
                 if line.strip().startswith("FAIL")]
        if not any(_names(line, case.names) for line in fails):
            found.append(f"no FAIL line naming {case.names}")
        return found
    errors = [line for line in lines if line.startswith("Error:")]
    others = [line for line in lines if not line.startswith(("Error:", "Usage:", "Try '"))
              and not _quiet_log_line(line)]
    if len(errors) != 1:
        found.append(f"{len(errors)} 'Error:' lines")
    elif not _names(errors[0], case.names):
        found.append(f"the error line does not name {case.names}")
    if others:
        found.append(f"other lines on stderr: {others[:3]}")
    return found


def _names(line: str, names: tuple[str, ...]) -> bool:
    return not names or any(name.lower() in line.lower() for name in names)


def _quiet_log_line(line: str) -> bool:
    """A log line below ERROR (start-up information is not a second error)."""
    parts = line.split(" ", 3)
    return len(parts) > 2 and parts[2] in ("DEBUG", "INFO", "WARNING")


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.id for case in ALL_CASES])
def test_bad_input_is_one_line_and_a_non_zero_exit(case: Case, outcomes: dict[str, Outcome]
                                                  ) -> None:
    outcome = outcomes[case.id]
    problems = problems_of(case, outcome)
    assert not problems, (f"socialcrm {' '.join(case.argv)} {case.env}: {problems}\n"
                          f"exit {outcome.code}\nstdout: {outcome.stdout[-1500:]}\n"
                          f"stderr: {outcome.stderr[-3000:]}")


def test_every_option_is_swept_and_every_bad_setting_is_bad() -> None:
    """A new option needs a bad value here (or is declared free text); every value in
    BAD_SETTINGS is one Settings refuses, naming the setting."""
    unknown = [f"{name} {option_name(p)}" for name, command in commands()
               for p in command.params
               if not _flag(p) and bad_value(p) is None and option_name(p) not in FREE_TEXT]
    assert unknown == []
    assert set(BAD_SETTINGS) | PATH_SETTINGS == {option.env for option in OPTIONS}
    for setting, value in BAD_SETTINGS.items():
        with pytest.raises(SettingsError, match=setting):
            Settings.from_env({setting: value, **({"SUITECRM_URL": "http://crm.example"}
                                                  if setting != "SUITECRM_URL" else {})},
                              only=[setting], require_companions=False)
    swept = {case.env and next(iter(case.env)) for case in settings_cases()}
    assert set(BAD_SETTINGS) <= swept, set(BAD_SETTINGS) - swept


@pytest.mark.parametrize("argv", [["worker", "--processes", "0"],
                                  ["report", "--out", "r.html", "--period", "soon"],
                                  ["jobs", "list", "--queue", "nope"]])
def test_through_the_real_entry_point(argv: list[str], redis_url: str, tmp_path: Path) -> None:
    """The same, through ``python -m socialcrm`` (no fork, nothing imported before)."""
    env = child_env(REDIS_URL=redis_url, SOCIALCRM_DATA_DIR=str(tmp_path), **PLANTED)
    done = socialcrm(*argv, env=env)
    outcome = Outcome(done.returncode, done.stdout, done.stderr)
    case = Case("entry", argv, names=(argv[-2], argv[-1]))
    assert problems_of(case, outcome) == [], done.stderr


def test_the_driver_sees_what_the_real_entry_point_sees(
        outcomes: dict[str, Outcome], redis_url: str, tmp_path: Path) -> None:
    """A fork of the driver and ``python -m socialcrm`` fail alike (same status, same
    error line): the sweep's shortcut changes nothing the sweep looks at."""
    env = child_env(REDIS_URL=redis_url, SOCIALCRM_DATA_DIR=str(tmp_path),
                    **SAME_AS_REAL.env)
    real = socialcrm(*SAME_AS_REAL.argv, env=env)
    forked = outcomes[SAME_AS_REAL.id]
    assert real.returncode != 0
    assert (forked.code, forked.stderr.strip().splitlines()[-1]) == \
        (real.returncode, real.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("case", SERVICES_WAIT, ids=lambda case: case.argv[0])
def test_a_service_waits_for_redis_saying_so_once(outcomes: dict[str, Outcome],
                                                  case: Case) -> None:
    """A worker or the scheduler is a service: started while its Redis does not answer,
    it waits for it (``workers.worker``, ``workers.schedule.run_scheduler``: a supervisor
    starts them and Redis in any order) instead of exiting, and says so in ONE log line,
    with no traceback and no password."""
    outcome = outcomes[case.id]
    said = [line for line in outcome.stderr.splitlines() if line.strip()
            and not (_quiet_log_line(line) and " WARNING " not in line)]
    assert outcome.code is None, "still waiting when stopped"
    assert len(said) == 1 and " WARNING " in said[0] and "Redis" in said[0], said
    both = outcome.stderr + outcome.stdout
    assert "planted-dead-redis-pw" not in both
    assert not [secret for secret in PLANTED.values() if secret in both]
