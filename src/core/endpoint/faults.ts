import type { FaultKind, FaultOptions } from './options';
import { FAULT_KINDS } from './options';

/** mulberry32: a tiny seeded PRNG, so a run with faults can be replayed exactly from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, request by request, whether to inject a fault and which one. */
export class FaultInjector {
  private options: FaultOptions | undefined;
  private random: () => number = Math.random;
  readonly counts: Record<FaultKind, number> = { '500': 0, '503': 0, throttle: 0, timeout: 0, drop: 0, slow: 0 };

  constructor(options?: FaultOptions) {
    this.set(options);
  }

  set(options: FaultOptions | undefined): void {
    if (options) {
      if (!(options.rate >= 0 && options.rate <= 1)) throw new TypeError('faults.rate must be between 0 and 1');
      if (!options.kinds.length) throw new TypeError('faults.kinds must name at least one fault');
      for (const k of options.kinds) if (!FAULT_KINDS.includes(k)) throw new TypeError(`unknown fault kind "${k}"`);
    }
    this.options = options;
    this.random = seededRandom(options?.seed ?? 1);
  }

  get slowMs(): number {
    return this.options?.slowMs ?? 1000;
  }

  /** The fault for the next request, or undefined. */
  next(): FaultKind | undefined {
    const o = this.options;
    if (!o || o.rate <= 0) return undefined;
    if (this.random() >= o.rate) return undefined;
    const kind = o.kinds[Math.floor(this.random() * o.kinds.length)];
    this.counts[kind]++;
    return kind;
  }
}
