// The two JSONB columns typed as plain lines instead of JSON (issue 17): custom_fields as
// "key: value" lines, other_social_links as one link per line ("name: https://…" or a bare
// URL, named after its site). Both are stored in the seed's JSON shape, so Django reads them
// as before: values that read as numbers, booleans or JSON (lists, objects) are stored as such.
// Text that starts with "{" is still taken as a JSON object (what the form used to ask for).

export type LinesResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");

/** "50000" -> 50000, "true" -> true, '["a"]' -> ["a"], anything else stays text. */
function typedValue(raw: string): unknown {
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(raw)) return Number(raw);
  if (raw === "true" || raw === "false") return raw === "true";
  if (/^[[{"]/.test(raw)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** "key: value" per line; a key at most once. */
export function parseKeyValueLines(text: string): LinesResult {
  const out: Record<string, unknown> = {};
  for (const [i, line] of lines(text).entries()) {
    const at = line.indexOf(":");
    const key = at > 0 ? line.slice(0, at).trim() : "";
    if (!key) return { ok: false, error: `Line ${i + 1}: write key: value, like revenue_target_monthly: 50000.` };
    if (Object.hasOwn(out, key)) return { ok: false, error: `Line ${i + 1}: “${Array.from(key).slice(0, 30).join("")}” is given twice.` };
    out[key] = typedValue(line.slice(at + 1).trim());
  }
  return { ok: true, value: out };
}

/** A link's name from its site: https://www.pinterest.com/brand -> "pinterest". */
function siteName(url: string): string | null {
  try {
    const parts = new URL(url).hostname.replace(/^www\./, "").split(".");
    return parts.length >= 2 ? parts[parts.length - 2]! : null;
  } catch {
    return null;
  }
}

/** One link per line: "name: https://…" or a bare https:// link. */
export function parseLinkLines(text: string): LinesResult {
  const out: Record<string, unknown> = {};
  for (const [i, line] of lines(text).entries()) {
    const named = /^([^:/\s][^:/]*?)\s*:\s+(\S+)$/.exec(line);
    const url = named ? named[2]! : line;
    const name = named ? named[1]!.trim() : siteName(url);
    if (!name || !/^https?:\/\//i.test(url)) return { ok: false, error: `Line ${i + 1}: one https:// link per line, optionally named (pinterest: https://…).` };
    if (Object.hasOwn(out, name))
      return { ok: false, error: `Line ${i + 1}: two links named “${Array.from(name).slice(0, 30).join("")}”; name one of them (name: https://…).` };
    out[name] = url;
  }
  return { ok: true, value: out };
}

/** The stored object as the lines a person would type (the Edit form's initial value). */
export function keyValueText(obj: Record<string, unknown>): string {
  return (
    Object.entries(obj)
      // A text value that would read back as something else ("50000", "true", several lines) is quoted.
      .map(([k, v]) => `${k}: ${typeof v === "string" && typedValue(v) === v && !v.includes("\n") ? v : JSON.stringify(v)}`)
      .join("\n")
  );
}
