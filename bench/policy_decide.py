"""What the policy decision costs per request, with and without holding the body to the
openai SDK's declared shapes (catalogue/shapes.py), measured side by side in one run.

    .venv/bin/python bench/policy_decide.py

Prints microseconds per decide() for a few representative bodies, each timed with the
shapes read and with it skipped (the same decide() on an endpoint the shapes do not
cover), and the share the reading takes. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import timeit
from typing import Any

from zdr.catalogue.load import load_catalogue
from zdr.catalogue.params import known_params
from zdr.config import PolicySettings
from zdr.policy import decide as decide_module
from zdr.policy.decide import Request, decide
from zdr.policy.model import Policy

CAT = load_catalogue()
KNOWN = known_params()
POLICY = Policy.compile("p", PolicySettings(), "openai")

BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    "chat, 2 messages": (
        "/v1/chat/completions",
        {
            "model": "gpt-4.1",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Summarise the meeting notes. " * 20},
            ],
            "store": False,
            "prompt_cache_retention": "in_memory",
        },
    ),
    "responses, 20 items + 5 tools": (
        "/v1/responses",
        {
            "model": "gpt-4.1",
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "hi " * 100}],
                }
            ]
            * 20,
            "tools": [
                {"type": "function", "name": f"f{i}", "parameters": {"type": "object"}}
                for i in range(5)
            ],
            "store": False,
            "prompt_cache_retention": "in_memory",
        },
    ),
}


def _time(path: str, body: dict[str, Any]) -> float:
    ep = CAT.match("POST", path)
    req = Request("POST", path, ep, body, body.get("model"))
    assert decide(req, POLICY, CAT, KNOWN).refusal is None
    best = min(timeit.repeat(lambda: decide(req, POLICY, CAT, KNOWN), number=500, repeat=7))
    return best / 500 * 1e6


def main() -> None:
    for name, (path, body) in BODIES.items():
        with_shapes = _time(path, body)
        shaped = decide_module.SDK_SHAPED
        decide_module.SDK_SHAPED = frozenset()  # the same decision without the SDK reading
        try:
            without = _time(path, body)
        finally:
            decide_module.SDK_SHAPED = shaped
        print(
            f"{name:32s} decide(): {with_shapes:7.1f} us with the SDK reading, "
            f"{without:6.1f} us without ({with_shapes - without:6.1f} us for the reading)"
        )


if __name__ == "__main__":
    main()
