import { createTestVhost, TestVhost, waitFor } from '@projectionist/testing';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, Screenshots } from './support/browser';
import { AppProcess } from './support/app-process';
import { TestCluster } from './support/test-cluster';

const TOKEN = 'ui-e2e-token';
const BULK_EVENTS = 200_000;

interface Run {
  id: string;
  phase: string;
}

/**
 * The admin UI in real headless Chromium against a running stack (gateway, coordinator, two
 * workers, the UI's own server): sign in, seed data, start a rebuild and watch its progress bar
 * reach 100 % with the write-guard banner on and then off, then see a failed rebuild's error.
 * Screenshots of every step go to tmp/e2e/admin-ui/.
 */
describe('admin UI in a browser', () => {
  let cluster: TestCluster;
  let vhost: TestVhost;
  let browser: Browser;
  let gateway: AppProcess;
  let ui: AppProcess;
  const shots = new Screenshots('admin-ui');

  beforeAll(async () => {
    vhost = await createTestVhost('adminui');
    // Smaller rebuild pages make the rebuild last long enough to watch it.
    cluster = await TestCluster.create('adminui', { AMQP_URL: vhost.url, ADMIN_TOKEN: TOKEN, DAEMON_REBUILD_PAGE_SIZE: '500' });
    gateway = await cluster.addApp('gateway', 'gw-1');
    await cluster.addApp('coordinator', 'co-1');
    await cluster.addWorker('wk-1');
    await cluster.addWorker('wk-2');
    ui = await cluster.addApp('admin-ui', 'ui-1', { GATEWAY_URL: gateway.url });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
    await vhost?.drop();
  });

  const runs = async () => (await (await fetch(`${gateway.url}/api/admin/rebuilds`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as Run[];
  const signIn = async (width: number, height: number): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(ui.url + '/#/projections');
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projections' }).waitFor();
    return page;
  };
  const bannerShown = (page: Page) => page.getByTestId('guard-banner').waitFor({ state: 'visible', timeout: 30_000 });
  const bannerGone = (page: Page) => page.getByTestId('guard-banner').waitFor({ state: 'detached', timeout: 30_000 });

  it('signs in, seeds data, runs a rebuild to 100 % under the guard banner and shows a failed rebuild', async () => {
    // Sign in: a wrong token is refused, the right one is kept in session storage, never in the URL.
    const main = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await main.goto(ui.url);
    await main.getByLabel('Admin token').fill('wrong');
    await main.getByRole('button', { name: 'Sign in' }).click();
    await main.getByText('The gateway refused this token.').waitFor();
    await shots.take(main, 'login-refused');
    await main.getByLabel('Admin token').fill(TOKEN);
    await main.getByRole('button', { name: 'Sign in' }).click();
    await main.getByRole('row', { name: /ActiveProject/ }).waitFor();
    expect(await main.evaluate(() => sessionStorage.getItem('projectionist.adminToken'))).toBe(TOKEN);
    expect(main.url()).not.toContain(TOKEN);
    await shots.take(main, 'projections');

    // Seed through the command endpoints.
    await main.getByRole('link', { name: 'Seed data' }).click();
    await main.getByLabel('Events per domain').fill('40');
    await main.getByRole('button', { name: 'Seed' }).click();
    await main.getByTestId('seed-outcome').getByText('120 of 120 events written — done.').waitFor({ timeout: 30_000 });
    await shots.take(main, 'seeded');
    // What the seed wrote itself; the group checkout reactor adds the merges.
    const reactions = `('MergedToGroup', 'StaysMerged', 'MergesFailed', 'Confirmed')`;
    const { rows } = await cluster.pool.query(
      `SELECT category, count(*)::int AS n FROM "${cluster.db.namespace}".events WHERE stream_id LIKE '%seed-%' AND type NOT IN ${reactions} GROUP BY category ORDER BY category`,
    );
    expect(rows).toEqual([
      { category: 'car', n: 24 },
      { category: 'customer', n: 16 },
      { category: 'group_checkout', n: 8 },
      { category: 'guest_stay', n: 32 },
      { category: 'project', n: 40 },
    ]);
    // The four seeded groups merged by the reactor and confirmed once paid; the Reactors screen shows it caught up.
    await waitFor('the seeded groups confirmed', async () => {
      const { rows: confirmed } = await cluster.pool.query(`SELECT count(*)::int AS n FROM "${cluster.db.namespace}".events WHERE type = 'Confirmed'`);
      return confirmed[0].n === 4;
    }, { timeoutMs: 30_000 });
    await main.getByRole('link', { name: 'Reactors' }).click();
    await main.getByRole('row', { name: /GroupCheckout/ }).getByText('caught up').waitFor({ timeout: 15_000 });
    await shots.take(main, 'reactors');

    // The projections screen at desktop and at phone width, open from here on: its lag charts
    // follow the catch-up below, then the rebuild.
    const desktop = await signIn(1280, 900);
    const phone = await signIn(390, 844);

    // A history long enough for a rebuild of some seconds.
    await cluster.seedCommits({ total: BULK_EVENTS, streams: 1000, prefix: 'project-bulk', users: 7, additions: 1, deletions: 0 });
    await cluster.waitCaughtUp(180_000);

    // Start a rebuild with its confirmation and watch the bar.
    await main.getByRole('link', { name: 'Rebuilds' }).click();
    await main.getByLabel('Projection', { exact: true }).selectOption('ActiveProject');
    await main.getByRole('button', { name: 'Rebuild…' }).click();
    await main.getByRole('button', { name: 'Yes, rebuild ActiveProject' }).click();
    await Promise.all([main, desktop, phone].map(bannerShown));
    const bar = main.getByRole('progressbar', { name: 'Rebuild of ActiveProject' });
    const seen: string[] = [];
    await waitFor(
      'a progress report while the rebuild runs',
      async () => {
        seen.push((await bar.getAttribute('aria-valuetext')) ?? '');
        return /^Rebuilding: \d+ %/.test(seen[seen.length - 1]);
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const desktopBar = desktop.getByRole('progressbar', { name: 'Rebuild of ActiveProject' });
    await waitFor('the rebuild a good way in', async () => Number(await desktopBar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => 0)) >= 20, {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    await shots.take(desktop, 'projections-rebuilding-desktop');
    await shots.take(phone, 'projections-rebuilding-phone');
    await shots.take(main, 'rebuild-progress');
    await waitFor(
      'the bar at 100 %',
      async () => {
        seen.push((await bar.getAttribute('aria-valuetext', { timeout: 1000 }).catch(() => '')) ?? '');
        return seen[seen.length - 1].startsWith('Completed: 100 %');
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    console.log(`progress seen: ${[...new Set(seen)].join(' → ')}`);
    expect(seen.some((text) => /^Rebuilding: ([0-9]|[1-9][0-9]) %/.test(text))).toBe(true);
    await Promise.all([main, desktop, phone].map(bannerGone));
    await shots.take(main, 'rebuild-completed');

    // A second rebuild whose worker dies: a browser's write meanwhile gets the maintenance page,
    // and the run ends Failed with its error on the screen.
    // This time by keyboard only: the confirmation takes the focus, Enter confirms.
    await main.getByRole('button', { name: 'Rebuild…' }).focus();
    await main.keyboard.press('Enter');
    await main.getByRole('button', { name: 'Yes, rebuild ActiveProject' }).waitFor();
    expect(await main.evaluate(() => document.activeElement?.textContent)).toBe('Yes, rebuild ActiveProject');
    await main.keyboard.press('Enter');
    const second = await waitFor('the second run rebuilding', async () => (await runs()).find((r) => r.phase === 'Rebuilding'), { timeoutMs: 20_000, intervalMs: 10 });
    const executing = await waitFor('the active worker', () => cluster.activeWorker(), { timeoutMs: 10_000 });
    await executing.kill();
    await bannerShown(desktop);
    await shots.take(desktop, 'worker-killed-writes-held');
    const visitor = await browser.newPage({ viewport: { width: 800, height: 600 } });
    await visitor.setContent(`<form method="post" action="${ui.url}/api/customers"><input name="name" value="Visitor"><button>Save</button></form>`);
    await Promise.all([visitor.waitForNavigation(), visitor.getByRole('button', { name: 'Save' }).click()]);
    expect(await visitor.getByRole('heading').textContent()).toBe('Changes are paused for a moment');
    await shots.take(visitor, 'maintenance-page');
    const failure = main.locator(`tr[data-run="${second.id}"] [data-testid="run-failure"]`);
    await failure.waitFor({ timeout: 30_000 });
    expect(await failure.textContent()).toContain('stopped renewing its lease');
    await Promise.all([main, desktop, phone].map(bannerGone));
    await shots.take(main, 'rebuild-failed');

    // The nodes screen lists every node with its role.
    await main.getByRole('link', { name: 'Nodes' }).click();
    for (const id of ['gw-1', 'co-1', 'wk-1', 'wk-2']) await main.getByRole('row', { name: new RegExp(id) }).waitFor();
    await shots.take(main, 'nodes');
    console.log(`screenshots in ${shots.dir}`);
  });
});
