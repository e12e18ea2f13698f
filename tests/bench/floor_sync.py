"""The floor of the sync benchmarks: the same payloads over the same HTTP stack (uvicorn, its
HTTP parser and event loop) into the same database, with no logic: a raw ASGI app that

- ``POST /floor/push``: reads the push body, and stores every change's payload with one
  ``executemany`` in one transaction (its own table, ``bench_floor_changes``), answering
  the stored count;
- ``GET /floor/pull?cursor=N&limit=M``: the next page of that table by seq, written into the
  answer as stored text (as the real pull does), with the page's cursor.

``--copy-changes`` first fills the table with the server's own change log (the same payloads
the real pull sends). Run as ``python -m tests.bench.floor_sync PORT DATABASE_URL``; it
serves on 127.0.0.1 until killed.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from urllib.parse import parse_qs

import sqlalchemy as sa
import uvicorn
from starlette.concurrency import run_in_threadpool

from veiligbalie.server.store import create_db_engine

TABLE = "bench_floor_changes"


def prepare(engine: sa.Engine, copy_changes: bool) -> None:
    serial = "BIGSERIAL" if engine.dialect.name == "postgresql" else "INTEGER"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
        conn.exec_driver_sql(
            f"CREATE TABLE {TABLE} (seq {serial} PRIMARY KEY, change_id TEXT NOT NULL, "
            "kind TEXT NOT NULL, entity_id TEXT NOT NULL, payload TEXT NOT NULL, "
            "created_at TEXT NOT NULL)"
        )
        if copy_changes:
            conn.exec_driver_sql(
                f"INSERT INTO {TABLE} (seq, change_id, kind, entity_id, payload, created_at) "
                "SELECT seq, CAST(entity_id AS TEXT), kind, CAST(entity_id AS TEXT), "
                "CAST(payload AS TEXT), CAST(created_at AS TEXT) FROM changes ORDER BY seq"
            )


class FloorSync:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.mark = "%s" if engine.dialect.name == "postgresql" else "?"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()
            await send({"type": "lifespan.startup.complete"})
            await receive()
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if scope["method"] == "POST" and scope["path"] == "/floor/push":
            answer = await run_in_threadpool(self.push, body)
        elif scope["method"] == "GET" and scope["path"] == "/floor/pull":
            query = parse_qs(scope["query_string"].decode())
            cursor, limit = int(query["cursor"][0]), int(query["limit"][0])
            answer = await run_in_threadpool(self.pull, cursor, limit)
        else:
            answer = b'{"ready":true}'
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": answer})

    def push(self, body: bytes) -> bytes:
        changes = json.loads(body)["changes"]
        rows = [
            (
                c["change_id"],
                c["kind"],
                c["entity_id"],
                json.dumps(c["payload"], separators=(",", ":"), ensure_ascii=False),
                c["created_at"],
            )
            for c in changes
        ]
        m = self.mark
        with self.engine.begin() as conn:
            conn.exec_driver_sql(
                f"INSERT INTO {TABLE} (change_id, kind, entity_id, payload, created_at) "
                f"VALUES ({m}, {m}, {m}, {m}, {m})",
                rows,
            )
        return json.dumps({"stored": len(rows)}).encode()

    def pull(self, cursor: int, limit: int) -> bytes:
        m = self.mark
        with self.engine.begin() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT seq, kind, entity_id, payload, created_at FROM {TABLE} "
                f"WHERE seq > {m} ORDER BY seq LIMIT {m}",
                (cursor, limit + 1),
            ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        parts = [
            f'{{"seq":{seq},"kind":"{kind}","entity_id":"{entity}","payload":{payload},'
            f'"created_at":"{created}"}}'
            for seq, kind, entity, payload, created in rows
        ]
        last = rows[-1][0] if rows else cursor
        return (
            f'{{"cursor":{last},"has_more":{"true" if more else "false"},'
            f'"changes":[{",".join(parts)}]}}'
        ).encode()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("database")
    parser.add_argument("--copy-changes", action="store_true")
    args = parser.parse_args(argv)
    engine = create_db_engine(args.database)  # the server's own engine set-up (PRAGMAs)
    prepare(engine, args.copy_changes)
    config = uvicorn.Config(
        FloorSync(engine), host="127.0.0.1", port=args.port, log_level="warning"
    )
    uvicorn.Server(config).run()
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
