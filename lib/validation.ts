import { z } from "zod";
import { ROLES } from "@/lib/strategies";

// Request bodies of the JSON API (docs/api.md). Shared by route handlers and forms.

export const loginBody = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

export const displayName = z.string().trim().min(1, "Name cannot be empty").max(80, "Name is at most 80 characters");
export const profileBody = z.object({ name: displayName });

export const MIN_PASSWORD_LENGTH = 12;
export const passwordBody = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(MIN_PASSWORD_LENGTH, `New password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
});

export const noteBody = z.object({
  title: z.string().trim().min(1, "Title cannot be empty").max(120),
  body: z.string().max(5000).default(""),
});

export const roleBody = z.object({ role: z.enum(ROLES) });
export const disableBody = z.object({ disabled: z.boolean() });

/** Ids in URL paths: opaque, bounded, URL-safe. */
export const pathId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
