package io.lightmem.extract;

/** Extraction could not produce memories for a batch; the batch stays pending. */
public class ExtractionException extends RuntimeException {

    private final int llmCalls;

    public ExtractionException(String message, int llmCalls, Throwable cause) {
        super(message, cause);
        this.llmCalls = llmCalls;
    }

    /** LLM calls spent before giving up. */
    public int llmCalls() {
        return llmCalls;
    }
}
