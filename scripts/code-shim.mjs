#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }) on
// machines with no internet: it takes Electron-style flags and runs the same suite in code-server.
import path from 'node:path';
import { runExtensionTests } from './run-host-tests.mjs';

const dev = [];
let tests;
let workspace;
for (const a of process.argv.slice(2)) {
  const m = a.match(/^--([^=]+)=(.*)$/);
  if (m && m[1] === 'extensionDevelopmentPath') dev.push(m[2]);
  else if (m && m[1] === 'extensionTestsPath') tests = m[2];
  else if (!a.startsWith('--')) workspace = path.resolve(a);
}
if (!dev.length || !tests) {
  console.error('code-shim: need --extensionDevelopmentPath= and --extensionTestsPath=');
  process.exit(2);
}
process.exit(await runExtensionTests({ extensionDevelopmentPath: dev, extensionTestsPath: tests, workspace }));
