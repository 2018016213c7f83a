/** Routes the load simulator and the benchmark call, built from the service catalogue. */
import { SERVICES } from '@mlip/catalogue';

export const API_ROUTES = Object.freeze({
  detect: `${SERVICES['yolo-api'].pathPrefix}/v1/detect`,
  depth: `${SERVICES['depth-api'].pathPrefix}/v1/depth`,
  predictJson: `${SERVICES['yolo-api'].pathPrefix}/predict_json`,
  yoloReady: SERVICES['yolo-api'].healthPath,
  depthReady: SERVICES['depth-api'].healthPath,
});
