/**
 * SSRF-safe image fetch for `imageUrl`: host allowlist, http(s) only, DNS resolved here and every
 * resolved address checked (no loopback, private, link-local, CGNAT, metadata, unique-local...),
 * the checked address pinned for the connection (no DNS rebinding between check and connect),
 * redirects followed by hand with the same checks on each hop, streamed size limit, time limit.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';
import { ApiError, apiError } from './errors.ts';

export interface UrlFetchOptions {
  /** Allowed host names; `*.example.com` allows subdomains. Empty = URL input disabled. */
  allowlist: readonly string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
  /**
   * Address policy. Default: public addresses only; `URL_TRUSTED_ADDRESSES` widens it with
   * `trustedAddressPolicy`, and in-process tests may pass their own.
   */
  isAddressAllowed?: (address: string) => boolean;
  /** DNS resolver (all addresses of a host name). */
  resolve?: (host: string) => Promise<string[]>;
}

/** Only globally routable unicast addresses pass. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  // 'unicast' is what ipaddr.js calls everything not in a special range (private, loopback,
  // linkLocal incl. 169.254.169.254, carrierGradeNat, uniqueLocal, reserved, multicast, 6to4/teredo...).
  return parsed.range() === 'unicast';
}

/** Cloud instance metadata endpoints (AWS, GCP, Azure, OpenStack IPv4; AWS IPv6): never trusted. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

function normalizeAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

/** True for an IP address or an `address/prefix` CIDR that ipaddr.js can parse. */
export function isAddressOrCidr(value: string): boolean {
  return value.includes('/') ? ipaddr.isValidCIDR(value) : ipaddr.isValid(value);
}

/**
 * Address policy for `URL_TRUSTED_ADDRESSES`: public addresses, plus non-public ones inside the
 * listed addresses/CIDRs (an image host inside the VPC). The metadata address never passes, even
 * when a listed range covers it: reaching it from a request is the SSRF this policy exists to stop.
 */
export function trustedAddressPolicy(trusted: readonly string[]): (address: string) => boolean {
  const ranges = trusted.map((entry) =>
    entry.includes('/')
      ? ipaddr.parseCIDR(entry)
      : ipaddr.parseCIDR(`${entry}/${entry.includes(':') ? 128 : 32}`),
  );
  return (address) => {
    if (isPublicAddress(address)) return true;
    if (!ipaddr.isValid(address)) return false;
    const parsed = normalizeAddress(address);
    if (METADATA_ADDRESSES.has(parsed.toString())) return false;
    return ranges.some(([base, bits]) => base.kind() === parsed.kind() && parsed.match(base, bits));
  };
}

export function isHostAllowed(host: string, allowlist: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowlist.some((entry) => (entry.startsWith('*.') ? h.endsWith(entry.slice(1)) : h === entry));
}

async function resolveAll(host: string): Promise<string[]> {
  const records = await dnsLookup(host, { all: true, verbatim: true });
  return records.map((r) => r.address);
}

interface CheckedTarget {
  url: URL;
  address: string;
}

async function checkTarget(raw: string | URL, options: UrlFetchOptions): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw apiError('URL_NOT_ALLOWED', 'imageUrl is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw apiError('URL_NOT_ALLOWED', `scheme ${url.protocol} not allowed (http and https only)`);
  }
  if (url.username || url.password) throw apiError('URL_NOT_ALLOWED', 'credentials in URLs are not allowed');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isHostAllowed(host, options.allowlist)) {
    throw apiError('URL_NOT_ALLOWED', `host ${host} is not in the URL allowlist`);
  }
  const allowed = options.isAddressAllowed ?? isPublicAddress;
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await (options.resolve ?? resolveAll)(host);
    } catch (cause) {
      throw apiError('URL_FETCH_FAILED', `cannot resolve ${host}`, { cause });
    }
  }
  if (addresses.length === 0) throw apiError('URL_FETCH_FAILED', `cannot resolve ${host}`);
  const refused = addresses.find((a) => !allowed(a));
  if (refused) {
    throw apiError('URL_NOT_ALLOWED', `host ${host} resolves to a non-public address (${refused})`);
  }
  return { url, address: addresses[0]! };
}

/** An Agent whose every connection goes to the one address checked above. */
function pinnedAgent(address: string): Agent {
  const family = ipaddr.parse(address).kind() === 'ipv6' ? 6 : 4;
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return new Agent({ connect: { lookup }, connections: 1 });
}

/** Fetches the image bytes; errors are URL_NOT_ALLOWED (policy) or URL_FETCH_FAILED (remote). */
export async function fetchImageUrl(raw: string, options: UrlFetchOptions): Promise<Buffer> {
  if (options.allowlist.length === 0) {
    throw apiError('URL_NOT_ALLOWED', 'URL input is disabled on this server (no URL_ALLOWLIST configured)');
  }
  const signal = AbortSignal.timeout(options.timeoutMs);
  const maxRedirects = options.maxRedirects ?? 3;
  let current: string | URL = raw;
  try {
    for (let hop = 0; hop <= maxRedirects; hop++) {
      const target = await checkTarget(current, options);
      const agent = pinnedAgent(target.address);
      try {
        const response = await request(target.url, {
          method: 'GET',
          dispatcher: agent,
          signal,
          headers: { accept: 'image/*' },
        });
        if (response.statusCode >= 300 && response.statusCode < 400) {
          await response.body.dump();
          const location = response.headers.location;
          if (typeof location !== 'string') throw apiError('URL_FETCH_FAILED', 'redirect without a Location');
          current = new URL(location, target.url);
          continue;
        }
        if (response.statusCode !== 200) {
          await response.body.dump();
          throw apiError('URL_FETCH_FAILED', `remote answered HTTP ${response.statusCode}`);
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > options.maxBytes) {
          await response.body.dump();
          throw apiError('URL_FETCH_FAILED', `remote image is ${declared} bytes, over ${options.maxBytes}`);
        }
        const chunks: Buffer[] = [];
        let total = 0;
        for await (const chunk of response.body) {
          total += (chunk as Buffer).length;
          if (total > options.maxBytes) {
            response.body.destroy();
            throw apiError('URL_FETCH_FAILED', `remote image is over ${options.maxBytes} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
        return Buffer.concat(chunks);
      } finally {
        void agent.close().catch(() => {});
      }
    }
    throw apiError('URL_FETCH_FAILED', `more than ${maxRedirects} redirects`);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (signal.aborted) throw apiError('URL_FETCH_FAILED', `fetch timed out after ${options.timeoutMs} ms`);
    throw apiError('URL_FETCH_FAILED', `fetch failed: ${(error as Error).message}`, { cause: error });
  }
}
