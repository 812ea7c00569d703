/** Callback data strings (≤ 64 bytes each), named in one place so buttons and handlers agree. */
export const reconnectData = "connect:reconnect";
