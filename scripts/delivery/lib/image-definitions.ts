/**
 * imagedefinitions.json: the file CodePipeline's ECS (standard) deploy action reads,
 * `[{"name": <container name>, "imageUri": <image>}]`. Written for every image so a pipeline
 * can deploy from the build's artifact instead of (or as well as) the buildspec's own roll.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeliveryConfig } from './delivery-config.ts';
import { imageRef } from './docker-images.ts';

export interface ImageDefinition {
  name: string;
  imageUri: string;
}

export function imageDefinitions(config: DeliveryConfig): ImageDefinition[] {
  return config.images.map((target) => ({
    name: target.containerName,
    imageUri: imageRef(target, config.imageTag),
  }));
}

export function writeImageDefinitions(config: DeliveryConfig, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, 'imagedefinitions.json');
  writeFileSync(path, `${JSON.stringify(imageDefinitions(config), null, 2)}\n`);
  process.stdout.write(`wrote ${path}\n`);
  return path;
}
