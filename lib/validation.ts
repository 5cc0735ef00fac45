import { z } from "@/lib/zod";
import { ROLES } from "@/lib/strategies";

// Request bodies of the JSON API (docs/api.md). Shared by route handlers and forms.

// PostgreSQL cannot store NUL in text, and no field here has a use for it:
// refuse it up front (400) rather than let the database fail (500).
const text = () => z.string().refine((v) => !v.includes("\u0000"), "must not contain NUL characters");

export const loginBody = z.object({
  email: text().trim().min(3).max(320),
  password: text().min(1).max(1024),
});

/**
 * Control characters (C0, DEL, C1), bidirectional overrides and isolates
 * (they can make a name display as someone else's, "Trojan Source"), line and
 * paragraph separators and the BOM. Zero-width joiners stay allowed: scripts
 * and emoji need them.
 */
const UNSAFE_IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029\uFEFF]/u;

export const displayName = text()
  .trim()
  .min(1, "Name cannot be empty")
  .max(80, "Name is at most 80 characters")
  .refine((v) => !UNSAFE_IN_NAMES.test(v), "Name must not contain control or bidirectional-override characters");
export const profileBody = z.object({ name: displayName });

export const MIN_PASSWORD_LENGTH = 12;
export const passwordBody = z.object({
  currentPassword: text().min(1).max(1024),
  newPassword: text().min(MIN_PASSWORD_LENGTH, `New password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
});

export const noteBody = z.object({
  title: text().trim().min(1, "Title cannot be empty").max(120),
  body: text().max(5000).default(""),
});

export const roleBody = z.object({ role: z.enum(ROLES) });
export const disableBody = z.object({ disabled: z.boolean() });

/** Ids in URL paths: opaque, bounded, URL-safe. */
export const pathId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
