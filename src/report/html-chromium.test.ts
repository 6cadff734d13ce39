// The HTML report opened in a real browser: Debian's chromium, driven by playwright-core (no browser download).
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { formatHtml } from './html.js';
import { BIG_WRONG, HOSTILE_INPUT, HOSTILE_NAME, sampleReport } from './sample.fixture.js';

const CHROMIUM = process.env.GRADPROOF_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe('HTML report in headless Chromium', () => {
  const report = sampleReport();
  const failing = report.checks.map((c, i) => [c, i] as const).filter(([c]) => c.status === 'fail' && c.counterexample?.jacobians);
  let dir: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];

  let missing: string | undefined;
  /** CI installs Debian's chromium (.ci/run): without it every test here fails with this message, never skips. */
  const ready = () => {
    if (missing) throw new Error(missing);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      missing = `Chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`;
      return;
    }
    dir = await mkdtemp(join(tmpdir(), 'gradproof-html-'));
    const file = join(dir, 'gradproof.html');
    await writeFile(file, formatHtml(report), 'utf8');
    const url = pathToFileURL(file).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const context = await browser.newContext();
    // Every request goes through here: the page itself is allowed, anything else is recorded and refused.
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('loads with no console errors and no network requests', () => {
    ready();
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
  });

  test('shows one set of three heatmaps per failing check', async () => {
    ready();
    expect(failing.length).toBeGreaterThanOrEqual(4);
    const sets = page.locator('.heatmap-set');
    await expect(sets.count()).resolves.toBe(failing.length);
    for (const [, i] of failing) {
      const set = page.locator(`.heatmap-set[data-check="${i}"]`);
      await expect(set.locator('svg.heatmap').count()).resolves.toBe(3);
      await expect(set.locator('svg.heatmap').first().isVisible()).resolves.toBe(true);
    }
  });

  test('a spec named like markup appears as text: no dialog, no img element', async () => {
    ready();
    const text = await page.locator('body').innerText();
    expect(text).toContain(HOSTILE_NAME);
    expect(text).toContain(HOSTILE_INPUT);
    await expect(page.locator('img').count()).resolves.toBe(0);
    expect(dialogs).toEqual([]);
  });

  test('hovering a cell reads out its entry and values, in all three heatmaps', async () => {
    ready();
    const i = report.checks.findIndex((c) => c.name.startsWith('big Jacobian'));
    const set = page.locator(`.heatmap-set[data-check="${i}"]`);
    const diff = set.locator('svg.heatmap').nth(2);
    await diff.scrollIntoViewIfNeeded();
    const box = await diff.locator('rect.worst').boundingBox();
    expect(box).not.toBeNull();
    await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
    const readout = await set.locator('.readout').textContent();
    // The wrong entry: 0.5 added to 2 sin(29 + 47)·x with x = its counterexample value.
    expect(readout).toContain(`∂out[${BIG_WRONG.out}]/∂x[${BIG_WRONG.in}]`);
    expect(readout).toMatch(/difference 0\.5\b/);
    // The same cell is outlined in all three heatmaps.
    const marks = await set.locator('rect.hover').evaluateAll((rs) => rs.map((r) => [r.getAttribute('visibility'), r.getAttribute('x'), r.getAttribute('y')].join()));
    const worst = await set.locator('rect.worst').evaluateAll((rs) => rs.map((r) => ['visible', Number(r.getAttribute('x')) + 1, Number(r.getAttribute('y')) + 1].join()));
    expect(marks).toEqual(worst);
  });
});
