import { describe, expect, it } from "vitest";
import { formatSlackDate, mrkdwn, textObject } from "../../src/sandbox/page/mrkdwn.js";

// The sandbox page renders whatever the bot sends; these pin that text can never become markup.

const ctx = { userName: (id: string) => ({ U0DEMOSAM: "Sam Staff" })[id], channelName: (id: string) => ({ C0GENERAL: "general" })[id] };

describe("sandbox mrkdwn renderer", () => {
  it("escapes HTML in text before adding any markup", () => {
    // Raw <…> is a Slack control sequence, never a tag: an unknown one shows as its text.
    const out = mrkdwn("<img src=x onerror=alert(1)> \"quoted\" & 'single'");
    expect(out).toBe("img src=x onerror=alert(1) &quot;quoted&quot; &amp; &#39;single&#39;");
    expect(mrkdwn("&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;")).toBe("&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp;");
  });

  it("decodes Slack's entities once: what the bot escaped shows as typed", () => {
    expect(mrkdwn("Salt &amp; Pine &lt;3")).toBe("Salt &amp; Pine &lt;3");
  });

  it("renders only http(s) and mailto links, with escaped labels", () => {
    expect(mrkdwn("<https://example.com/a?b=1&amp;c=2|the *site*>")).toBe(
      '<a class="mk-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the *site*</a>',
    );
    for (const bad of ["<javascript:alert(1)|click me>", "<data:text/html,<b>x</b>|x>", "<vbscript:x|y>"]) {
      expect(mrkdwn(bad)).not.toMatch(/<a |href=/);
    }
    expect(mrkdwn('<https://x.example/"onmouseover="alert(1)|x>')).toContain('href="https://x.example/&quot;onmouseover=&quot;alert(1)"');
  });

  it("renders mentions, channels and broadcasts from their ids", () => {
    expect(mrkdwn("hi <@U0DEMOSAM>", ctx)).toBe('hi <span class="mk-mention" data-user="U0DEMOSAM">@Sam Staff</span>');
    expect(mrkdwn("<@U0NOBODY|nob<ody>", ctx)).toContain("@U0NOBODY");
    expect(mrkdwn("<#C0GENERAL> <!here>", ctx)).toBe('<span class="mk-mention mk-channel">#general</span> <span class="mk-mention mk-broadcast">@here</span>');
  });

  it("formats *bold*, _italic_, ~strike~, `code` and code blocks, and leaves code alone", () => {
    expect(mrkdwn("*Bold* and _it_ and ~gone~ and `x*y*`")).toBe('<b>Bold</b> and <i>it</i> and <s>gone</s> and <code class="mk-code">x*y*</code>');
    expect(mrkdwn("```\n*not bold* &lt;b&gt;\n```")).toBe('<pre class="mk-pre">*not bold* &lt;b&gt;</pre>');
    expect(mrkdwn("snake_case_name and 2*3*4")).toBe("snake_case_name and 2*3*4");
    expect(mrkdwn("*<https://a.example|A>*")).toBe('<b><a class="mk-link" href="https://a.example" target="_blank" rel="noopener noreferrer">A</a></b>');
  });

  it("renders quotes, line breaks and known emoji", () => {
    expect(mrkdwn("&gt; quoted\nnext :white_check_mark: :not_an_emoji:")).toBe('<span class="mk-quote">quoted</span><br>next ✅ :not_an_emoji:');
    expect(mrkdwn("asks\n>why &lt;now&gt;")).toBe('asks<br><span class="mk-quote">why &lt;now&gt;</span>');
  });

  it("renders <!date> in the viewer's time zone, with the fallback when the timestamp is junk", () => {
    const now = new Date(2026, 10, 27, 12, 0, 0);
    const at = Math.floor(new Date(2026, 10, 27, 9, 5, 0).getTime() / 1000);
    expect(formatSlackDate(at, "{date_short_pretty} at {time}", now)).toBe("today at 9:05 AM");
    expect(formatSlackDate(at - 86_400, "{date_num}", now)).toBe("2026-11-26");
    expect(mrkdwn(`<!date^${at}^{date_num}|fallback>`)).toContain(">2026-11-27<");
    expect(mrkdwn("<!date^nope^{date}|2026-01-01 UTC>")).toContain("2026-01-01 UTC");
  });

  it("treats plain_text as text: escaped, emoji only when allowed", () => {
    expect(textObject({ type: "plain_text", text: "<b>*x*</b> :x:" })).toBe("&lt;b&gt;*x*&lt;/b&gt; ❌");
    expect(textObject({ type: "plain_text", text: ":x:", emoji: false })).toBe(":x:");
  });
});
