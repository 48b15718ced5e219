import { z } from "zod";

export const ROLES = ["staff", "manager", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

const RANK: Record<Role, number> = { staff: 1, manager: 2, admin: 3 };

/** No role means no access at all: a Slack workspace member is not studio staff by default. */
export function hasRole(role: Role | null, min: Role): boolean {
  return role !== null && RANK[role] >= RANK[min];
}
