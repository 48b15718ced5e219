import type { Json } from "../../src/sandbox/block-kit.js";
import type { SandboxedBot } from "../../src/sandbox/start-sandbox.js";

/**
 * Drives a running sandbox the way its page does: `ui` posts to the page's endpoints, `waitFor`
 * polls until the workspace shows something (and says what the sandbox logged when it doesn't).
 * `bot` is a getter because the tests start the sandbox in beforeAll.
 */
export function sandboxUi(bot: () => SandboxedBot) {
  const ws = () => bot().sandbox.ws;
  async function ui(path: string, body: Record<string, unknown>): Promise<Json> {
    const res = await fetch(`${bot().sandboxUrl}ui/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return (await res.json()) as Json;
  }
  async function waitFor<T>(fn: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 8_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end)
        throw new Error(
          `timed out waiting for ${what}; sandbox log: ${ws()
            .log.slice(-12)
            .map((l) => l.text)
            .join(" | ")}`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return { ws, ui, waitFor };
}
