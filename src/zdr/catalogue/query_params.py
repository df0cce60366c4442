"""The query parameters the openai SDK sends on each call, as an allow-list.

``data/openai_queries.json`` is generated from the installed SDK (scripts/gen_params.py)
beside the body shapes and drift-tested like them. The gateway forwards a query string
only when every parameter in it is one the SDK declares for that method and path:
``POST /v1/chat/completions?store=true`` is refused, not forwarded unread.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import orjson

from zdr.catalogue.sdk_paths import PathIndex


class QueryNames:
    def __init__(self, data: dict[str, list[str]]):
        self.calls = {key: frozenset(names) for key, names in data.items()}
        self._paths = PathIndex(self.calls)

    def declared(self, method: str, path: str) -> frozenset[str] | None:
        """The query parameters the SDK can send to ``method path`` (a concrete path),
        or None when the SDK has no such call (another provider's route, say)."""
        key = self._paths.key_for(method, path)
        return self.calls[key] if key is not None else None


def parameter_name(name: str) -> str:
    """A query parameter's name as declared: ``include[]`` and ``metadata[k]`` are the
    wire forms of ``include`` and ``metadata``."""
    return name.split("[", 1)[0]


@cache
def load_query_params() -> QueryNames:
    raw = (resources.files("zdr.catalogue") / "data" / "openai_queries.json").read_bytes()
    data: dict[str, list[str]] = orjson.loads(raw)
    return QueryNames(data)
