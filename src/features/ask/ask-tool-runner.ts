import type { Logger } from "../../logger.js";
import type { AskReader, CreatorLabel, Lookup } from "./ask-reader.js";
import { fitJson, summariseArgs } from "./ask-fns.js";
import { inputProblems, isToolName, TOOL_INPUTS, TOOL_NAMES, type ToolInput, type ToolName } from "./ask-tools.js";

// Runs one tool call the model asked for. Never throws: an unknown tool, arguments that are
// not JSON, arguments zod refuses, an id that names no creator or a failed query all become a
// tool error the model reads (and may correct), so a hostile or confused model cannot crash the
// answer. The result is capped, and the creators it names are exactly the ones in the text the
// model received: only those can later get an Open button.

export type ToolCallRecord = { name: string; args: string; ok: boolean };
export type ToolOutcome = { content: string; isError: boolean; creators: CreatorLabel[]; record: ToolCallRecord };
export type ToolRunner = (name: string, input: unknown, inputParsed: boolean) => Promise<ToolOutcome>;

type Deps = { reader: AskReader; logger: Logger; maxChars: number };

export function createToolRunner({ reader, logger, maxChars }: Deps): ToolRunner {
  const call: { [N in ToolName]: (input: ToolInput<N>) => Promise<Lookup> } = {
    find_creators: (i) => reader.findCreators(i),
    list_creators: (i) => reader.listCreators(i),
    get_creator: (i) => reader.getCreator(i),
    list_milestones: (i) => reader.listMilestones(i),
    get_health_reasons: (i) => reader.healthReasons(i),
  };

  const refuse = (record: ToolCallRecord, message: string): ToolOutcome => ({
    content: `Error: ${message}`,
    isError: true,
    creators: [],
    record: { ...record, ok: false },
  });

  return async (name, input, inputParsed) => {
    const record: ToolCallRecord = {
      name: isToolName(name) ? name : `unknown tool ${JSON.stringify(Array.from(name).slice(0, 40).join(""))}`,
      args: summariseArgs(input),
      ok: true,
    };
    if (!isToolName(name))
      return refuse(
        record,
        `there is no tool named that. The only tools are: ${TOOL_NAMES.join(", ")}. Credentials, the vault and the audit log are not available to you.`,
      );
    if (!inputParsed) return refuse(record, "the arguments were not a valid JSON object.");
    const parsed = TOOL_INPUTS[name].safeParse(input);
    if (!parsed.success) return refuse(record, `invalid arguments (${inputProblems(parsed.error)}).`);
    let result: Lookup;
    try {
      result = await (call[name] as (i: unknown) => Promise<Lookup>)(parsed.data);
    } catch (e) {
      logger.warn({ err: e, tool: name }, "ask tool lookup failed");
      return refuse(record, "the lookup failed. Answer with what you already have, and say that some data could not be read.");
    }
    if ("error" in result) return refuse(record, result.error);
    const content = fitJson(result.data, maxChars);
    const creators = result.creators.filter((c) => content.includes(c.id)).map((c) => ({ id: c.id, brandName: c.brandName, creatorName: c.creatorName }));
    return { content, isError: false, creators, record };
  };
}
