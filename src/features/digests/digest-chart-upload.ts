import type { WebClient } from "@slack/web-api";
import type { Db } from "../../db.js";
import { uploadFile } from "../../slack/file-upload.js";
import { healthCountsByDay } from "../health/health-snapshot.js";
import { renderHealthChart } from "./digest-chart.js";

export const CHART_DAYS = 14;

/** The last 14 days' RED/YELLOW/GREEN counts as a PNG, uploaded into a digest's thread. */
export async function uploadDigestChart(deps: { db: Db; client: WebClient }, to: { channel: string; threadTs: string; day: string; now: Date }): Promise<void> {
  const png = renderHealthChart(await healthCountsByDay(deps.db, { days: CHART_DAYS, now: to.now }));
  await uploadFile(deps.client, {
    channelId: to.channel,
    threadTs: to.threadTs,
    filename: `health-${to.day}.png`,
    title: `Creator health, last ${CHART_DAYS} days`,
    initialComment: `Creator health over the last ${CHART_DAYS} days: 🔴 RED, 🟡 YELLOW, 🟢 GREEN (stacked, oldest on the left).`,
    altText: `Stacked bars of RED, YELLOW and GREEN creator counts for the last ${CHART_DAYS} days`,
    content: png,
  });
}
