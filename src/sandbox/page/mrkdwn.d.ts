// Types for the page's mrkdwn renderer (plain JS, served to the browser as is), for Node tests.
export type MrkdwnContext = {
  userName?: (id: string) => string | undefined;
  channelName?: (id: string) => string | undefined;
  now?: () => Date;
};
export function escapeHtml(s: unknown): string;
export function decodeSlackEntities(s: string): string;
export const EMOJI: Record<string, string>;
export function emojify(html: string): string;
export function formatSlackDate(unixSeconds: number, format: string, now?: Date): string | null;
export function mrkdwn(text: string, ctx?: MrkdwnContext): string;
export function textObject(t: { type: string; text: string; emoji?: boolean } | null | undefined, ctx?: MrkdwnContext): string;
