"""A triage agent built with the OpenAI Agents SDK."""

from agents import Agent, ModelSettings, Runner  # expect: ZDR010

triage_agent = Agent(  # expect: ZDR011
    name="triage",
    instructions="Route the ticket to billing or tech.",
)

billing_agent = Agent(
    name="billing",
    instructions="Answer billing questions.",
    model_settings=ModelSettings(store=False),
)


async def route(text: str):
    return await Runner.run(triage_agent, text)
