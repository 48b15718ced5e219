// The baseline: a bare @slack/bolt app that only acks, on the same receiver and signing secret
// as the bot. Started as a child process by bench/latency.ts.
import { App } from "@slack/bolt";
import { SlackHttpReceiver } from "../src/slack/http-receiver.js";
import { createLogger } from "../src/logger.js";

const logger = createLogger({ level: "warn" });
const receiver = new SlackHttpReceiver({ signingSecret: process.argv[2]!, logger });
const app = new App({
  token: "xoxb-bare",
  receiver,
  botId: "BBARE",
  botUserId: "UBARE",
  tokenVerificationEnabled: false,
  clientOptions: { slackApiUrl: process.argv[4] },
});
app.command("/wl", async ({ ack }) => ack());
app.action(/.*/, async ({ ack }) => ack());
app.view(/.*/, async ({ ack }) => ack());
// An options load answers in its ack: one static option, no database.
app.options(/.*/, async ({ ack }) => ack({ options: [{ text: { type: "plain_text", text: "Bare" }, value: "bare" }] }));
await receiver.start(Number(process.argv[3] ?? 0), "127.0.0.1");
process.stdout.write(`ready ${receiver.port}\n`);
process.on("SIGTERM", () => void receiver.stop().then(() => process.exit(0)));
