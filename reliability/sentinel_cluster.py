"""A Sentinel-managed Redis on loopback: a primary, its replicas and three Sentinels, each a
real ``redis-server`` process, with the faults a failover scenario injects.

Why real processes with small timeouts: what is tested is Sentinel's own failover (it
notices the primary is gone after ``down-after-milliseconds``, agrees on it with a quorum,
elects a leader, promotes the replica with the most data, repoints the other replicas)
and the clients' reaction to it; a stand-in would only test our idea of Sentinel. With
``down-after-milliseconds 1000`` a failover takes a few seconds instead of the default
30 s and more.

Every server runs with ``appendonly yes`` and ``appendfsync always`` (any of them may
become the primary that holds the updates, docs/reliability.md says why ``always``) and
``repl-diskless-sync-delay 0`` (no 5 s wait before a replica's first sync).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote, urlencode

import redis

from workers.redis_server import find_redis_server, free_port

SERVICE = "socialcrm"
HOST = "127.0.0.1"


def sentinel_url(sentinels: list[tuple[str, int]], service: str, *, db: int = 0,
                 password: str | None = None, options: Mapping[str, str] | None = None) -> str:
    """The ``redis+sentinel://`` URL ``workers.redis_connect.connect`` reads."""
    auth = f":{quote(password, safe='')}@" if password else ""
    hosts = ",".join(f"[{h}]:{p}" if ":" in h else f"{h}:{p}" for h, p in sentinels)
    query = f"?{urlencode(options)}" if options else ""
    return f"redis+sentinel://{auth}{hosts}/{quote(service, safe='')}/{db}{query}"


def _primary_port(watcher: Node) -> int:
    """The primary's port as this Sentinel names it now."""
    answer = cast("tuple[str, int]", watcher.client().sentinel_get_master_addr_by_name(SERVICE))
    return int(answer[1])


def _binary() -> str:
    return os.environ.get("SOCIALCRM_TEST_REDIS_SERVER") or find_redis_server()


def _wait_until(check: object, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if callable(check) and check():
                return
        except redis.RedisError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} within {timeout:g} s")


