import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

export type Row = SqlValue[];

/** A sql.js database with a prepared-statement cache (preparing costs more than running). */
export class SqlConnection {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  all(sql: string, params?: BindParams): Row[] {
    const s = this.prepare(sql);
    try {
      if (params) s.bind(params);
      const rows: Row[] = [];
      while (s.step()) rows.push(s.get());
      return rows;
    } finally {
      s.reset();
    }
  }

  get(sql: string, params?: BindParams): Row | undefined {
    const s = this.prepare(sql);
    try {
      if (params) s.bind(params);
      return s.step() ? s.get() : undefined;
    } finally {
      s.reset();
    }
  }

  /** Runs a statement; returns the number of rows it changed. */
  run(sql: string, params?: BindParams): number {
    const s = this.prepare(sql);
    try {
      if (params) s.bind(params);
      s.step();
    } finally {
      s.reset();
    }
    return this.db.getRowsModified();
  }

  value(sql: string, params?: BindParams): SqlValue | undefined {
    return this.get(sql, params)?.[0];
  }

  close(): void {
    for (const s of this.statements.values()) s.free();
    this.statements.clear();
    this.db.close();
  }

  private prepare(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

export const hexToBlob = (hex: string): Uint8Array => Buffer.from(hex, 'hex');
export const blobToHex = (v: SqlValue): string => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : String(v ?? ''));
export const str = (v: SqlValue): string => (v === null ? '' : String(v));
export const strOrNull = (v: SqlValue): string | null => (v === null ? null : String(v));
export const num = (v: SqlValue | undefined): number => Number(v ?? 0);
export const numOrNull = (v: SqlValue): number | null => (v === null ? null : Number(v));
export const bool = (v: SqlValue): boolean => Number(v) !== 0;
