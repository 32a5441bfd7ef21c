import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export { launchChromium } from '@projectionist/testing';

/** Screenshots of each step, kept as test artefacts under tmp/e2e/<suite>/. */
export class Screenshots {
  readonly dir: string;
  private count = 0;

  constructor(suite: string) {
    this.dir = join(__dirname, '../../../../tmp/e2e', suite);
    mkdirSync(this.dir, { recursive: true });
  }

  async take(page: Page, name: string): Promise<string> {
    const path = join(this.dir, `${String(++this.count).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
  }
}
