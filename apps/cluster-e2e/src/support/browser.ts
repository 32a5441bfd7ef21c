import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without the networking flags Chromium keeps calling home, which this machine's closed network refuses.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

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
