package io.lightmem.memory;


/**
 * A message about to enter the message log.
 *
 * @param compressedContent the pre-compressed text, or null when pre-compression is off or failed
 * @param tokens tokens of the text extraction will read (the compressed one when there is one)
 */
public record NewMessage(NormalizedMessage message, String compressedContent, int tokens) {
}
