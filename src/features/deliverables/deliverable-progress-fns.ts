// Pure rules of a deliverable's progress message: when to update it while Claude streams, what
// it says, and the title the model tends to repeat at the top of its text. No I/O here.

export const PROGRESS = {
  /** At most one update this often: Slack's chat.update is rate limited (~1/s per channel, Tier 3). */
  everyMs: 3_000,
  /** Lines of the text so far shown under the count. */
  previewLines: 3,
  previewChars: 280,
} as const;

/** True when the progress message may be updated at `now`, given when it was last written. */
export function progressDue(now: Date, lastAt: Date | null, everyMs: number = PROGRESS.everyMs): boolean {
  return lastAt === null || now.getTime() - lastAt.getTime() >= everyMs;
}

export type ProgressSummary = { chars: number; sections: number; preview: string[] };

const HEADING = /^\s{0,3}#{1,6}\s+\S/;

/** Characters so far, Markdown sections so far, and the first non-empty lines (for the preview). */
export function progressSummary(text: string): ProgressSummary {
  const lines = text.split("\n");
  const sections = lines.filter((l) => HEADING.test(l)).length;
  const preview: string[] = [];
  let room: number = PROGRESS.previewChars;
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || room <= 0 || preview.length >= PROGRESS.previewLines) continue;
    const cut = Array.from(line).slice(0, room).join("");
    preview.push(cut.length < line.length ? `${cut}…` : cut);
    room -= cut.length;
  }
  return { chars: Array.from(text).length, sections, preview };
}

/** Lower case words only: "**Brand Report — Race Co**" and "brand report: race co" compare equal. */
function words(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]s\b/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The ways a model titles "Brand report" for "Race Co". */
function titleForms(label: string, brandName: string): Set<string> {
  return new Set([label, `${label} ${brandName}`, `${brandName} ${label}`, `${label} for ${brandName}`, `${label} of ${brandName}`, brandName].map(words));
}

/**
 * The text without a first line that only repeats the deliverable's title, in Markdown
 * (`# Brand report: Race Co`), bold (`**…**`, `*…*`) or plain form: the message already has
 * the title as its header, so it would show twice. Any other first line stays.
 */
export function stripRepeatedTitle(text: string, title: { label: string; brandName: string }): string {
  const lines = text.split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  if (first < 0) return text;
  const line = lines[first]!.trim();
  const bare = line
    .replace(/^#{1,6}\s+/, "")
    .replace(/\s+#+$/, "")
    .replace(/^(\*\*|\*|__|_)(.+)\1$/, "$2")
    .trim();
  if (!bare || !titleForms(title.label, title.brandName).has(words(bare))) return text;
  const rest = lines
    .slice(first + 1)
    .join("\n")
    .replace(/^\s*\n/, "")
    .trimStart();
  // A text that is only its title keeps it (an empty message helps no one).
  return rest ? rest : text;
}
