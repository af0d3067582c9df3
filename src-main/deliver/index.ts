/** Delivery: plates, depth, cameras and timelines for NLEs and DCCs (SPEC §7). */
export { encodeExr, EXR_MAX_SIDE, type ExrChannel, type ExrOptions, type ExrPixelType } from './exr';
export {
  deliverDepth,
  plannedDepthFiles,
  depthExrFileName,
  metricRefusal,
  readStoredDepth,
  type DepthDeliveryOptions,
  type DepthDeliveryResult,
  type DepthDeliveryFormat,
  type DepthUnits,
  type DepthSize,
} from './depth-delivery';
export { deliveryFolderOf, setDeliveryFolder, type DeliveryFolder } from './delivery-folder';
export { defaultWorldUp } from './delivery-world-up';
export {
  PLATE_FORMATS,
  PLATE_FORMAT_INFO,
  plateFormat,
  type PlateFormat,
  type PlateFormatInfo,
} from './plate-formats';
export {
  planPlate,
  sanitizeFileName,
  defaultTemplate,
  MAX_HANDLES,
  MAX_PADDING,
  type PlatePlan,
  type PlateRequest,
} from './plate-plan';
export { plateRender } from './plate-frames';
export {
  deliverJob,
  previewPlateDelivery,
  startPlateDelivery,
  DELIVER_CHUNK_FRAMES,
  DELIVER_MOVIE_CHUNK_FRAMES,
  deliverChunkFrames,
  type PlateDeliveryRequest,
} from './deliver-job';
export {
  deliverTimeline,
  previewTimeline,
  chosenRenders,
  type TimelineRequest,
  type TimelineDelivery,
  type TimelineDelivered,
  type TimelinePreview,
} from './timeline-delivery';
export {
  deliverCamera,
  shotFirstFrameNumber,
  DEFAULT_FILM_BACK_MM,
  type DeliverCameraRequest,
  type DeliveredCamera,
} from './camera';
export { previewDelivery, startDelivery, type DeliveryPlan } from './deliveries';
