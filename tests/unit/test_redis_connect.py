"""``workers.redis_connect``: the Redis URL forms every process reads, Sentinel included.

Parsing is checked on its own (no server needed: a client connects on its first command);
the behaviour through real ``redis-server`` processes: a client made from a Sentinel URL
writes to the primary and keeps working after Sentinel promotes a replica, and
``confirm_replicated`` tells a write a replica holds from one it does not.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from reliability.sentinel_cluster import SentinelCluster
from socialcrm.settings import Settings, SettingsError
from workers.redis_connect import (
    NotReplicatedError,
    check_redis_url,
    confirm_replicated,
    connect,
    parse_sentinel_url,
)

PASSWORD = "hunter2-sentinel-secret"


def test_a_full_sentinel_url_names_every_part() -> None:
    target = parse_sentinel_url(
        f"rediss+sentinel://app:{PASSWORD.replace('-', '%2D')}@s1.example:26380,"
        "[2001:db8::7]:26381,s3.example/my%20service/3?socket_timeout=2.5&replica_acks=2"
        "&sentinel_auth=yes&ssl_ca_certs=/etc/ca.pem&sentinel_socket_timeout=0.2")
    assert target.sentinels == (("s1.example", 26380), ("2001:db8::7", 26381),
                                ("s3.example", 26379))
    assert (target.service, target.db, target.tls) == ("my service", 3, True)
    assert (target.username, target.password) == ("app", PASSWORD)
    assert target.sentinel_auth and target.sentinel_timeout == 0.2
    assert target.options == {"socket_timeout": 2.5, "ssl_ca_certs": "/etc/ca.pem"}


def test_a_short_sentinel_url_takes_the_defaults() -> None:
    target = parse_sentinel_url("redis+sentinel://sentinel.internal/socialcrm")
    assert target.sentinels == (("sentinel.internal", 26379),)
    assert (target.service, target.db, target.tls, target.password) == (
        "socialcrm", 0, False, None)
    assert not target.sentinel_auth
    client = connect("redis+sentinel://sentinel.internal/socialcrm/")
    assert (client.replica_acks, client.replica_ack_timeout) == (1, 0.5)
    # RQ rebuilds clients in a worker pool's children from the class alone: it carries it.
    assert (type(client).replica_acks, type(client).replica_ack_timeout) == (1, 0.5)


def test_a_plain_url_keeps_redis_py_options_and_takes_ours_out() -> None:
    client = connect("redis://:pw@127.0.0.1:6390/2?socket_timeout=3&replica_acks=1"
                     "&replica_ack_timeout=0.25", socket_connect_timeout=4)
    kwargs = client.connection_pool.connection_kwargs
    assert (kwargs["db"], kwargs["port"], kwargs["password"]) == (2, 6390, "pw")
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (3.0, 4)
    assert "replica_acks" not in kwargs and "replica_ack_timeout" not in kwargs
    assert (client.replica_acks, client.replica_ack_timeout) == (1, 0.25)
    assert connect("unix:///run/redis.sock?db=1").replica_acks == 0


@pytest.mark.parametrize(("url", "says"), [
    ("localhost:6379", "must start with redis://"),
    ("http://cache.example/0", "(not http://)"),
    ("redis://", "names no server after redis://"),
    ("redis://cache.example/0?bogus=1", "unknown option(s) 'bogus'"),
    ("redis://cache.example/0?socket_timeout=soon", "invalid value for 'socket_timeout'"),
    ("redis+sentinel://s1:26379", "names no Sentinel service"),
    ("redis+sentinel://s1:26379/", "names no Sentinel service"),
    ("redis+sentinel://s1:26379?replica_acks=1", "names no Sentinel service"),
    ("redis+sentinel://s1,,s2/socialcrm", "empty Sentinel address"),
    ("redis+sentinel://s1,/socialcrm", "empty Sentinel address"),
    ("redis+sentinel://s1:99999/socialcrm", "a port is a number from 1 to 65535"),
    ("redis+sentinel://s1:port/socialcrm", "a port is a number from 1 to 65535"),
    ("redis+sentinel://:26379/socialcrm", "write host:port"),
    ("redis+sentinel://::1:26379/socialcrm", "an IPv6 address goes in brackets"),
    ("redis+sentinel://[::1:26379/socialcrm", "or [IPv6]:port"),
    ("redis+sentinel://s1/socialcrm/zero", "database by number"),
    ("redis+sentinel://s1/socialcrm/0/1", "path /<service>[/<db>]"),
    ("redis+sentinel://s1/socialcrm?replica_acks=-1", "whole number of replicas"),
    ("redis+sentinel://s1/socialcrm?replica_ack_timeout=0", "seconds above 0"),
    ("redis+sentinel://s1/socialcrm?replica_ack_timeout=inf", "seconds above 0"),
    ("redis+sentinel://s1/socialcrm?sentinel_auth=maybe", "must be yes or no"),
    ("redis+sentinel://s1/socialcrm?sentinel_password=x", "unknown option(s)"),
    ("redis://cache.example/0?sentinel_auth=yes", "unknown option(s) 'sentinel_auth'"),
])
def test_a_bad_url_is_a_value_error_that_says_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=r"^the Redis URL ") as raised:
        connect(url)
    assert says in str(raised.value)
    with pytest.raises(ValueError):
        check_redis_url(url)


def test_errors_never_echo_the_password() -> None:
    for url in (f"redis+sentinel://:{PASSWORD}@s1:port/socialcrm",
                f"redis+sentinel://:{PASSWORD}@s1/socialcrm/x",
                f"redis://:{PASSWORD}@cache.example/0?bogus=1"):
        with pytest.raises(ValueError) as raised:
            connect(url)
        assert PASSWORD not in str(raised.value)
        with pytest.raises(SettingsError) as refused:
            Settings.from_env({"REDIS_URL": url})
        assert str(refused.value).startswith("REDIS_URL ")
        assert PASSWORD not in str(refused.value)


def test_the_settings_accept_a_sentinel_url_and_mask_its_password() -> None:
    url = f"redis+sentinel://:{PASSWORD}@s1:26379,s2:26379/socialcrm/0"
    settings = Settings.from_env({"REDIS_URL": url})
    assert settings.redis_url == url
    assert PASSWORD not in repr(settings)
    assert PASSWORD in settings.secret_values()


def test_a_server_without_replicas_cannot_confirm_when_acks_are_asked(
        redis_url: str) -> None:
    plain = connect(redis_url)
    confirm_replicated(plain)  # acks 0: nothing asked, nothing waited for
    strict = connect(redis_url + "?replica_acks=1&replica_ack_timeout=0.05")
    with pytest.raises(NotReplicatedError, match="0 of 1"):
        confirm_replicated(strict)
    plain.close()
    strict.close()


@pytest.fixture()
def cluster(tmp_path: Path) -> Iterator[SentinelCluster]:
    running = SentinelCluster(tmp_path, replicas=1).start()
    try:
        yield running
    finally:
        running.stop()


def test_a_sentinel_client_confirms_replicated_writes_and_follows_a_failover(
        cluster: SentinelCluster) -> None:
    client = connect(cluster.url(replica_ack_timeout="0.3"))
    client.set("before", "1")
    confirm_replicated(client, "before")  # the replica holds it
    with pytest.raises(NotReplicatedError, match="gone"):
        confirm_replicated(client, "before", "never-written")
    first = cluster.primary()
    assert first.client().get("before") == b"1"

    cut = cluster.cut_replication()  # the primary goes on alone
    client.set("unreplicated", "1")
    with pytest.raises(NotReplicatedError, match="0 of 1"):
        confirm_replicated(client, "unreplicated")
    cluster.heal(cut)
    confirm_replicated(client, "unreplicated")  # caught up: the same write is confirmed

    first.kill()
    deadline = time.monotonic() + 60
    while True:  # the same client, never rebuilt: it asks the Sentinels again
        try:
            client.set("after", "1")
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline, "no new primary within 60 s"
            time.sleep(0.1)
    second = cluster.primary()
    assert second is not first and second.client().get("after") == b"1"
    assert second.client().get("before") == b"1"
    client.close()
