"""Summaries and replies for support tickets."""

import logging

from app.llm import aclient, client, DEFAULTS, STATEFUL

log = logging.getLogger(__name__)


def summarise(ticket_text: str) -> str:
    resp = client.chat.completions.create(
        messages=[{"role": "user", "content": ticket_text}],
        **DEFAULTS,
    )
    return resp.choices[0].message.content or ""


def summarise_for_evals(ticket_text: str) -> str:
    resp = client.chat.completions.create(  # expect: ZDR002
        messages=[{"role": "user", "content": ticket_text}],
        **STATEFUL,
    )
    return resp.choices[0].message.content or ""


async def draft_reply(ticket, customer):
    stream = await aclient.responses.create(  # expect: ZDR002, ZDR006
        model="gpt-4.1-mini",
        input=ticket.text,
        stream=True,
        safety_identifier=customer.email,
    )
    async for event in stream:
        log.debug("event %s", event.type)


async def follow_up(ticket, previous_id: str):
    return await aclient.responses.create(  # expect: ZDR003
        model="gpt-4.1-mini",
        input=ticket.text,
        store=False,
        previous_response_id=previous_id,
    )


def triage(ticket_text: str, user_id_hash: str):
    with client.chat.completions.stream(
        model="gpt-4.1-mini",
        messages=[{"role": "user", "content": ticket_text}],
        user=user_id_hash,
    ) as stream:
        for _ in stream:
            pass
