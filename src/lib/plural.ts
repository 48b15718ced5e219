// English counts for what the bot says: "1 creator matches", "2 creators match".

/** `n` and the noun in the right number: plural(1, "creator") is "1 creator". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** The verb that agrees with `n`: agree(1, "matches", "match") is "matches". */
export function agree(n: number, singular: string, pluralForm: string): string {
  return n === 1 ? singular : pluralForm;
}
