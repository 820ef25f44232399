import fs from 'node:fs';
import path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';
import { FreezerError } from '../errors';

let loading: Promise<SqlJsStatic> | undefined;

/**
 * Where the sql.js WebAssembly binary is: the explicit path, else next to the running bundle
 * (the build copies it to dist/sql-wasm.wasm), else inside node_modules (tsx, tests).
 */
export function locateSqlWasm(explicit?: string): string {
  if (explicit) return explicit;
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  try {
    return require.resolve('sql.js/dist/sql-wasm.wasm');
  } catch (e) {
    throw new FreezerError('SqlJsMissing', `The SQLite engine (sql-wasm.wasm) was not found next to ${__dirname} nor in node_modules: reinstall Freezer.`, { cause: e });
  }
}

/** Loads sql.js once per process; later calls share the module whatever path they pass. */
export function loadSqlJs(wasmPath?: string): Promise<SqlJsStatic> {
  loading ??= (async () => {
    const file = locateSqlWasm(wasmPath);
    let wasmBinary: Buffer;
    try {
      wasmBinary = await fs.promises.readFile(file);
    } catch (e) {
      throw new FreezerError('SqlJsMissing', `Cannot read the SQLite engine ${file}: reinstall Freezer.`, { cause: e });
    }
    // Handing the bytes over avoids sql.js looking for the file itself (it guesses wrong inside a bundle).
    const bytes = wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) as ArrayBuffer;
    return initSqlJs({ wasmBinary: bytes } as Parameters<typeof initSqlJs>[0]);
  })().catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}
