/**
 * The message envelope both panels use, imported by the extension side and the webview side (no `vscode`,
 * no DOM here). The webview asks with requests carrying an id; the extension answers each id exactly once
 * with a result or an error, and pushes events. The first request is always `ready` (the handshake): the
 * extension sends nothing before it.
 */

/** A request from the webview. `M` maps method names to `{ params; result }`. */
export interface RequestMessage<M = Record<string, { params: unknown; result: unknown }>, K extends keyof M = keyof M> {
  kind: 'request';
  id: number;
  method: K;
  params: M[K] extends { params: infer P } ? P : never;
}

export interface ErrorInfo {
  /** Stable code (FreezerError code, or InvalidMessage / UnknownMethod / Error). */
  code: string;
  message: string;
}

export type ResponseMessage =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number; ok: false; error: ErrorInfo };

/** An event from the extension. `E` maps event names to their data. */
export interface EventMessage<E = Record<string, unknown>, K extends keyof E = keyof E> {
  kind: 'event';
  event: K;
  data: E[K];
}

/** Upper bounds every validator applies, so a hostile webview cannot make the host allocate without limit. */
export const LIMITS = {
  /** Any single string field (names, labels, regexes, URLs). */
  shortText: 1024,
  /** Pasted key JSON. */
  keyJson: 16 * 1024,
  /** Paths (Linux PATH_MAX is 4096). */
  path: 4096,
  /** Sources (files and folders) added to one archive. */
  sources: 10_000,
  /** Files selected for one archive. */
  selectedFiles: 2_000_000,
  /** Exclusion-path regexes. */
  patterns: 500,
} as const;
