"""The API description tells the truth: requests generated from the running server's own
/openapi.json (valid ones, and now and then a value of the wrong kind), for every operation
and every kind of caller, never get a 5xx nor a status the document does not list for that
operation. Bounded: 20 examples per operation."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import Live, user_token

CALLERS = ("none", "emp", "lead", "sec", "admin", "ws")
EXAMPLES = 20
#: Text the generator draws: printable letters and a few specials, kept short.
_ALPHABET = st.characters(min_codepoint=0x20, max_codepoint=0x24F, categories=["L", "N", "P", "Zs"])


def _resolve(node: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = {
            **spec["components"]["schemas"][name],
            **{k: v for k, v in node.items() if k != "$ref"},
        }
    return node


def from_schema(node: dict[str, Any], spec: dict[str, Any], ids: list[str], depth: int = 0) -> Any:
    """A hypothesis strategy for the values ``node`` admits (a practical subset of JSON
    Schema: what FastAPI and pydantic write)."""
    node = _resolve(node, spec)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node and "properties" not in node:
            return st.one_of([from_schema(o, spec, ids, depth) for o in node[key]])
    kind = node.get("type")
    if kind is None and "properties" in node:
        kind = "object"
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        lo = int(node.get("minimum", -(2**31)))
        hi = int(node.get("maximum", 2**31))
        return st.integers(min_value=lo, max_value=min(hi, lo + 10**9))
    if kind == "number":
        lo = float(node.get("minimum", -1e6))
        hi = float(node.get("maximum", 1e6))
        return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)
    if kind == "string":
        fmt = node.get("format")
        if fmt == "uuid":
            return st.one_of(st.sampled_from(ids), st.uuids().map(str))
        if fmt == "date-time":
            now = datetime.now(UTC)
            return st.one_of(
                st.just(now.isoformat()),
                st.datetimes(
                    min_value=datetime(1990, 1, 1),
                    max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC),
                ).map(lambda d: d.isoformat()),
            )
        if fmt == "date":
            return st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)).map(str)
        lo = int(node.get("minLength", 0))
        hi = min(int(node.get("maxLength", 40)), lo + 40)
        pattern = node.get("pattern")
        if pattern and pattern != "^[^\\x00]*$":
            return st.from_regex(re.compile(pattern), fullmatch=True).filter(
                lambda s: lo <= len(s) <= int(node.get("maxLength", 10**6))
            )
        return st.text(_ALPHABET, min_size=lo, max_size=hi)
    if kind == "array":
        items = node.get("items", {})
        lo = int(node.get("minItems", 0))
        hi = min(int(node.get("maxItems", 3)), lo + 3)
        if depth > 4:
            return st.just([])
        return st.lists(from_schema(items, spec, ids, depth + 1), min_size=lo, max_size=hi)
    if kind == "object":
        props = node.get("properties", {})
        required = set(node.get("required", ()))
        if not props:
            return st.dictionaries(st.text(_ALPHABET, max_size=8), st.booleans(), max_size=2)
        fields = {name: from_schema(sub, spec, ids, depth + 1) for name, sub in props.items()}

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            out = {}
            for name, strategy in fields.items():
                if name in required or draw(st.booleans()):
                    out[name] = draw(strategy)
            return out

        return build()
    return st.one_of(st.none(), st.booleans(), st.integers(), st.text(_ALPHABET, max_size=10))


#: A value of the wrong kind now and then: the document must list 422 where it happens.
WRONG = st.one_of(st.just(1), st.just(0), st.just("x"), st.just(None), st.just([]), st.just({}))


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, ops in sorted(spec["paths"].items())
        for method, op in sorted(ops.items())
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _check_operation(
    http: httpx.Client,
    spec: dict[str, Any],
    ids: list[str],
    token: Any,
    method: str,
    path: str,
    op: dict[str, Any],
    failures: list[str],
    seen: dict[tuple[str, str], set[int]],
) -> None:
    """Up to EXAMPLES generated requests to one operation, each by a drawn caller."""
    documented = set(op.get("responses", {}))
    params = op.get("parameters", [])
    body_schema = (
        op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    )
    raw_body = "requestBody" in op and body_schema is None

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        caller = data.draw(st.sampled_from(CALLERS), label="caller")
        url = path
        query: dict[str, Any] = {}
        headers = token(caller)
        for p in params:
            value_s = from_schema(p.get("schema", {}), spec, ids)
            if p["in"] == "path":
                # One path segment: no slash, not empty, not "." or "..".
                value = data.draw(
                    value_s.map(str).filter(lambda v: v.strip(".") and "/" not in v),
                    label=p["name"],
                )
                url = url.replace("{" + p["name"] + "}", quote(value, safe=""))
            elif p["in"] == "query" and (p.get("required") or data.draw(st.booleans())):
                value = data.draw(value_s, label=p["name"])
                if value is not None:
                    query[p["name"]] = json.dumps(value) if isinstance(value, bool) else value
        kwargs: dict[str, Any] = {}
        if body_schema is not None:
            strategy = from_schema(body_schema, spec, ids)
            if data.draw(st.integers(0, 9), label="wrong?") == 0:
                strategy = WRONG
            kwargs["json"] = data.draw(strategy, label="body")
        elif raw_body:
            kwargs["content"] = data.draw(st.binary(max_size=64), label="bytes")
        r = http.request(method, url, params=query, headers=headers, **kwargs)
        seen.setdefault((method, path), set()).add(r.status_code)
        if r.status_code >= 500 or str(r.status_code) not in documented:
            failures.append(
                f"{method} {path} as {caller}: {r.status_code} {r.text[:200]} "
                f"(documented: {sorted(documented)}; sent {kwargs.get('json')!r:.200})"
            )

    one()


def test_generated_requests_get_only_documented_answers(live: Live) -> None:
    w = live.world
    spec = httpx.get(f"{live.url}/openapi.json", timeout=10).json()
    ids = [str(w.site_a), str(w.site_b), str(w.workstation), *(str(u) for u in w.users.values())]
    failures: list[str] = []
    seen: dict[tuple[str, str], set[int]] = {}

    def token(caller: str) -> dict[str, str]:
        if caller == "none":
            return {}
        if caller == "ws":
            return {"Authorization": f"Bearer {w.tokens['ws']}"}
        return {"Authorization": f"Bearer {user_token(w.store, w.users[caller])}"}

    with httpx.Client(base_url=live.url, timeout=30) as http:
        for method, path, op in _operations(spec):
            _check_operation(http, spec, ids, token, method, path, op, failures, seen)
    assert not failures, "\n".join(failures[:30])
    assert len(seen) == len(_operations(spec))


@pytest.mark.parametrize(
    ("method", "path", "body", "why"),
    [
        ("PATCH", "/api/v1/admin/sites/{site}", {"share_log_with_employees": 1}, "bool"),
        ("POST", "/api/v1/alarms", {"test": 0}, "bool"),
        ("POST", "/api/v1/admin/tokens/revoke", {"all": 1}, "bool"),
        ("POST", "/api/v1/admin/sites", {"name": "a\u0000b"}, "NUL"),
        (
            "PUT",
            "/api/v1/admin/sites/{site}/escalation",
            {"levels": [{"delay_seconds": 5, "targets": []}]},
            "alerts nobody",
        ),
        (
            "POST",
            "/api/v1/admin/users",
            {"username": "x", "display_name": "X", "role": "employee", "password": "z" * 14},
            "needs a site",
        ),
    ],
)
def test_what_the_schema_forbids_is_refused_with_422(
    client: Any, world: Any, method: str, path: str, body: dict[str, Any], why: str
) -> None:
    who = "ws" if path == "/api/v1/alarms" else "admin"
    url = path.format(site=world.site_a)
    r = client.request(method, url, json=body, headers=world.h(who))
    assert r.status_code == 422, (why, r.text)
    spec = client.get("/openapi.json").json()
    text = json.dumps(spec)
    assert '"pattern": "^[^\\\\x00]*$"' in text
    user_in = spec["components"]["schemas"]["UserIn"]
    assert user_in["then"]["required"] == ["site_id"]
    level = spec["components"]["schemas"]["EscalationLevelModel"]
    assert {"required": ["webhook"], "properties": {"webhook": {"const": True}}} in level["anyOf"]
    assert uuid.UUID(str(world.site_a))
