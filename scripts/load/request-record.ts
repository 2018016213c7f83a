/** One line of `requests.jsonl`: the outcome of one simulated request. */

export type LoadApi = 'detect' | 'depth' | 'flow' | 'predict_json';

export const LOAD_APIS: readonly LoadApi[] = Object.freeze(['detect', 'depth', 'flow', 'predict_json']);

export interface RequestError {
  /** `http`: non-2xx answer; `network`: connection-level failure; `timeout`: no answer in time. */
  kind: 'http' | 'network' | 'timeout';
  /** API error code (`OVERLOADED`) for `http`, errno (`ECONNREFUSED`) for `network`. */
  code?: string;
  message: string;
}

export interface RequestRecord {
  req_id: string;
  api: LoadApi;
  /** Simulated user or worker that sent it. */
  user: number;
  image: string;
  /** Milliseconds since the run started, when the request was sent. */
  start_ms: number;
  latency_ms: number;
  /** HTTP status of the last call (`flow`: the depth call unless detect failed); null on network error. */
  status: number | null;
  ok: boolean;
  /** Stage timings the server reported, in ms (from the JSON body `timings` or `Server-Timing`). */
  server_timings: Record<string, number> | null;
  detections: number | null;
  /** `flow` only: latency of the detect and depth calls. */
  detect_latency_ms?: number;
  depth_latency_ms?: number;
  server_request_id?: string;
  error?: RequestError;
}
