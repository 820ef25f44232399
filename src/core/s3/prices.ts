import type { ArchiveStorageClass, RestoreTier } from './storageClass';

/**
 * S3 list prices in USD, one dated table per region. They change: update a region's table and its
 * date together. Source: https://aws.amazon.com/s3/pricing/ (us-east-1, read 2026-12). A region
 * missing here is priced with us-east-1's table and the estimate is marked approximate.
 */
export interface ClassPrices {
  /** $ per GB-month stored. */
  storagePerGbMonth: number;
  /** $ per 1,000 PUT / CreateMultipartUpload / UploadPart / CompleteMultipartUpload requests. */
  putPer1000: number;
  /** Retrieval $ per GB and restore requests $ per 1,000, by tier (GLACIER_IR: reads, as 'Standard'). */
  retrieval: Partial<Record<RestoreTier, { perGb: number; per1000Requests: number }>>;
  /** Minimum storage duration in days (deleting earlier bills the rest). */
  minimumDays: number;
  /** Minimum billable object size in bytes (GLACIER_IR: 128 KB). */
  minimumObjectBytes: number;
  /** Bytes billed per object on top of its size: [at STANDARD, at this class] (GLACIER, DEEP_ARCHIVE: 8 KB + 32 KB). */
  overheadBytes: [number, number];
}

export interface RegionPriceTable {
  region: string;
  asOf: string;
  standardPerGbMonth: number;
  /** Data transfer out to the internet, $ per GB (the first tier). */
  transferOutPerGb: number;
  classes: Record<ArchiveStorageClass, ClassPrices>;
}

const KB = 1024;

const US_EAST_1: RegionPriceTable = {
  region: 'us-east-1',
  asOf: '2026-12-01',
  standardPerGbMonth: 0.023,
  transferOutPerGb: 0.09,
  classes: {
    DEEP_ARCHIVE: {
      storagePerGbMonth: 0.00099, putPer1000: 0.05, minimumDays: 180, minimumObjectBytes: 0, overheadBytes: [8 * KB, 32 * KB],
      retrieval: { Standard: { perGb: 0.02, per1000Requests: 0.1 }, Bulk: { perGb: 0.0025, per1000Requests: 0.025 } },
    },
    GLACIER: {
      storagePerGbMonth: 0.0036, putPer1000: 0.03, minimumDays: 90, minimumObjectBytes: 0, overheadBytes: [8 * KB, 32 * KB],
      retrieval: {
        Expedited: { perGb: 0.03, per1000Requests: 10 },
        Standard: { perGb: 0.01, per1000Requests: 0.05 },
        Bulk: { perGb: 0, per1000Requests: 0 },
      },
    },
    GLACIER_IR: {
      // PUT price of GLACIER_IR not verified: the GLACIER figure is used, and estimates say "approximate".
      storagePerGbMonth: 0.004, putPer1000: 0.02, minimumDays: 90, minimumObjectBytes: 128 * KB, overheadBytes: [0, 0],
      retrieval: { Standard: { perGb: 0.03, per1000Requests: 0.01 } },
    },
  },
};

export const S3_PRICE_TABLES: Record<string, RegionPriceTable> = { 'us-east-1': US_EAST_1 };

/** The table for a region and whether it is really that region's (false: us-east-1 prices stand in). */
export function priceTable(region: string): { table: RegionPriceTable; exact: boolean } {
  const t = S3_PRICE_TABLES[region];
  return t ? { table: t, exact: true } : { table: US_EAST_1, exact: false };
}
