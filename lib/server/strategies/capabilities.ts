import { VARIANTS, type VariantCapabilityName, type VariantId } from "@/lib/catalog/variants";
import type { Capability } from "./types";

/** A capability the variant does not have: not supported, with the catalog's one-line reason (the \`unsupported\` answer's error). */
export function unsupported(id: VariantId, name: VariantCapabilityName): Capability<never> {
  const entry = VARIANTS[id].capabilities[name];
  return { supported: false, reason: entry === true ? `${id} cannot ${name}` : entry };
}

/** A stateless strategy's capabilities: none, each with the reason from the shared catalog. */
export function statelessCapabilities(id: VariantId) {
  return {
    listSessions: unsupported(id, "listSessions"),
    revokeSession: unsupported(id, "revokeSession"),
    revokeAllSessions: unsupported(id, "revokeAllSessions"),
    refresh: unsupported(id, "refresh"),
  };
}
