import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import type { SessionCapabilities } from "./types";

/** A stateless strategy's capabilities: none, each with the reason from the shared catalog. */
export function statelessCapabilities(id: StrategyId): SessionCapabilities {
  const reason = (name: keyof SessionCapabilities) => {
    const entry = STRATEGIES[id].capabilities[name];
    return entry === true ? `${id} cannot ${name}` : entry;
  };
  return {
    listSessions: { supported: false, reason: reason("listSessions") },
    revokeSession: { supported: false, reason: reason("revokeSession") },
    revokeAllSessions: { supported: false, reason: reason("revokeAllSessions") },
  };
}
