"""What every wire schema shares: unknown fields are ignored (a newer peer may add some), and
text that will be stored is refused when it holds a NUL character (PostgreSQL text cannot)."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from veiligbalie.core import limits

_V = TypeVar("_V")


def reject_nul(value: _V) -> _V:
    """NUL characters cannot be stored in PostgreSQL text; refuse them at the door."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            reject_nul(key)
            reject_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            reject_nul(item)
    return value


#: Validation context a body's reader sets when its raw JSON cannot hold a NUL: JSON carries
#: one only as the escape ``\u0000`` (a raw control character is invalid JSON), so bytes
#: without that escape need no walk through every value (see :func:`reject_nul_unless_free`).
NUL_FREE = "nul_free"


def nul_free_context(raw: bytes) -> dict[str, bool] | None:
    """The validation context for ``raw`` JSON: NUL_FREE when it has no ``\\u0000``."""
    return None if b"\\u0000" in raw else {NUL_FREE: True}


def reject_nul_unless_free(value: _V, info: ValidationInfo) -> _V:
    """:func:`reject_nul` as a field validator, skipped for a body known to be NUL-free."""
    if info.context and info.context.get(NUL_FREE):
        return value
    return reject_nul(value)


class WireModel(BaseModel):
    """Base of every wire schema. Newer peers may add fields; an older one keeps
    understanding the ones it knows."""

    model_config = ConfigDict(extra="ignore")


def defer_builds() -> None:
    """The client at start-up, before it imports its wire schemas: each schema defined from now
    on makes its validator and serializer when first used, or in :func:`build_deferred`,
    instead of at import (some 85 schemas, ~40 % of importing them). The alarm path is live
    sooner; what it sends and reads is the same (pydantic's ``defer_build``). The server does
    not call this: FastAPI reads its schemas as they are defined."""
    WireModel.model_config["defer_build"] = True


def build_deferred() -> int:
    """Build every wire schema that is not built yet (the client, once its alarm path is
    live, so that no later message waits for it); how many were built."""
    built = 0
    pending: list[type[BaseModel]] = list(WireModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not model.__pydantic_complete__:
            model.model_rebuild()
            built += 1
    return built


#: What the schema says of text that is checked for NUL (no NUL anywhere).
NO_NUL_PATTERN = "^[^\\x00]*$"


def no_nul_in_schema(schema: dict[str, Any]) -> None:
    """Say the NUL rule in the JSON schema: every plain text property gets the pattern."""

    def mark(node: dict[str, Any]) -> None:
        if node.get("type") == "string" and "pattern" not in node and "format" not in node:
            node["pattern"] = NO_NUL_PATTERN
        for key in ("anyOf", "oneOf"):
            for option in node.get(key, ()):
                mark(option)
        if isinstance(node.get("items"), dict):
            mark(node["items"])

    for prop in schema.get("properties", {}).values():
        mark(prop)


class CheckedModel(WireModel):
    """A body the server stores as it comes: every field is checked for NUL characters (and
    the schema says so, as a pattern on its text)."""

    model_config = ConfigDict(extra="ignore", json_schema_extra=no_nul_in_schema)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return reject_nul(value)


#: A person's or station's name on an alarm.
Name = Annotated[str, Field(max_length=limits.NAME_MAX)]
Location = Annotated[str, Field(max_length=limits.LOCATION_MAX)]
SiteId = Annotated[str, Field(max_length=limits.SITE_ID_MAX)]


class FrozenWireModel(WireModel):
    """A wire schema whose instances are passed around as values (alarm bodies and events)."""

    model_config = ConfigDict(frozen=True)
