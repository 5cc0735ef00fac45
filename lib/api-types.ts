import type { VariantId } from "@/lib/catalog/variants";
import type { Role } from "@/lib/strategies";

// Shapes of the JSON API's responses as the browser receives them (dates as ISO strings).

export interface PublicUser {
  id: string;
  email: string | null;
  name: string;
  role: Role;
}

export interface MeResponse {
  user: PublicUser;
  session: { strategy: VariantId; id: string | null; issuedAt: string; expiresAt: string; credentialBytes: number };
  database: { name: string; role: Role; disabled: boolean } | null;
}

export interface NoteDto {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

export interface DeviceDto {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  current: boolean;
}

export interface AdminUserDto {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}
