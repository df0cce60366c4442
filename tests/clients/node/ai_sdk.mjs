// The Vercel AI SDK (`ai` + `@ai-sdk/openai`, Responses API by default) through zdr:
// a multi-step tool loop and a second turn from `response.messages`, with
// `providerOptions.openai.store = false` (zdr's advice) and with the defaults, whose
// second turn refers to earlier items by id (`item_reference`), which zdr refuses.
// Prints one JSON object of what the app saw for tests/clients/test_node.py to check.
import { generateText, streamText, tool, stepCountIs, Output } from "ai";
import { createOpenAI } from "@ai-sdk/openai";
import { z } from "zod";

const openai = createOpenAI({ baseURL: process.env.ZDR_BASE_URL, apiKey: process.env.ZDR_KEY });
const ask = process.env.ZDR_ASK;
const toolArgs = [];
const tools = {
  get_weather: tool({
    description: "The weather in a city.",
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      toolArgs.push(city);
      return process.env.ZDR_FORECAST;
    },
  }),
};
const seen = { toolArgs };

async function conversation(providerOptions) {
  const messages = [{ role: "user", content: ask }];
  const common = { model: openai("gpt-5-mini"), tools, stopWhen: stepCountIs(3), maxRetries: 0, providerOptions };
  const first = await generateText({ ...common, messages });
  messages.push(...first.response.messages, { role: "user", content: process.env.ZDR_FOLLOW_UP });
  const second = await generateText({ ...common, messages });
  return { first: first.text, second: second.text };
}

seen.advised = await conversation({ openai: { store: false } });
try {
  seen.defaults = await conversation(undefined);
} catch (error) {
  seen.refused = { status: error.statusCode, message: error.message };
}

const streamed = streamText({ model: openai("gpt-4.1-mini"), prompt: ask, maxRetries: 0 });
seen.streamed = await streamed.text;

const structured = await generateText({
  model: openai("gpt-5-mini"),
  prompt: ask,
  output: Output.object({ schema: z.object({ name: z.string(), tags: z.array(z.string()) }) }),
  providerOptions: { openai: { store: false } },
  maxRetries: 0,
});
seen.structured = structured.output;

console.log(JSON.stringify(seen));
