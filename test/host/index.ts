// Loaded by VS Code's extension host through extensionTestsPath: an ordinary mocha runner over every
// compiled test/host/**/*.test.js. FREEZER_TEST_GREP narrows the run.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

function findTests(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? findTests(p) : e.name.endsWith('.test.js') ? [p] : [];
  });
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, grep: process.env.FREEZER_TEST_GREP });
  for (const f of findTests(__dirname).sort()) mocha.addFile(f);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      // Plain closing line for CI log parsers.
      console.log(`${runner.stats?.passes ?? 0} passed, ${failures} failed`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else if (!runner.stats?.passes) reject(new Error('no tests ran'));
      else resolve();
    });
  });
}
