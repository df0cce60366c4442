"""Shared OpenAI clients for the support app."""

import os

from openai import AsyncOpenAI, OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
aclient = AsyncOpenAI()

DEFAULTS = {"model": "gpt-4.1-mini", "temperature": 0.2}
STATEFUL = {"model": "gpt-4.1-mini", "store": True, "metadata": {"app": "support"}}
