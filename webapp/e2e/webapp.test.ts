// @vitest-environment node
/**
 * End-to-end: real headless Chromium (Debian's /usr/bin/chromium through playwright-core) against
 * the real local platform: gateway, yolo-api, depth-api and this webapp's server, all started by
 * scripts/platform/start-platform.ts on random ports. The platform builds webapp/dist when stale.
 * Screenshots of each state go to artifacts/screenshots/.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS_DIR, samplesDir } from '@mlip/catalogue';
import { type Browser, chromium, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../scripts/platform/start-platform.ts';
import type { DepthResponse } from '../src/features/depth/types.ts';
import type { DetectionResponse } from '../src/features/detection/types.ts';

const SCREENSHOTS_DIR = join(ARTIFACTS_DIR, 'screenshots');
const BUS_JPG = join(samplesDir(), 'bus.jpg');
/** The UI's default confidence threshold (analysis-view.tsx). */
const DEFAULT_MIN_CONFIDENCE = 0.25;

/** Width and height from a PNG's IHDR chunk (after checking the signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const isPost = (response: Response, path: string) =>
  response.request().method() === 'POST' && new URL(response.url()).pathname === path;

describe('web UI end to end', () => {
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let tempDir: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS_DIR, { recursive: true });
    tempDir = mkdtempSync(join(tmpdir(), 'webapp-e2e-'));
    platform = await startPlatform({ gatewayPort: 0, quiet: true });
    const missing = Object.values(platform.status().services).filter((s) => s.state === 'absent');
    if (missing.length > 0) {
      await platform.stop();
      throw new Error(
        `services missing from the platform: ${missing.map((s) => `${s.name} (${s.reason})`).join(', ')}`,
      );
    }
    await platform.waitReady(undefined, 180_000);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  async function uploadBus(): Promise<{ detection: DetectionResponse; depth: DepthResponse }> {
    const detectAnswer = page.waitForResponse((r) => isPost(r, '/yoloapi/v1/detect'));
    const depthAnswer = page.waitForResponse((r) => isPost(r, '/depthapi/v1/depth'), { timeout: 120_000 });
    await page.getByTestId('file-input').setInputFiles(BUS_JPG);
    const detection = (await (await detectAnswer).json()) as DetectionResponse;
    const depth = (await (await depthAnswer).json()) as DepthResponse;
    return { detection, depth };
  }

  it('when bus.jpg is uploaded, draws a bus box in place, renders the depth map and orders the objects', async () => {
    await page.goto(platform.url);
    await expect.poll(() => page.locator('.status-ready').count(), { timeout: 20_000 }).toBe(2);

    const { detection, depth } = await uploadBus();

    // The bus box sits where the service says, scaled from image pixels to the displayed photo.
    const bus = detection.detections
      .filter((d) => d.label === 'bus')
      .sort((a, b) => b.confidence - a.confidence)[0];
    expect(bus, 'yolo-api found a bus in bus.jpg').toBeDefined();
    const busBox = page.locator('[data-testid="detection-box"][data-label="bus"]').first();
    await busBox.waitFor();
    const photo = (await page.getByTestId('photo').boundingBox())!;
    const drawn = (await busBox.boundingBox())!;
    const scale = photo.width / detection.image.width;
    expect(photo.height / detection.image.height).toBeCloseTo(scale, 2);
    expect(Math.abs(drawn.x - (photo.x + bus!.box.x1 * scale))).toBeLessThan(3);
    expect(Math.abs(drawn.y - (photo.y + bus!.box.y1 * scale))).toBeLessThan(3);
    expect(Math.abs(drawn.width - (bus!.box.x2 - bus!.box.x1) * scale)).toBeLessThan(3);
    expect(Math.abs(drawn.height - (bus!.box.y2 - bus!.box.y1) * scale)).toBeLessThan(3);
    // "Roughly the right place" independently of the answer: the bus spans most of the width of
    // bus.jpg, in its middle band.
    expect(drawn.width / photo.width).toBeGreaterThan(0.6);
    const centreY = (drawn.y + drawn.height / 2 - photo.y) / photo.height;
    expect(centreY).toBeGreaterThan(0.3);
    expect(centreY).toBeLessThan(0.7);
    await expect.poll(() => busBox.textContent()).toMatch(/^bus \d+%$/);

    // The depth map is a decoded image the size of the photo.
    const depthMap = page.getByTestId('depth-map');
    await depthMap.waitFor();
    const natural = await depthMap.evaluate(async (img: HTMLImageElement) => {
      await img.decode();
      return { width: img.naturalWidth, height: img.naturalHeight };
    });
    expect(natural).toEqual({ width: detection.image.width, height: detection.image.height });

    // Nearest to farthest: the depth answer's ranks, restricted to the boxes shown by default.
    const shown = new Set(
      detection.detections.flatMap((d, index) => (d.confidence >= DEFAULT_MIN_CONFIDENCE ? [index] : [])),
    );
    const expectedOrder = [...(depth.objects ?? [])]
      .filter((o) => shown.has(o.index))
      .sort((a, b) => a.rank - b.rank)
      .map((o) => String(o.index));
    expect(expectedOrder.length).toBeGreaterThan(1);
    const entries = page.getByTestId('distance-entry');
    await expect.poll(() => entries.count()).toBe(expectedOrder.length);
    const order = await entries.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.index));
    expect(order).toEqual(expectedOrder);

    await page.getByRole('heading', { name: 'Nearest to farthest' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'webapp-01-bus-results.png'), fullPage: true });

    // Keyboard focus on a box highlights its list entry.
    await busBox.focus();
    await expect
      .poll(() => page.locator('[data-testid="detection-entry"].is-highlighted').textContent())
      .toMatch(/bus/);
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'webapp-02-bus-focused.png') });
  });

  it('when a text file is uploaded, shows a readable error and the next image still works', async () => {
    const textFile = join(tempDir, 'notes.txt');
    writeFileSync(textFile, 'this is not a photo\n');
    const detectAnswer = page.waitForResponse((r) => isPost(r, '/yoloapi/v1/detect'));

    await page.getByTestId('file-input').setInputFiles(textFile);

    expect((await detectAnswer).status()).toBe(415);
    const alert = page.getByRole('alert').filter({ hasText: 'That file is not an image' });
    await alert.waitFor();
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'webapp-03-not-an-image.png'), fullPage: true });

    const { detection } = await uploadBus();
    expect(detection.detections.some((d) => d.label === 'bus')).toBe(true);
    await page.locator('[data-testid="detection-box"][data-label="bus"]').first().waitFor();
    await page.getByTestId('depth-map').waitFor();
    await expect.poll(() => page.getByTestId('gallery-item').count()).toBe(3);
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'webapp-04-gallery.png'), fullPage: true });
  });

  it('on a phone-sized screen, the photo and its boxes fit the width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const photo = (await page.getByTestId('photo').boundingBox())!;
    const bus = (await page
      .locator('[data-testid="detection-box"][data-label="bus"]')
      .first()
      .boundingBox())!;
    const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);

    expect(pageWidth).toBeLessThanOrEqual(390);
    expect(photo.x + photo.width).toBeLessThanOrEqual(390);
    expect(bus.x + bus.width).toBeLessThanOrEqual(photo.x + photo.width + 3);
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'webapp-05-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('when a sample is picked, downloads the results JSON, the annotated PNG and the depth PNG', async () => {
    const detectAnswer = page.waitForResponse((r) => isPost(r, '/yoloapi/v1/detect'));
    const depthAnswer = page.waitForResponse((r) => isPost(r, '/depthapi/v1/depth'), { timeout: 120_000 });
    await page.getByRole('button', { name: 'Bus in a street' }).click();
    const detection = (await (await detectAnswer).json()) as DetectionResponse;
    await depthAnswer;
    await page.getByTestId('depth-map').waitFor();
    // The bundled sample is the 480x640 copy served by the webapp server.
    expect(detection.image).toEqual({ width: 480, height: 640 });

    const saved: Record<string, Buffer> = {};
    for (const name of ['results (JSON)', 'annotated image (PNG)', 'depth map (PNG)']) {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: `Download ${name}` }).click();
      const file = await download;
      const path = join(tempDir, file.suggestedFilename());
      await file.saveAs(path);
      saved[file.suggestedFilename()] = readFileSync(path);
    }

    expect(Object.keys(saved).sort()).toEqual(['bus-boxes.png', 'bus-depth.png', 'bus-results.json']);
    const results = JSON.parse(saved['bus-results.json']!.toString());
    expect(results.detection.requestId).toBe(detection.requestId);
    expect(
      results.visibleDetections.every((d: { confidence: number }) => d.confidence >= DEFAULT_MIN_CONFIDENCE),
    ).toBe(true);
    expect(pngSize(saved['bus-boxes.png']!)).toEqual({ width: 480, height: 640 });
    expect(pngSize(saved['bus-depth.png']!)).toEqual({ width: 480, height: 640 });
  });

  it('when the depth service stops, its status badge turns red and detection stays green', async () => {
    await platform.stopService('depth-api');

    const badge = page.getByTestId('status-depth');
    await expect
      .poll(() => badge.getAttribute('class'), { timeout: 20_000 })
      .toMatch(/status-(down|not-ready)/);
    expect(await badge.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(198, 40, 40)');
    expect(await page.getByTestId('status-detection').getAttribute('class')).toContain('status-ready');
    await page.screenshot({ path: join(SCREENSHOTS_DIR, 'webapp-06-depth-down.png') });
  });
});
