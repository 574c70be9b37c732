import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../api/src/config.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(repoRoot, 'test-results', 'screenshots');

/**
 * Whether browser tests can run. Without Chromium they are skipped with a notice locally; in CI
 * (CI=true) its absence is an error, because .ci/run installs it.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium is required in CI but ${CHROMIUM} is missing (apt-get install -y chromium)`);
  console.warn(`browser tests skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
  return false;
}

/** Debian's Chromium, headless, with the flags this sandbox needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--no-first-run'],
  });
}

/** Saves a full-page screenshot under test-results/screenshots for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
