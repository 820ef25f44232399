/**
 * The original tool's timestamps: local `YYYY-MM-DD HH:MM:SS` without a zone (read in this
 * machine's zone), or Glacier's ISO-8601 times. Returns ISO-8601 UTC, or undefined if unreadable.
 */
export function legacyTime(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) return undefined;
  const s = v.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?$/.exec(s);
  if (local) {
    const [, y, mo, d, h, mi, sec, frac] = local;
    const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
    const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0), ms);
    return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, mo, d] = s.split('-').map(Number);
    return new Date(y, mo - 1, d).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}
