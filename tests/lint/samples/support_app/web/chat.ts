import { openai } from "./openai";

type Msg = { role: "user" | "assistant"; content: string };

export async function reply(history: Msg[], userEmail: string) {
  const completion = await openai.chat.completions.create({ // expect: ZDR006
    model: "gpt-4.1-mini",
    messages: history,
    user: userEmail,
  });
  return completion.choices[0].message.content;
}

export async function streamAnswer(input: string) {
  const stream = await openai.responses.create({ model: "gpt-4.1-mini", input, stream: true, store: false });
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") process.stdout.write(event.delta);
  }
}

export async function assistantThread() {
  const thread = await openai.beta.threads.create(); // expect: ZDR001
  return thread.id;
}

export async function rawUpload(body: FormData) {
  return fetch("https://api.openai.com/v1/uploads", { method: "POST", body }); // expect: ZDR020
}
