/** Delivery: plates, depth, cameras and timelines for NLEs and DCCs (SPEC §7). */
export {};
