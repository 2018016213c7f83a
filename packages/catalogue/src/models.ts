/**
 * Model manifest: which model file each service loads by default and where the
 * model fetcher downloads it from. Checksums pin the exact bytes.
 */

export interface ModelSource {
  /** File name inside MODELS_DIR. */
  readonly file: string;
  /** Service that loads it. */
  readonly service: 'yolo-api' | 'depth-api';
  /** Public upstream URL (immutable: pinned to a commit or revision). */
  readonly url: string;
  /** Expected SHA-256 (hex) of the file. */
  readonly sha256: string;
  /** Expected size in bytes. */
  readonly bytes: number;
  readonly license: string;
  readonly description: string;
}

export const MODELS = Object.freeze({
  yolo: {
    file: 'yolov8n_int8.onnx',
    service: 'yolo-api',
    url: 'https://raw.githubusercontent.com/Lamri-Meriem/edge-object-detection/a6844ef947be6d0dd3aeafcf4cac6f3d01806e10/yolov8n_int8.onnx',
    sha256: '83de8f0d2cd521e00ae2b138c340a03dece35b060b3898509bdc69afff417312',
    bytes: 3_504_119,
    license: 'AGPL-3.0 (Ultralytics YOLOv8n, COCO)',
    description:
      'Ultralytics YOLOv8n COCO export, onnxruntime dynamic INT8 quantization; input images [1,3,640,640], output output0 [1,84,8400]',
  },
  depth: {
    file: 'depth_anything_v2_small.onnx',
    service: 'depth-api',
    // Not downloadable from the build machines: size and sha256 are those published on the Hugging Face
    // file page (onnx/model.onnx, LFS SHA256) and cross-checked against several public pinning scripts.
    url: 'https://huggingface.co/onnx-community/depth-anything-v2-small/resolve/4472b7362082ad9968fee890ca0f1e5aca36b93d/onnx/model.onnx',
    sha256: 'afb6a5c28f3b6bf1618c6e43f02073ef9dfdc70e937502d51603e57b0a1df10c',
    bytes: 99_060_839,
    license: 'Apache-2.0 (Depth Anything V2 Small)',
    description:
      'Depth Anything V2 Small (ViT-S DPT), float32 ONNX export by onnx-community (transformers.js); input pixel_values [1,3,H,W] (H, W multiples of 14), output predicted_depth [1,H,W] relative inverse depth',
  },
} as const satisfies Record<string, ModelSource>);

export type ModelKey = keyof typeof MODELS;
