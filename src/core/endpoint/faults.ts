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

interface Rule {
  options: FaultOptions;
  random: () => number;
  /** Faults this rule may still inject (Infinity without `times`). */
  left: number;
}

/** An injected fault, for tests that check which operation met what. */
export interface InjectedFault {
  operation: string;
  kind: FaultKind;
}

export const emptyFaultCounts = (): Record<FaultKind, number> =>
  Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;

/**
 * Decides, request by request, whether to inject a fault and which one. Each rule has its own PRNG,
 * drawn only for the requests it applies to, so the same seed and the same sequence of operations
 * give the same faults.
 */
export class FaultInjector {
  private rules: Rule[] = [];
  readonly counts: Record<FaultKind, number> = emptyFaultCounts();
  readonly injected: InjectedFault[] = [];

  constructor(options?: FaultOptions | readonly FaultOptions[]) {
    this.set(options);
  }

  set(options: FaultOptions | readonly FaultOptions[] | undefined): void {
    const list: readonly FaultOptions[] = options === undefined ? [] : Array.isArray(options) ? options : [options as FaultOptions];
    for (const o of list) {
      if (!(o.rate >= 0 && o.rate <= 1)) throw new TypeError('faults.rate must be between 0 and 1');
      if (!o.kinds.length) throw new TypeError('faults.kinds must name at least one fault');
      for (const k of o.kinds) if (!FAULT_KINDS.includes(k)) throw new TypeError(`unknown fault kind "${k}"`);
      if (o.times !== undefined && !(Number.isInteger(o.times) && o.times >= 0)) throw new TypeError('faults.times must be a non-negative integer');
      if (o.operations && !o.operations.length) throw new TypeError('faults.operations must name at least one operation (or be left out)');
    }
    this.rules = list.map((o) => ({ options: o, random: seededRandom(o.seed ?? 1), left: o.times ?? Infinity }));
  }

  /** The fault for the next request for `operation`, or undefined; with the slow delay it carries. */
  next(operation: string): { kind: FaultKind; slowMs: number } | undefined {
    for (const r of this.rules) {
      const o = r.options;
      if (r.left <= 0 || o.rate <= 0) continue;
      if (o.operations && !o.operations.includes(operation)) continue;
      if (r.random() >= o.rate) continue;
      const kind = o.kinds[Math.floor(r.random() * o.kinds.length)];
      r.left--;
      this.counts[kind]++;
      this.injected.push({ operation, kind });
      return { kind, slowMs: o.slowMs ?? 1000 };
    }
    return undefined;
  }
}
