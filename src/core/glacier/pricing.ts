import { RetrievalTier, RETRIEVAL_TIERS } from './retrieval';

/**
 * Amazon Glacier (vault API) retrieval prices in USD. They change: update the table and the date
 * together. Source: https://aws.amazon.com/s3/glacier/pricing/ (Glacier Flexible Retrieval rows).
 */
export const PRICES_AS_OF = '2024-11-01';

interface TierPrice { perGb: number; per1000Requests: number }
interface RegionPrices { tiers: Record<RetrievalTier, TierPrice>; transferOutPerGb: number }

const US: RegionPrices = {
  tiers: {
    Expedited: { perGb: 0.03, per1000Requests: 10 },
    Standard: { perGb: 0.01, per1000Requests: 0.05 },
    Bulk: { perGb: 0.0025, per1000Requests: 0.025 },
  },
  transferOutPerGb: 0.09,
};

export const RETRIEVAL_PRICES: Record<string, RegionPrices> = {
  'us-east-1': US,
  'us-east-2': US,
  'us-west-2': US,
  'eu-west-1': US,
  'eu-central-1': {
    tiers: {
      Expedited: { perGb: 0.036, per1000Requests: 12 },
      Standard: { perGb: 0.012, per1000Requests: 0.06 },
      Bulk: { perGb: 0.003, per1000Requests: 0.03 },
    },
    transferOutPerGb: 0.09,
  },
};

export interface RetrievalEstimate {
  tier: RetrievalTier;
  bytes: number;
  /** Retrieval fee (per GB plus per request). */
  retrievalUsd: number;
  /** Downloading the output to the internet. */
  transferOutUsd: number;
  totalUsd: number;
  region: string;
  /** True when the region is not in the table and us-east-1 prices were used. */
  approximate: boolean;
  pricesAsOf: string;
}

const GB = 1024 ** 3;

/** Cost of retrieving `bytes` in `requests` jobs with one tier, in a region. */
export function estimateRetrievalCost(bytes: number, tier: RetrievalTier, region: string, requests = 1): RetrievalEstimate {
  const table = RETRIEVAL_PRICES[region];
  const prices = table ?? RETRIEVAL_PRICES['us-east-1'];
  const p = prices.tiers[tier];
  const gb = bytes / GB;
  const retrievalUsd = gb * p.perGb + (requests / 1000) * p.per1000Requests;
  const transferOutUsd = gb * prices.transferOutPerGb;
  return { tier, bytes, retrievalUsd, transferOutUsd, totalUsd: retrievalUsd + transferOutUsd, region, approximate: !table, pricesAsOf: PRICES_AS_OF };
}

/** One estimate per tier, cheapest last, to show before the user starts a retrieval. */
export function estimateAllTiers(bytes: number, region: string, requests = 1): RetrievalEstimate[] {
  return RETRIEVAL_TIERS.map((t) => estimateRetrievalCost(bytes, t, region, requests));
}

/** "$1.23" with enough precision for cents and fractions of a cent. */
export function formatUsd(usd: number): string {
  return usd >= 0.01 || usd === 0 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(4)}`;
}
