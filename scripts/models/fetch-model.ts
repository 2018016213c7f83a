/**
 * Download one catalogue model into a models directory: stream to a temp file in the same
 * directory while hashing, check size and SHA-256, then rename (atomic), so a models directory
 * never holds a half-written or unverified model under its real name.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ModelSource } from '@mlip/catalogue';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { verifyModelFile } from './verify-model-file.ts';

export interface FetchModelOptions {
  /** Download even when a verified copy is already there. */
  force?: boolean;
  /** Headers and body-idle timeout. @default 30_000 */
  timeoutMs?: number;
  /** TCP/TLS connect timeout: a firewall that drops packets should not stall `npm start` for long. @default 10_000 */
  connectTimeoutMs?: number;
  onProgress?: (receivedBytes: number, totalBytes: number) => void;
}

export interface FetchModelResult {
  path: string;
  status: 'present' | 'downloaded';
}

export class ModelFetchError extends Error {
  override readonly name = 'ModelFetchError';
}

export async function fetchModel(
  source: ModelSource,
  dir: string,
  options: FetchModelOptions = {},
): Promise<FetchModelResult> {
  const path = join(dir, source.file);
  if (!options.force && (await verifyModelFile(path, source)).ok) return { path, status: 'present' };

  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${source.file}.${process.pid}.${Date.now()}.part`);
  try {
    await download(source, temp, options);
    await rename(temp, path);
    return { path, status: 'downloaded' };
  } finally {
    await rm(temp, { force: true });
  }
}

async function download(source: ModelSource, temp: string, options: FetchModelOptions): Promise<void> {
  const timeout = options.timeoutMs ?? 30_000;
  // Honours HTTP(S)_PROXY / NO_PROXY like curl does; a plain agent when none is set.
  const dispatcher = new EnvHttpProxyAgent({
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
  const advice = whatToDo(source);
  try {
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(source.url, { dispatcher, redirect: 'follow' });
    } catch (err) {
      throw new ModelFetchError(
        `could not download ${source.file} from ${source.url}: ${describeCause(err)}. ${advice}`,
      );
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new ModelFetchError(
        `could not download ${source.file} from ${source.url}: HTTP ${response.status} ${response.statusText}. ${advice}`,
      );
    }
    const hash = createHash('sha256');
    let received = 0;
    const body = response.body;
    try {
      await pipeline(async function* () {
        for await (const chunk of body) {
          received += chunk.byteLength;
          if (received > source.bytes) {
            throw new ModelFetchError(
              `${source.url} sent more than the expected ${source.bytes} bytes; deleted the partial download. ${advice}`,
            );
          }
          hash.update(chunk);
          options.onProgress?.(received, source.bytes);
          yield chunk;
        }
      }, createWriteStream(temp));
    } catch (err) {
      if (err instanceof ModelFetchError) throw err;
      throw new ModelFetchError(
        `download of ${source.file} from ${source.url} broke off after ${received} bytes: ${describeCause(err)}; deleted the partial download. ${advice}`,
      );
    }
    if (received !== source.bytes) {
      throw new ModelFetchError(
        `${source.url} sent ${received} bytes, expected ${source.bytes}; deleted the partial download. ${advice}`,
      );
    }
    const actual = hash.digest('hex');
    if (actual !== source.sha256) {
      throw new ModelFetchError(
        `SHA-256 mismatch for ${source.file} from ${source.url}: got ${actual}, expected ${source.sha256}; deleted the downloaded file. ${advice}`,
      );
    }
  } finally {
    await dispatcher.close();
  }
}

function whatToDo(source: ModelSource): string {
  const envName = `${source.service.toUpperCase().replace(/-/g, '_')}_MODEL_PATH`;
  return (
    `To go on without the network, copy ${source.file} (${source.bytes} bytes, sha256 ${source.sha256}) ` +
    `into MODELS_DIR (default <repo>/models), or point ${envName} (npm start) or MODEL_PATH (the service alone) at a model file you have.`
  );
}

function describeCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code} (${err.message})` : err.message;
}
