/** Delivery: plates, depth, cameras and timelines for NLEs and DCCs (SPEC §7). */
export { encodeExr, EXR_MAX_SIDE, type ExrChannel, type ExrOptions, type ExrPixelType } from './exr';
export { deliveryFolderOf, setDeliveryFolder, type DeliveryFolder } from './delivery-folder';
export { defaultWorldUp } from './delivery-world-up';
