// The LangGraph JS SDK against our server: a thread, a streamed run with values and
// messages-tuple, an interrupt and its resume. Prints what it saw as JSON for the test.
import { Client } from "@langchain/langgraph-sdk";

const client = new Client({ apiUrl: process.argv[2], apiKey: process.argv[3] || undefined });
const out = {};

const thread = await client.threads.create({ metadata: { from: "js" } });
out.thread = thread;
const events = [];
let text = "";
let lastValues = null;
for await (const part of client.runs.stream(thread.thread_id, "assistant", {
  input: { messages: [{ role: "user", content: "hello from js" }] },
  streamMode: ["values", "messages-tuple"],
})) {
  events.push(part.event);
  if (part.event === "messages" && part.data[0].type === "AIMessageChunk" &&
      typeof part.data[0].content === "string") text += part.data[0].content;
  if (part.event === "values") lastValues = part.data;
}
out.events = events;
out.text = text;
out.last = lastValues.messages.at(-1).content;

const review = await client.threads.create();
const paused = [];
for await (const part of client.runs.stream(review.thread_id, "review", {
  input: { draft: "js" }, streamMode: ["updates"],
})) {
  if (part.event === "updates" && part.data.__interrupt__) paused.push(part.data.__interrupt__);
}
out.interrupt = paused[0][0].value;
out.threadStatus = (await client.threads.get(review.thread_id)).status;
let verdict = null;
for await (const part of client.runs.stream(review.thread_id, "review", {
  command: { resume: "approved in js" }, streamMode: ["values"],
})) {
  out.resumeEvents = [...(out.resumeEvents || []), part.event];
  if (part.event === "values") verdict = part.data.verdict;
}
out.verdict = verdict;
out.state = (await client.threads.getState(review.thread_id)).values;
console.log(JSON.stringify(out));