@dataclass
class Node:
    """One ``redis-server`` (data node or Sentinel) on its own port and directory."""

    directory: Path
    arguments: list[str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Node:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - our binary, our arguments
            [_binary(), *self.arguments, "--port", str(self.port), "--bind", HOST,
             "--dir", str(self.directory), "--logfile", "node.log", "--loglevel", "notice"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_until(lambda: self.client().ping(), f"redis-server on {self.port} did not "
                    "answer", 20)
        return self

    def client(self) -> redis.Redis:
        return redis.Redis(HOST, self.port, socket_timeout=1, socket_connect_timeout=1)

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no shutdown, nothing flushed to anyone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def log(self) -> str:
        path = self.directory / "node.log"
        return path.read_text(errors="replace") if path.exists() else ""


DATA_ARGUMENTS = ["--appendonly", "yes", "--appendfsync", "always", "--save", "",
                  "--repl-diskless-sync-delay", "0"]


@dataclass
class SentinelCluster:
    """``replicas`` replicas of one primary, watched by ``sentinels`` Sentinels (quorum:
    a majority) that fail over after ``down_after_ms`` without an answer."""

    workdir: Path
    replicas: int = 2
    sentinels: int = 3
    down_after_ms: int = 1000
    failover_timeout_ms: int = 5000
    data: list[Node] = field(default_factory=list)
    watchers: list[Node] = field(default_factory=list)

    def start(self) -> SentinelCluster:
        primary = Node(self.workdir / "redis-0", list(DATA_ARGUMENTS)).start()
        self.data = [primary]
        for index in range(1, self.replicas + 1):
            self.data.append(Node(self.workdir / f"redis-{index}", [
                *DATA_ARGUMENTS, "--replicaof", HOST, str(primary.port)]).start())
        _wait_until(lambda: self._replicas_online(primary) == self.replicas,
                    "the replicas did not sync", 30)
        for index in range(self.sentinels):
            directory = self.workdir / f"sentinel-{index}"
            directory.mkdir(parents=True, exist_ok=True)
            config = directory / "sentinel.conf"  # Sentinel rewrites it: a file of its own
            config.write_text(
                f"sentinel monitor {SERVICE} {HOST} {primary.port} "
                f"{self.sentinels // 2 + 1}\n"
                f"sentinel down-after-milliseconds {SERVICE} {self.down_after_ms}\n"
                f"sentinel failover-timeout {SERVICE} {self.failover_timeout_ms}\n"
                f"sentinel parallel-syncs {SERVICE} {self.replicas}\n")
            self.watchers.append(Node(directory, [str(config), "--sentinel"]).start())
        _wait_until(self._sentinels_see_everyone, "the Sentinels did not find each other "
                    "and the replicas", 30)
        return self

    def url(self, **options: str) -> str:
        """The ``redis+sentinel://`` URL of the service (``options``: its query)."""
        return sentinel_url([(HOST, node.port) for node in self.watchers], SERVICE,
                            options=options)

    def primary(self) -> Node:
        """The node the Sentinels name as primary now."""
        for watcher in self.watchers:
            if not watcher.alive:
                continue
            try:
                port = _primary_port(watcher)
            except redis.RedisError:
                continue
            return next(node for node in self.data if node.port == port)
        raise RuntimeError("no Sentinel answers")

    def wait_for_failover(self, old: Node, timeout: float = 60.0) -> Node:
        """Block until every Sentinel names a live primary other than ``old``, and every
        live replica replicates from it (the new primary has replicas again)."""
        def done() -> bool:
            ports = {_primary_port(w) for w in self.watchers if w.alive}
            if len(ports) != 1 or old.port in ports:
                return False
            new = next(node for node in self.data if node.port in ports)
            live = sum(1 for node in self.data if node.alive and node is not new)
            return new.alive and self._replicas_online(new) >= min(live, 1)
        _wait_until(done, "Sentinel did not promote a replica", timeout)
        return self.primary()

    def cut_replication(self) -> list[Node]:
        """Close the primary's links to its replicas and keep them from coming back (a
        wrong ``masterauth`` on each replica: its reconnections fail while it still
        answers Sentinel), so the primary goes on accepting writes that no replica
        receives, as across a partition between them. Returns the replicas cut off;
        ``heal`` them to undo it."""
        primary = self.primary()
        cut = [node for node in self.data if node is not primary and node.alive]
        for node in cut:
            node.client().config_set("masterauth", "cut-off-from-the-primary")
        primary.client().client_kill_filter(_type="replica")
        return cut

    def heal(self, cut: list[Node], *, wait: bool = True, timeout: float = 30.0) -> None:
        """Let replicas cut off by ``cut_replication`` reconnect; with ``wait``, until the
        primary has them back."""
        for node in cut:
            node.client().config_set("masterauth", "")
        if wait:
            primary = self.primary()
            _wait_until(lambda: self._replicas_online(primary) >= len(cut),
                        "the replicas did not come back", timeout)

    def switches(self) -> int:
        """How many times the first Sentinel switched the primary (a failover each)."""
        return self.watchers[0].log().count("+switch-master") if self.watchers else 0

    def stop(self) -> None:
        for node in [*self.watchers, *self.data]:
            node.stop()

    def _replicas_online(self, primary: Node) -> int:
        info = primary.client().info("replication")
        return sum(1 for key, value in info.items()
                   if key.startswith("slave") and isinstance(value, dict)
                   and value.get("state") == "online")

    def _sentinels_see_everyone(self) -> bool:
        for watcher in self.watchers:
            master = cast("dict[str, Any]", watcher.client().sentinel_master(SERVICE))
            if int(master.get("num-other-sentinels", 0)) < self.sentinels - 1 or \
                    int(master.get("num-slaves", 0)) < self.replicas:
                return False
        return True
