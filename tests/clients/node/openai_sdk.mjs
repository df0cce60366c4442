// The official `openai` Node SDK through zdr, as its README shows it: a reasoning
// model's tool loop with `input = [...input, ...response.output]`, a second turn,
// a streamed response, and a structured output parsed with zod. Prints one JSON object
// of what the app saw for tests/clients/test_node.py to check.
import OpenAI from "openai";
import { zodTextFormat } from "openai/helpers/zod";
import { z } from "zod";

const client = new OpenAI({ baseURL: process.env.ZDR_BASE_URL, apiKey: process.env.ZDR_KEY, maxRetries: 0 });
const ask = process.env.ZDR_ASK;
const forecast = process.env.ZDR_FORECAST;
const tool = {
  type: "function",
  name: "get_weather",
  description: "The weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
  strict: true,
};
const seen = {};

let input = [{ role: "user", content: ask }];
const first = await client.responses.create({ model: "gpt-5-mini", input, tools: [tool] });
seen.firstTypes = first.output.map((item) => item.type);
const call = first.output.find((item) => item.type === "function_call");
seen.toolArgs = JSON.parse(call.arguments);
input = [...input, ...first.output, { type: "function_call_output", call_id: call.call_id, output: forecast }];
const second = await client.responses.create({ model: "gpt-5-mini", input, tools: [tool] });
seen.answer = second.output_text;
input = [...input, ...second.output, { role: "user", content: process.env.ZDR_FOLLOW_UP }];
const third = await client.responses.create({ model: "gpt-5-mini", input });
seen.secondTurn = third.output_text;

const stream = client.responses.stream({ model: "o4-mini", input: ask, tools: [tool] });
let streamedArgs = "";
for await (const event of stream) {
  if (event.type === "response.function_call_arguments.delta") streamedArgs += event.delta;
}
seen.streamedArgs = JSON.parse(streamedArgs);

const Contact = z.object({ name: z.string(), notes: z.array(z.string()) });
const parsed = await client.responses.parse({
  model: "gpt-5-mini",
  input: ask,
  text: { format: zodTextFormat(Contact, "contact") },
});
seen.parsed = parsed.output_parsed;

console.log(JSON.stringify(seen));
