"""The embedded Redis is a real server with AOF persistence that survives a restart."""

from __future__ import annotations

import redis

from workers.redis_server import EmbeddedRedis


def test_embedded_redis_persists_across_restart(tmp_path):
    data = tmp_path / "redis"
    with EmbeddedRedis(data, persistent=True) as server:
        client = redis.Redis.from_url(server.url)
        client.rpush("queue", "job-1", "job-2")
        client.close()
        port = server.port
    assert (data / "appendonlydir").exists() or list(data.glob("appendonly*"))
    with EmbeddedRedis(data, persistent=True, port=port) as again:
        client = redis.Redis.from_url(again.url)
        assert client.lrange("queue", 0, -1) == [b"job-1", b"job-2"]
        client.close()


def test_stop_ends_the_process(tmp_path):
    server = EmbeddedRedis(tmp_path, persistent=False).start()
    client = redis.Redis.from_url(server.url, socket_timeout=1)
    assert client.ping()
    server.stop()
    try:
        client.ping()
    except redis.ConnectionError:
        pass
    else:
        raise AssertionError("redis still answers after stop()")
    finally:
        client.close()


def test_session_redis_fixture_is_flushed(redis_client):
    assert redis_client.dbsize() == 0
    redis_client.set("k", "v")
    assert redis_client.get("k") == b"v"
