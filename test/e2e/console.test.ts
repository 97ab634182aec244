/**
 * The console and the public statistics page in a real browser: headless Debian chromium driven by
 * playwright-core against a listening hub loaded with the demo dataset. Signs in, switches language,
 * opens every page, opens a discrepancy and changes its status, downloads CSVs, and runs axe-core on
 * every page (no serious or critical violation allowed). Screenshots: test-results/e2e/.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addMonths, currentPeriod } from '../../src/console/completeness.js';
import { createLogger } from '../../src/logger.js';
import { loadRegistry } from '../../src/standard/registry.js';
import { assembleHub, loadDemo, type DemoLoad } from '../../scripts/lib/load-demo.js';
import { testConfig } from '../helpers/app.js';
import { testDatabase } from '../helpers/db.js';
import {
  describeViolations,
  launchChromium,
  screenshot,
  screenshotDir,
  seriousViolations,
} from './browser.js';

const db = await testDatabase();
let hub: Awaited<ReturnType<typeof assembleHub>>;
let demo: DemoLoad;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
/** Every page checked: its URL, language, and the serious/critical axe violations found (must be 0). */
const audited: { name: string; url: string; lang: string; serious: number }[] = [];

beforeAll(async () => {
  // The hub as `npm run demo` runs it, inline (no Redis), with its reconciler.
  hub = await assembleHub({
    // Other test files share the machine: load shedding is not what this file tests.
    config: testConfig({
      databaseUrl: db.url,
      redisUrl: undefined,
      maxEventLoopDelayMs: 600_000,
      requestTimeoutSeconds: 600,
    }),
    pool: db.pool,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    registry: loadRegistry(),
  });
  demo = await loadDemo(hub.app, db.pool, { to: addMonths(currentPeriod(), -1), months: 12 });
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = hub.app.server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
  browser = await launchChromium();
  context = await browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() < 400) return;
    // The first check of the session answers 401 before sign-in, as it should.
    if (r.status() === 401 && url.pathname === '/console/api/session') return;
    pageErrors.push(`${r.status()} ${url.pathname}${url.search}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      pageErrors.push(`console: ${m.text()}`);
  });
}, 300_000);

afterAll(async () => {
  await writeFile(
    path.join(screenshotDir, 'accessibility.json'),
    JSON.stringify(audited, null, 2) + '\n',
  ).catch(() => undefined);
  await browser?.close();
  await hub?.close();
});

/**
 * Runs in the page: no "Loading…" left. A function, not a string: a string would need eval, which the
 * console's CSP forbids. (This file is compiled without the DOM types, hence the cast.)
 */
const noSpinner = () =>
  !(globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
    '.loading',
  );

/** axe on the page as it is now, then a screenshot. */
async function audit(name: string) {
  await page.waitForSelector('main h1');
  await page.waitForFunction(noSpinner);
  const lang = String(await page.evaluate('document.documentElement.lang'));
  const serious = await seriousViolations(page);
  audited.push({ name, url: page.url().replace(base, ''), lang, serious: serious.length });
  await screenshot(page, name);
  expect(serious, `${name}:\n${describeViolations(serious)}`).toEqual([]);
}

async function heading() {
  return (await page.locator('main h1').textContent())?.trim();
}

async function navTo(label: RegExp) {
  await page
    .getByRole('navigation', { name: /main|navigation principale/i })
    .getByRole('link', { name: label })
    .click();
}

describe('the console in a browser', () => {
  it('signs in with an API key, refusing a wrong one', async () => {
    await page.goto(`${base}/console`);
    await expect.poll(heading).toBe('Sign in');
    await audit('01-sign-in');
    // Keyboard: the first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.className')).toBe(
      'skip-link',
    );
    await page.getByLabel('API key').fill('rmdx_wrongwrongwrongwrongwrongwrongwrongwrongwro');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/unknown or has been revoked/);
    await page.getByLabel('API key').fill(demo.secretariatKey);
    await page.getByLabel('API key').press('Enter');
    await page.waitForURL(/\/console\/completeness$/);
    await expect.poll(heading).toBe('Reporting completeness');
    // The session is an httpOnly cookie: the page's script cannot read it.
    expect(await page.evaluate('document.cookie')).not.toMatch(/rmdx_session/);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'rmdx_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
  });

  it('shows completeness for the 12 states × 12 months; a cell opens its batches', async () => {
    // The heading shows before the figures arrive: wait for the table.
    const rows = page.locator('table.completeness tbody tr');
    await expect.poll(() => rows.count()).toBe(12);
    expect(await page.locator('table.completeness thead th').count()).toBe(13);
    expect(await page.locator('td.cell-complete').count()).toBeGreaterThan(40);
    expect(await page.locator('td.cell-withErrors').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('td.cell-late').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('td.cell-missing').count()).toBeGreaterThan(12);
    await audit('02-completeness');
    await page.locator('td.cell-withErrors a').first().click();
    await page.waitForURL(/\/console\/batches\?country=[A-Z]{2}&period=\d{4}-\d{2}$/);
    await expect.poll(heading).toBe('Batches');
    await expect.poll(() => page.locator('main table tbody tr').count()).toBe(1);
  });

  it('switches to French, remembers it across a reload, and back', async () => {
    await page.getByRole('button', { name: 'Français' }).click();
    await expect.poll(heading).toBe('Lots de données');
    await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe('fr');
    await page.reload();
    await page.waitForSelector('main h1');
    await expect.poll(heading).toBe('Lots de données');
    await expect
      .poll(() => page.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed'))
      .toBe('true');
    await audit('03-batches-fr');
    await navTo(/Complétude/);
    await expect.poll(heading).toBe('Complétude des déclarations');
    await audit('04-completeness-fr');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(heading).toBe('Reporting completeness');
  });

  it('lists batches with filters, opens one with counts, timings, progress and issues, and downloads its CSV', async () => {
    await navTo(/^Batches$/);
    await page.waitForSelector('main table tbody tr');
    expect(await page.locator('main table tbody tr').count()).toBe(50);
    await page.getByLabel('Status').selectOption('completed_with_errors');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/status=completed_with_errors/);
    await expect.poll(() => page.locator('main table tbody tr').count()).toBe(2);
    await audit('05-batches');
    await page.locator('main table tbody tr a').first().click();
    await page.waitForURL(/\/console\/batches\/[0-9a-f-]{36}$/);
    await expect.poll(heading).toMatch(/^Batch (TZ|UG) /);
    await expect.poll(() => page.locator('progress').getAttribute('value')).toBe('100');
    await page.waitForSelector('section[aria-labelledby="issues-h"] table tbody tr');
    expect(await page.locator('section[aria-labelledby="issues-h"] table tbody tr').count()).toBeGreaterThan(
      0,
    );
    await audit('06-batch-detail');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the issue report (CSV)' }).click(),
    ]);
    const file = path.join(screenshotDir, 'batch-issues.csv');
    await download.saveAs(file);
    const csv = await readFile(file, 'utf8');
    expect(csv.split('\n')[0]).toBe('recordIndex,recordType,key,path,code,severity,message,messageFr');
    expect(csv).toMatch(/RMDX_VAL_/);
  });

  it('shows connectors with their health, last run, cursor and rows, and runs one now', async () => {
    await navTo(/^Connectors$/);
    await expect.poll(heading).toBe('Connectors');
    await page.waitForFunction(noSpinner);
    const row = page.locator('main table tbody tr', { hasText: 'CEEC monthly export files' });
    expect(await row.count()).toBe(1);
    expect(await row.locator('.badge').textContent()).toMatch(/healthy|never run|failing/);
    await audit('07-connectors');
    await row.getByRole('button', { name: /Run now/ }).click();
    await expect
      .poll(() => page.locator('main p.notice').first().textContent())
      .toMatch(/Run requested for CEEC/);
  });

  it('draws corridor flows as a chart with the figures as a table', async () => {
    await navTo(/^Reconciliation$/);
    await expect.poll(heading).toBe('Reconciliation');
    await page.waitForSelector('figure.chart canvas');
    const label = await page.locator('figure.chart canvas').getAttribute('aria-label');
    expect(label).toMatch(/Corridor flows per month, [A-Z]{2} to [A-Z]{2}/);
    await page.getByText('Show the figures as a table').click();
    await expect.poll(() => page.locator('figure.chart table tbody tr').count()).toBe(12);
    await page.getByLabel('Exporting state').selectOption('CD');
    await page.getByLabel('Importing state').selectOption('RW');
    await page.getByLabel('Mineral').selectOption('cassiterite');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/exporter=CD&importer=RW&mineral=cassiterite/);
    await expect
      .poll(() => page.locator('figure.chart canvas').getAttribute('aria-label'))
      .toMatch(/CD to RW, cassiterite/);
    await audit('08-reconciliation');
  });

  it('lists discrepancies, opens one side by side and changes its status', async () => {
    await navTo(/^Discrepancies$/);
    await expect.poll(heading).toBe('Discrepancies');
    await page.waitForFunction(noSpinner);
    expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(20);
    await audit('09-discrepancies');
    // A quantity gap: both records side by side, with the link that paired them.
    await page.getByLabel('Code').selectOption('QTY_MAJOR');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/code=QTY_MAJOR/);
    await page.waitForFunction(noSpinner);
    await page.locator('main table tbody tr a').first().click();
    await page.waitForURL(/\/console\/discrepancies\/[^/]+$/);
    await expect.poll(heading).toMatch(/^Discrepancy /);
    await expect.poll(() => page.locator('table.side-by-side').count()).toBe(1);
    await expect.poll(() => page.locator('table.side-by-side thead th').count()).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.locator('.link-explanation').count()).toBeGreaterThanOrEqual(1);
    await audit('10-discrepancy');
    await page.getByLabel('New status').selectOption('explained');
    await page
      .getByLabel('Comment', { exact: true })
      .fill('Timing lag: the import arrived the following month.');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    await expect.poll(() => page.locator('.page-head .badge').allTextContents()).toContain('explained');
    await expect.poll(() => page.locator('ol.comments li').last().textContent()).toMatch(/Timing lag/);
    await screenshot(page, '11-discrepancy-explained');
  });

  it('shows compliance per state and month', async () => {
    await navTo(/^Compliance$/);
    await expect.poll(heading).toBe('Compliance');
    await page.waitForFunction(noSpinner);
    expect(await page.locator('main table tbody tr').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('main table tbody .badge').count()).toBeGreaterThanOrEqual(5);
    await audit('12-compliance');
  });

  it('maps the mine sites on Natural Earth outlines, with a table, and traces a lot', async () => {
    await navTo(/^Mine sites$/);
    await expect.poll(heading).toBe('Mine sites');
    await page.waitForFunction(noSpinner);
    // The outlines are there whatever the records API says.
    expect(await page.locator('figure.map svg path.member').count()).toBe(12);
    expect(await page.locator('figure.map circle.site').count()).toBeGreaterThan(100);
    await audit('13-sites');
    const firstRw = demo.batches.find((b) => b.country === 'RW')!.period;
    await page.getByLabel('Lot number').fill(`RW-LOT-RW-${firstRw}-001-X`);
    await page.getByRole('button', { name: 'Trace' }).click();
    await page.waitForURL(/\/console\/lots\/RW\//);
    await page.waitForFunction(noSpinner);
    // The export lot, and the two extraction lots it was blended from, each with its mine site.
    expect(await page.locator('ul.trace li').count()).toBe(3);
    expect(await page.locator('main table caption', { hasText: 'Exports that carry this lot' }).count()).toBe(
      1,
    );
    await audit('14-lot-trace');
  });

  it('publishes the statistics page with its methodology and a CSV, without signing in', async () => {
    const anon = await browser.newContext({ acceptDownloads: true, locale: 'fr-FR' });
    const p = await anon.newPage();
    await p.goto(`${base}/statistics`);
    await p.waitForSelector('figure.chart canvas');
    expect(await p.locator('main h1').textContent()).toMatch(/Statistiques du commerce/);
    expect(await p.locator('#methodology h2').textContent()).toBe('Méthodologie');
    await p.getByRole('button', { name: 'English' }).click();
    await expect
      .poll(() => p.locator('main h1').textContent())
      .toBe('Mineral trade statistics of the ICGLR member states');
    await expect.poll(() => p.locator('main table tbody tr').count()).toBeGreaterThan(10);
    const swap = page;
    page = p;
    try {
      await audit('15-statistics');
    } finally {
      page = swap;
    }
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    const file = path.join(screenshotDir, 'statistics.csv');
    await download.saveAs(file);
    const csv = await readFile(file, 'utf8');
    expect(csv.split('\n')[0]).toBe(
      'flow,month,reporter,partner,mineral,massKg,valueUsd,shipments,confidential',
    );
    expect(csv).not.toMatch(/Ltd|SARL|SPRL/);
    await anon.close();
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(heading).toBe('Sign in');
    const me = await page.evaluate(`fetch('/console/api/session').then((r) => r.status)`);
    expect(me).toBe(401);
  });

  it('raised no script error and no CSP violation on any page', () => {
    expect(pageErrors).toEqual([]);
    expect(audited.every((a) => a.serious === 0)).toBe(true);
  });
});
