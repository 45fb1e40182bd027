package io.lightmem.model.remote;

import io.lightmem.model.TokenCounter;
import java.util.List;

/** Token counts from the model service, with the tokenizer of its embedding model. */
final class RemoteTokenCounter implements TokenCounter {

    private final ModelServiceClient client;

    RemoteTokenCounter(ModelServiceClient client) {
        this.client = client;
    }

    @Override
    public int countTokens(String text) {
        return client.countTokens(List.of(text)).get(0);
    }

    @Override
    public List<Integer> countTokens(List<String> texts) {
        return client.countTokens(texts);
    }
}
