import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The only folders a Freezer webview may load from: its bundle and its stylesheets. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews'), vscode.Uri.joinPath(extensionUri, 'media', 'webviews')],
  };
}

/**
 * The page of a panel: strict CSP (nothing by default; the bundle only by a fresh nonce; styles and
 * fonts only from the extension's own files), the shared and panel stylesheets, a static body and the
 * panel's bundle. `body` is constant markup written in this repository, never data.
 */
export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, panel: string, title: string, body: string): string {
  const nonce = randomBytes(18).toString('base64');
  const media = (f: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webviews', f)).toString();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', `${panel}.js`)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media('common.css')}">
<link rel="stylesheet" href="${media(`${panel}.css`)}">
<title>${title}</title>
</head>
<body>
${body}
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
