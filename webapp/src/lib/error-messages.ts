import { ApiError, NETWORK_ERROR } from './api-client.ts';

/** A sentence a person can act on, per stable error code of docs/api-contract.md (and the gateway's). */
const MESSAGES: Record<string, string> = {
  UNSUPPORTED_MEDIA_TYPE: 'That file is not an image. Try a JPEG, PNG or WebP photo.',
  UNDECODABLE_IMAGE: 'That image looks damaged and could not be read.',
  PAYLOAD_TOO_LARGE: 'That file is too large to upload.',
  IMAGE_TOO_LARGE: 'That image has too many pixels. Try a smaller one.',
  MISSING_IMAGE: 'No image was sent. Pick a photo and try again.',
  INVALID_BASE64: 'The image data was not valid.',
  BAD_REQUEST: 'The request was not understood by the service.',
  INVALID_OPTION: 'A setting was out of range.',
  REQUEST_TIMEOUT: 'The upload took too long. Check your connection and try again.',
  NOT_FOUND: 'The service does not offer this request. The web UI and the API may be out of step.',
  METHOD_NOT_ALLOWED: 'The service does not offer this request. The web UI and the API may be out of step.',
  URL_NOT_ALLOWED: 'Images from that address are not allowed.',
  URL_FETCH_FAILED: 'The image at that address could not be fetched.',
  MODEL_NOT_READY: 'The model is still loading. Try again in a few seconds.',
  OVERLOADED: 'The service is busy right now. Try again in a moment.',
  SHUTTING_DOWN: 'The service is restarting. Try again in a moment.',
  INTERNAL: 'Something went wrong on the server.',
  UPSTREAM_UNAVAILABLE: 'The service is not reachable right now.',
  SERVICE_UNAVAILABLE: 'The service is not running right now.',
  UPSTREAM_TIMEOUT: 'The service took too long to answer.',
  [NETWORK_ERROR]: 'Could not reach the server. Check your connection.',
};

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const message = MESSAGES[error.code];
    if (error.code === 'INVALID_OPTION') return `${message} ${error.message}`;
    return message ?? `The request failed (${error.status}): ${error.message}`;
  }
  if (error instanceof Error) return `Something went wrong: ${error.message}`;
  return 'Something went wrong.';
}
