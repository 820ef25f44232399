/**
 * The webview side of the protocol: requests with ids answered once by the extension, events, and the
 * saved state (getState/setState) that survives hide/show and reloads.
 */
import type { ErrorInfo } from '../protocol';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type RequestMap<R> = { [K in keyof R]: { params: unknown; result: unknown } };

export class RpcError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface Rpc<R extends RequestMap<R>, E> {
  call<K extends keyof R & string>(method: K, params: R[K]['params']): Promise<R[K]['result']>;
  on<K extends keyof E & string>(event: K, fn: (data: E[K]) => void): void;
  getState<S>(): S | undefined;
  setState<S>(state: S): void;
}

export function connect<R extends RequestMap<R>, E>(): Rpc<R, E> {
  const api = acquireVsCodeApi();
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Array<(d: unknown) => void>>();
  window.addEventListener('message', (ev: MessageEvent) => {
    const m = ev.data as { kind?: string; id?: number; ok?: boolean; result?: unknown; error?: ErrorInfo; event?: string; data?: unknown };
    if (!m || typeof m !== 'object') return;
    if (m.kind === 'response' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new RpcError(m.error?.code ?? 'Error', m.error?.message ?? 'The request failed.'));
    } else if (m.kind === 'event' && typeof m.event === 'string') {
      for (const fn of listeners.get(m.event) ?? []) fn(m.data);
    }
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        api.postMessage({ kind: 'request', id, method, params });
      });
    },
    on(event, fn) {
      const list = listeners.get(event) ?? [];
      list.push(fn as (d: unknown) => void);
      listeners.set(event, list);
    },
    getState<S>() {
      return (api.getState() ?? undefined) as S | undefined;
    },
    setState(state) {
      api.setState(state);
    },
  };
}
