import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import {
  fetchImageUrl,
  isHostAllowed,
  isPublicAddress,
  trustedAddressPolicy,
  type UrlFetchOptions,
} from '../url-fetcher.ts';

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'resolved';
  } catch (error) {
    return error instanceof ApiError ? error.code : `non-api error: ${(error as Error).message}`;
  }
}

describe('address policy', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '224.0.0.1',
    'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '52.94.236.248',
    '2606:4700:4700::1111',
  ])('accepts the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('matches hosts exactly, or as subdomains of a *. entry', () => {
    expect(isHostAllowed('images.cocodataset.org', ['images.cocodataset.org'])).toBe(true);
    expect(isHostAllowed('evil-images.cocodataset.org', ['images.cocodataset.org'])).toBe(false);
    expect(isHostAllowed('a.example.com', ['*.example.com'])).toBe(true);
    expect(isHostAllowed('example.com.evil.net', ['*.example.com'])).toBe(false);
  });
});

describe('trusted address policy (URL_TRUSTED_ADDRESSES)', () => {
  const allowed = trustedAddressPolicy(['127.0.0.2', '10.20.0.0/16', '169.254.0.0/16', 'fd00::/8']);

  it.each([
    '127.0.0.2',
    '10.20.3.4',
    '::ffff:10.20.0.1',
    'fd12::1',
    '8.8.8.8',
  ])('lets %s through (listed, or public)', (address) => {
    expect(allowed(address)).toBe(true);
  });

  it.each([
    '127.0.0.1',
    '10.21.0.1',
    '192.168.1.1',
    '::1',
    'not-an-ip',
  ])('still refuses %s (not listed)', (address) => {
    expect(allowed(address)).toBe(false);
  });

  it.each([
    '169.254.169.254',
    '::ffff:169.254.169.254',
    'fd00:ec2::254',
  ])('refuses the metadata address %s even inside a listed range', (address) => {
    expect(allowed(address)).toBe(false);
  });
});

describe('fetchImageUrl against a local server', () => {
  let server: Server;
  let port: number;
  const payload = Buffer.alloc(5000, 7);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/image') res.end(payload);
      else if (req.url === '/redirect-metadata') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else if (req.url === '/redirect-image') res.writeHead(302, { location: '/image' }).end();
      else if (req.url === '/slow') setTimeout(() => res.end(payload), 2_000);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const base: UrlFetchOptions = {
    allowlist: ['127.0.0.1', 'images.test'],
    maxBytes: 1_000_000,
    timeoutMs: 1_000,
  };
  /** Widened policy: the local test server counts as "public" so the happy path can be exercised. */
  const localIsPublic = (a: string) => a === '127.0.0.1' || isPublicAddress(a);

  it('when no allowlist is configured, refuses with URL_NOT_ALLOWED', async () => {
    expect(await codeOf(fetchImageUrl(`http://127.0.0.1:${port}/image`, { ...base, allowlist: [] }))).toBe(
      'URL_NOT_ALLOWED',
    );
  });

  it('refuses 127.0.0.1 even when the host is on the allowlist', async () => {
    expect(await codeOf(fetchImageUrl(`http://127.0.0.1:${port}/image`, base))).toBe('URL_NOT_ALLOWED');
  });

  it('refuses an allowlisted name that resolves to a private address (DNS checked)', async () => {
    const resolve = async () => ['10.0.0.5'];
    expect(await codeOf(fetchImageUrl('http://images.test/x.jpg', { ...base, resolve }))).toBe(
      'URL_NOT_ALLOWED',
    );
  });

  it('refuses hosts off the allowlist, non-http schemes and credentials', async () => {
    expect(await codeOf(fetchImageUrl('https://example.com/x.jpg', base))).toBe('URL_NOT_ALLOWED');
    expect(await codeOf(fetchImageUrl('file:///etc/passwd', base))).toBe('URL_NOT_ALLOWED');
    expect(await codeOf(fetchImageUrl('http://u:p@images.test/x.jpg', base))).toBe('URL_NOT_ALLOWED');
  });

  it('connects to the checked address, not a fresh DNS answer (pinned)', async () => {
    // images.test resolves (via the injected resolver) to 127.0.0.1; no real DNS could answer it.
    const resolve = async () => ['127.0.0.1'];
    const bytes = await fetchImageUrl(`http://images.test:${port}/image`, {
      ...base,
      resolve,
      isAddressAllowed: localIsPublic,
    });
    expect(bytes.equals(payload)).toBe(true);
  });

  it('follows a redirect only after re-checking it: a hop to the metadata address is refused', async () => {
    const options = { ...base, allowlist: ['127.0.0.1', '169.254.169.254'], isAddressAllowed: localIsPublic };
    expect(await codeOf(fetchImageUrl(`http://127.0.0.1:${port}/redirect-metadata`, options))).toBe(
      'URL_NOT_ALLOWED',
    );
    const ok = await fetchImageUrl(`http://127.0.0.1:${port}/redirect-image`, options);
    expect(ok.length).toBe(payload.length);
  });

  it('fails with URL_FETCH_FAILED on an error status, over the size limit, and past the time limit', async () => {
    const options = { ...base, isAddressAllowed: localIsPublic };
    expect(await codeOf(fetchImageUrl(`http://127.0.0.1:${port}/missing`, options))).toBe('URL_FETCH_FAILED');
    expect(await codeOf(fetchImageUrl(`http://127.0.0.1:${port}/image`, { ...options, maxBytes: 100 }))).toBe(
      'URL_FETCH_FAILED',
    );
    expect(await codeOf(fetchImageUrl(`http://127.0.0.1:${port}/slow`, { ...options, timeoutMs: 200 }))).toBe(
      'URL_FETCH_FAILED',
    );
  });
});
