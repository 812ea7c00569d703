/**
 * bunq's own words in our messages: an error description, the response id bunq support asks
 * for, and a status name. bunq writes a sentence, a UUID and a word, but nothing bounds what it
 * sends, and a message Telegram refuses for its length would hide bunq's answer altogether, so
 * each is clipped to a cap that keeps any real one whole.
 */
import { clip } from "../format/text.js";

/** bunq's error descriptions are a sentence; 300 keeps any real one whole. */
export const BUNQ_WORDS_MAX = 300;
/** bunq's X-Bunq-Client-Response-Id is a UUID (36 characters). */
export const BUNQ_REFERENCE_MAX = 64;

export const bunqWords = (description: string) => clip(description, BUNQ_WORDS_MAX);

export const bunqReference = (responseId: string) => clip(responseId, BUNQ_REFERENCE_MAX);

/** bunq's status names are one word (PENDING, ACCEPTED, …). */
export const BUNQ_STATUS_MAX = 40;

export const bunqStatus = (status: string) => clip(status, BUNQ_STATUS_MAX);
