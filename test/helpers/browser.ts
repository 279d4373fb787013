/**
 * Headless Chromium for tests and scripts: Debian's `chromium`, driven by playwright-core.
 *
 * No browser is ever downloaded: playwright-core has no install step of its own (unlike the
 * `playwright` package), we always pass `executablePath`, and PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD
 * is set in case anything in the process asks. `stack/install-tools.sh chromium` installs the
 * system package and links it into the tools cache (`npm test`'s pretest and `.ci/run` run
 * it); a `chromium` on PATH is used when the cache has none.
 *
 * `openOffline` opens a file the way a student opens a mailed report on a laptop with no
 * network: the context is offline, every request that is not to a local file (or data:/blob:)
 * is recorded and aborted, and console errors and page errors are collected.
 */
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { findTool } from './native-tool.ts';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

/**
 * The Chromium binary: the tools cache's link, else `chromium` or `chromium-browser` on PATH.
 * @throws Error telling how to install it when there is none
 */
export function chromiumPath(): string {
  return findTool(['chromium', 'chromium-browser'], 'Install it with `bash stack/install-tools.sh chromium` '
    + '(as root: apt-get install chromium; otherwise: sudo apt-get install chromium), as npm test\'s pretest and .ci/run do.');
}

/** Launches headless Chromium (the system one, see {@link chromiumPath}). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Chromium refuses to start as root with its sandbox on ("Running as root without
    // --no-sandbox is not supported"): the sandbox relies on dropping privileges a root
    // process keeps. CI and the dev machines run as root; anyone else keeps the sandbox.
    chromiumSandbox: process.getuid?.() !== 0,
    timeout: 30_000,
  });
}

/** A page opened offline, with what it tried and what it complained about. */
export interface OfflinePage {
  context: BrowserContext;
  page: Page;
  /** URLs of every request the page made that was not to a local file (or data:/blob:). */
  requests: string[];
  /** How many of those the router aborted (the context is offline besides). */
  aborted: number;
  /** Console messages of type error, and uncaught page errors. */
  errors: string[];
}

const LOCAL = /^(file|data|blob|about):/;

/**
 * Opens `file` from disk (file://) in a fresh offline context and waits for its load event.
 * @param options.colorScheme prefers-color-scheme (default light)
 * @param options.width viewport width in CSS pixels (default 1280)
 * @param options.scale device pixels per CSS pixel (default 1; below 1 renders smaller, e.g. for a README image)
 */
export async function openOffline(browser: Browser, file: string, options: { colorScheme?: 'light' | 'dark'; width?: number; scale?: number } = {}): Promise<OfflinePage> {
  const context = await browser.newContext({
    offline: true,
    colorScheme: options.colorScheme ?? 'light',
    viewport: { width: options.width ?? 1280, height: 900 },
    deviceScaleFactor: options.scale ?? 1,
  });
  const requests: string[] = [];
  const errors: string[] = [];
  let aborted = 0;
  await context.route('**/*', async (route) => {
    if (LOCAL.test(route.request().url())) return route.continue();
    aborted += 1;
    return route.abort('internetdisconnected');
  });
  // Every attempt, routed or not (a websocket is not).
  context.on('request', (request) => {
    if (!LOCAL.test(request.url())) requests.push(request.url());
  });
  const page = await context.newPage();
  page.on('websocket', (socket) => requests.push(socket.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return {
    context, page, requests, errors,
    get aborted() { return aborted; },
  };
}

/** What a PNG holds, enough to tell a drawing from a blank (or one-colour) image. */
export interface PngStats {
  width: number;
  height: number;
  /** Distinct RGB colours. */
  colours: number;
  /** Standard deviation of luminance, 0–255. */
  lumaStdDev: number;
  /** Share of pixels that differ from the most common colour (the background). */
  inkShare: number;
}

/** Decodes `png` and measures it (see {@link PngStats}). */
export function pngStats(png: Buffer): PngStats {
  const { width, height, data } = PNG.sync.read(png);
  const counts = new Map<number, number>();
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i] as number;
    const g = data[i + 1] as number;
    const b = data[i + 2] as number;
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += luma;
    sumSquares += luma * luma;
  }
  const pixels = width * height;
  const mean = sum / pixels;
  const background = Math.max(...counts.values());
  return {
    width,
    height,
    colours: counts.size,
    lumaStdDev: Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean)),
    inkShare: 1 - background / pixels,
  };
}
