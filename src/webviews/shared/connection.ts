import * as vscode from 'vscode';
import { FreezerError } from '../../core/errors';
import type { ErrorInfo, EventMessage, ResponseMessage } from './protocol';
import { InvalidMessageError, requestIdOf } from './validate';

type Handlers<R extends { method: string; params: unknown }> = {
  [K in R['method']]: (params: Extract<R, { method: K }>['params']) => Promise<unknown> | unknown;
};

/** What a rejected request tells the webview; never more than the error's own message. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof InvalidMessageError || e instanceof FreezerError) return { code: e.code, message: e.message };
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : e.name || 'Error', message: e.message };
  }
  return { code: 'Error', message: String(e) };
}

/**
 * The extension side of one webview: every message is parsed by the panel's validator before any handler
 * runs; each request gets exactly one response (result or error); events wait for the `ready` handshake.
 */
export class WebviewConnection<R extends { id: number; method: string; params: unknown }, E> implements vscode.Disposable {
  private ready = false;
  private readonly queued: EventMessage[] = [];
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly parse: (msg: unknown) => R,
    private readonly handlers: Handlers<R>,
    private readonly log: vscode.LogOutputChannel,
    private readonly name: string,
  ) {
    this.subscription = webview.onDidReceiveMessage((msg: unknown) => void this.receive(msg));
  }

  /** Resets the handshake (the webview's page was replaced). */
  reset(): void {
    this.ready = false;
    this.queued.length = 0;
  }

  post<K extends keyof E & string>(event: K, data: E[K]): void {
    const msg = { kind: 'event', event, data } as EventMessage;
    if (!this.ready) {
      this.queued.push(msg);
      return;
    }
    void this.webview.postMessage(msg);
  }

  private async receive(msg: unknown): Promise<void> {
    let req: R;
    try {
      req = this.parse(msg);
    } catch (e) {
      const id = requestIdOf(msg);
      this.log.warn(`[${this.name}] rejected a message: ${e instanceof Error ? e.message : String(e)}`);
      if (id !== undefined) await this.respond({ kind: 'response', id, ok: false, error: toErrorInfo(e) });
      return;
    }
    const handler = this.handlers[req.method as R['method']] as (p: unknown) => unknown;
    try {
      const result = await handler(req.params);
      await this.respond({ kind: 'response', id: req.id, ok: true, result: result ?? null });
    } catch (e) {
      const info = toErrorInfo(e);
      this.log.warn(`[${this.name}] ${req.method} failed: ${info.message}`);
      await this.respond({ kind: 'response', id: req.id, ok: false, error: info });
    }
    if (req.method === 'ready' && !this.ready) {
      this.ready = true;
      for (const m of this.queued.splice(0)) void this.webview.postMessage(m);
    }
  }

  private async respond(msg: ResponseMessage): Promise<void> {
    try {
      await this.webview.postMessage(msg);
    } catch {
      // The panel was closed meanwhile.
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
