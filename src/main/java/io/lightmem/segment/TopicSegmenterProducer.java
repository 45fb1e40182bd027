package io.lightmem.segment;

import io.lightmem.model.Embedder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The topic segmenter; coarse (attention) boundaries need an encoder exported with attentions, not wired yet. */
@ApplicationScoped
public class TopicSegmenterProducer {

    @Produces
    @Singleton
    TopicSegmenter topicSegmenter(Embedder embedder) {
        return new LightMemTopicSegmenter(embedder, Optional.empty());
    }
}
