/**
 * The risk tiers a model may be classified in, lowest first (the order ranks them for sorting and for telling a
 * raise from a lowering). Declared here, below governance, because inventory filters and sorts by them too.
 */
export const RISK_TIERS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export function isRiskTier(value: string): value is RiskTier {
  return (RISK_TIERS as readonly string[]).includes(value);
}
