/**
 * Puts a service's model files (catalogue `MODELS`) into a bundle, verifying each one's
 * size and SHA-256 against the catalogue. Models are baked into the image at build time:
 * the task starts without reaching S3 or the internet and the image digest pins code and
 * weights together (trade-off: a model change means a new image; see docs/delivery.md).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, type ModelSource, type ServiceName } from '@mlip/catalogue';

export class ModelChecksumError extends Error {
  override name = 'ModelChecksumError';
}

export function modelsForService(service: ServiceName): ModelSource[] {
  return Object.values(MODELS as Record<string, ModelSource>).filter((m) => m.service === service);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function verifyModel(path: string, model: ModelSource): Promise<void> {
  const bytes = statSync(path).size;
  if (bytes !== model.bytes) {
    throw new ModelChecksumError(`${path}: ${bytes} bytes, catalogue says ${model.bytes} (${model.file})`);
  }
  const digest = await sha256File(path);
  if (digest !== model.sha256) {
    throw new ModelChecksumError(`${path}: sha256 ${digest}, catalogue says ${model.sha256} (${model.file})`);
  }
}

async function downloadModel(model: ModelSource, target: string): Promise<void> {
  process.stdout.write(`downloading ${model.file} from ${model.url}\n`);
  const res = await fetch(model.url);
  if (!res.ok) throw new Error(`download of ${model.url} failed: HTTP ${res.status}`);
  writeFileSync(target, Buffer.from(await res.arrayBuffer()));
}

export interface CopyModelsOptions {
  service: ServiceName;
  /** Where the model files are found (build-time MODELS_DIR). */
  modelsDir: string;
  /** Bundle directory; models land in `<outDir>/models`. */
  outDir: string;
  /** Download a model missing from modelsDir from its catalogue URL (CI with internet). */
  download: boolean;
}

/** Copies (or downloads) and verifies every model of the service; returns the copied paths. */
export async function copyModels(opts: CopyModelsOptions): Promise<string[]> {
  const models = modelsForService(opts.service);
  const targetDir = join(opts.outDir, 'models');
  mkdirSync(targetDir, { recursive: true });
  const copied: string[] = [];
  for (const model of models) {
    const source = join(opts.modelsDir, model.file);
    const target = join(targetDir, model.file);
    if (existsSync(source)) {
      await verifyModel(source, model);
      copyFileSync(source, target);
    } else if (opts.download) {
      await downloadModel(model, target);
      await verifyModel(target, model);
    } else {
      throw new Error(
        `model ${model.file} for ${opts.service} is not in ${opts.modelsDir}; run \`pnpm models:fetch\` or pass --download-models`,
      );
    }
    process.stdout.write(`model ${model.file}: sha256 verified, copied to ${target}\n`);
    copied.push(target);
  }
  return copied;
}
