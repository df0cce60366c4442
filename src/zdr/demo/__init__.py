"""The demo upstream ``zdr serve`` starts when no provider key is set: an echo model on
an OpenAI-compatible server (:mod:`zdr.demo.app`), labelled as such in ``/v1/models``.

It is capable enough for the SDK helpers a newcomer tries first: function calls on both
APIs with arguments shaped by the tool's schema, structured outputs from a JSON schema,
streaming of both in the provider's event shapes, and reasoning models' items with the
provider's ``store: false`` rules (:mod:`zdr.demo.responses`). The tests' fake upstream,
:mod:`zdr.fake.openai`, is this server with recording and faults added.
"""

from zdr.demo.app import DemoUpstream
from zdr.demo.model import DEMO_MODEL

__all__ = ["DEMO_MODEL", "DemoUpstream"]
