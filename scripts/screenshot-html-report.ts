// Renders the demonstration report (src/report/sample.fixture.ts) in Debian's chromium and saves the top of the
// page, with one cell hovered, as docs/html-report.png; prints the same report's console text for the README.
//   npx tsx scripts/screenshot-html-report.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { formatConsoleReport, formatHtml } from '../src/report/index.js';
import { demoReport } from '../src/report/sample.fixture.js';

const report = demoReport();
const dir = await mkdtemp(join(tmpdir(), 'gradproof-shot-'));
const file = join(dir, 'gradproof.html');
await writeFile(file, formatHtml(report), 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.GRADPROOF_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(file).href);
  // Hover the masked entry ∂out[3]/∂x[2] of the first failure's difference heatmap, to show the read-out.
  const set = page.locator('.heatmap-set').first();
  const cells = set.locator('svg.heatmap').nth(2).locator('g.cells rect');
  await cells.nth(3 * 5 + 2).hover();
  await page.screenshot({ path: new URL('../docs/html-report.png', import.meta.url).pathname, clip: { x: 0, y: 0, width: 1280, height: 1100 } });
} finally {
  await browser.close();
  await rm(dir, { recursive: true, force: true });
}
process.stdout.write(formatConsoleReport(report));
