"""The real SuiteCRM the live suites run against, reached the three ways an admin reaches it.

* over HTTP (the V8 API and the UI) at ``SUITECRM_URL``;
* as PHP inside its install folder ``SUITECRM_ROOT``, run as the web server's user, the
  way the Module Loader page runs (``tests/live/php/module_loader.php``);
* through its database, read directly (PyMySQL, ``utf8mb4`` so that what is stored is
  seen byte for byte), with the credentials of its own ``config.php``.

Nothing here knows where that SuiteCRM came from: CI brings one up, a developer may point
the same settings at a test copy of their own.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
import pymysql.cursors

PHP_DIR = Path(__file__).resolve().parent / "php"
MARKER = "@@socialcrm-module-loader@@"
REQUIRED = (
    "SUITECRM_URL",
    "SUITECRM_CLIENT_ID",
    "SUITECRM_CLIENT_SECRET",
    "SUITECRM_PASSWORD_CLIENT_ID",
    "SUITECRM_PASSWORD_CLIENT_SECRET",
    "SUITECRM_USERNAME",
    "SUITECRM_PASSWORD",
    "SUITECRM_ROOT",
)


class LiveSetupError(RuntimeError):
    """The live suites cannot run: a setting is missing or the SuiteCRM is unreachable."""


@dataclass(frozen=True)
class LiveSettings:
    """Where the real SuiteCRM is and how to act on it (from ``SUITECRM_*``)."""

    url: str
    client_id: str
    client_secret: str = field(repr=False)
    password_client_id: str
    password_client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    root: Path
    web_user: str = "www-data"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> LiveSettings:
        missing = [name for name in REQUIRED if not env.get(name)]
        if missing:
            raise LiveSetupError(f"{missing[0]} is not set (the live suites need "
                                 f"{', '.join(REQUIRED)})")
        root = Path(env["SUITECRM_ROOT"])
        if not (root / "include" / "entryPoint.php").is_file():
            raise LiveSetupError(f"SUITECRM_ROOT={root} is not a SuiteCRM install folder "
                                 "(no include/entryPoint.php)")
        return cls(env["SUITECRM_URL"].rstrip("/"), env["SUITECRM_CLIENT_ID"],
                   env["SUITECRM_CLIENT_SECRET"], env["SUITECRM_PASSWORD_CLIENT_ID"],
                   env["SUITECRM_PASSWORD_CLIENT_SECRET"], env["SUITECRM_USERNAME"],
                   env["SUITECRM_PASSWORD"], root,
                   env.get("SUITECRM_WEB_USER") or _owner(root))


def _owner(root: Path) -> str:
    """SuiteCRM's files belong to the web server's user; PHP must run as that user."""
    return pwd.getpwuid((root / "config.php").stat().st_uid).pw_name


class SuiteCRMHost:
    """Runs PHP inside the SuiteCRM folder as the web server's user."""

    def __init__(self, settings: LiveSettings) -> None:
        self.settings = settings
        self._scratch = Path(tempfile.mkdtemp(prefix="socialcrm-live-"))
        self._scratch.chmod(0o755)  # the web user must read the scripts and packages here

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def _php_command(self) -> list[str]:
        me = pwd.getpwuid(os.geteuid()).pw_name
        if me == self.settings.web_user:
            return ["php"]
        if os.geteuid() == 0:
            return ["runuser", "-u", self.settings.web_user, "--", "php"]
        return ["sudo", "-n", "-u", self.settings.web_user, "php"]

    def share(self, path: Path) -> Path:
        """A copy of ``path`` the web user can read (pytest's temp folders are private)."""
        target = self._scratch / path.name
        shutil.copyfile(path, target)
        target.chmod(0o644)
        return target

    def php(self, script: Path, *args: str,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        shared = self.share(script)
        return subprocess.run([*self._php_command(), str(shared), *args],
                              cwd=self.settings.root, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def php_code(self, code: str, *args: str, timeout: float = 120) -> str:
        """Run PHP code inside the SuiteCRM folder (``$argv`` holds ``args``); its stdout."""
        done = subprocess.run([*self._php_command(), "-r", code, "--", *args],
                              cwd=self.settings.root, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if done.returncode != 0:
            raise LiveSetupError(f"php -r failed ({done.returncode}): {done.stderr or done.stdout}")
        return done.stdout

    def decrypt_field(self, encrypted: str) -> str:
        """What SuiteCRM's own blowfishDecode makes of a value under its 'encrypt_field' key
        (whose file, custom/blowfish/, SuiteCRM creates the first time it encrypts)."""
        return self.php_code(
            "define('sugarEntry', true); require_once 'include/utils/encryption_utils.php'; "
            "if (!is_file('custom/blowfish/' . str_rot13('encrypt_field') . '.php')) { exit(3); } "
            "echo blowfishDecode(blowfishGetKey('encrypt_field'), $argv[1]);", encrypted)

    def db_config(self) -> dict[str, Any]:
        code = ("include 'config.php'; if (is_file('config_override.php')) "
                "{ include 'config_override.php'; } echo json_encode($sugar_config['dbconfig']);")
        config: dict[str, Any] = json.loads(self.php_code(code))
        return config


class ModuleLoader:
    """SuiteCRM's Module Loader, driven through ``tests/live/php/module_loader.php``.

    The Module Loader page runs inside the web server and resets its PHP opcode cache when it
    is done. A command line cannot: the web server keeps running the files it compiled before
    the install until opcache looks at them again (every ``opcache.revalidate_freq`` seconds,
    2 by default), and a request in that window can even write SuiteCRM's vardef cache from
    the old files. So after an install or uninstall nothing is asked of the web server until
    that time has passed.
    """

    SCRIPT = PHP_DIR / "module_loader.php"

    def __init__(self, host: SuiteCRMHost, sleep: Callable[[float], None] = time.sleep) -> None:
        self.host = host
        self._sleep = sleep

    def _run(self, *args: str) -> dict[str, Any]:
        done = self.host.php(self.SCRIPT, *args)
        _, found, tail = done.stdout.rpartition(MARKER)
        if not found:
            raise LiveSetupError(f"module_loader.php {' '.join(args)} exited {done.returncode} "
                                 f"without a result:\n{done.stderr}\n{done.stdout[-2000:]}")
        result: dict[str, Any] = json.loads(tail)
        result["returncode"] = done.returncode
        result["stderr"] = done.stderr
        return result

    def _changing(self, *args: str) -> dict[str, Any]:
        result = self._run(*args)
        self._sleep(int(result.get("opcache_revalidate_seconds", 2)) + 1.0)
        return result

    def install(self, package: Path) -> dict[str, Any]:
        return self._changing("install", str(self.host.share(package)))

    def uninstall(self, id_name: str, *, remove_tables: bool) -> dict[str, Any]:
        return self._changing("uninstall", id_name, "remove" if remove_tables else "keep")

    def installed(self, id_name: str | None = None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._run("installed", *([id_name] if id_name else []))[
            "installed"]
        return rows


def package_errors(result: Mapping[str, Any], root: Path,
                   markers: tuple[str, ...] = ("SCRM", "scrm")) -> list[dict[str, Any]]:
    """The PHP errors a Module Loader run raised in the package's own files.

    SuiteCRM 7.14's core raises many PHP 8.2 deprecations of its own on every request;
    only what names a file the package installed concerns us.
    """
    prefix = str(root).rstrip("/") + "/"
    return [e for e in result.get("php_errors", ())
            if any(m in str(e.get("file", "")).removeprefix(prefix) for m in markers)]


class Database:
    """SuiteCRM's own database, read and (for set-up only) written directly."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        host = str(config.get("db_host_name") or "localhost")
        port = int(config.get("db_port") or 3306)
        self._args = {
            "user": config["db_user_name"], "password": config["db_password"],
            "database": config["db_name"], "charset": "utf8mb4", "autocommit": True,
            "cursorclass": pymysql.cursors.DictCursor,
        }
        if host in ("localhost", "") and Path("/run/mysqld/mysqld.sock").exists():
            self._args["unix_socket"] = "/run/mysqld/mysqld.sock"
        else:
            self._args.update(host=host, port=port)
        self._conn = pymysql.connect(**self._args)

    @contextmanager
    def cursor(self) -> Iterator[pymysql.cursors.DictCursor]:
        try:
            self._conn.ping(reconnect=False)
        except pymysql.err.Error:  # MariaDB may have restarted (a reliability test)
            self._conn = pymysql.connect(**self._args)
        with self._conn.cursor() as cur:
            yield cur

    def rows(self, sql: str, args: Any = None) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            cur.execute(sql, args)
            return list(cur.fetchall())

    def row(self, sql: str, args: Any = None) -> dict[str, Any] | None:
        found = self.rows(sql, args)
        return found[0] if found else None

    def value(self, sql: str, args: Any = None) -> Any:
        found = self.row(sql, args)
        return None if found is None else next(iter(found.values()))

    def close(self) -> None:
        self._conn.close()
