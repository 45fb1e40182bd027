package io.lightmem.segment;

import io.lightmem.model.Embedder;
import io.lightmem.model.Models;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The topic segmenter, on the embedder and the attention source of wherever the models run
 * ({@link Models}). Built at start-up so a wrong attention model stops the application with a
 * message naming the setting. The models own (and close) the attention source.
 */
@ApplicationScoped
public class TopicSegmenterProducer {

    @Produces
    @Singleton
    @Startup
    TopicSegmenter topicSegmenter(Embedder embedder, Models models) {
        return new LightMemTopicSegmenter(embedder, models.attention());
    }
}
