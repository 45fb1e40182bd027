package io.lightmem.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.event.AiServiceCompletedEvent;
import dev.langchain4j.observability.api.event.AiServiceErrorEvent;
import dev.langchain4j.observability.api.event.AiServiceResponseReceivedEvent;
import dev.langchain4j.observability.api.event.AiServiceStartedEvent;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceResponseReceivedListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
import io.lightmem.client.AddOptions;
import io.lightmem.client.LightMemClient;
import io.lightmem.client.Message;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Records every completed exchange of an AI service into LightMem: the user's message as the user wrote
 * it (before retrieval augmentation added memories to it) and the model's final answer, with their
 * times, under the user the invocation belongs to. It listens to the AI service's events, so the
 * application's code does not change: with plain LangChain4j register {@link #listeners()} on
 * {@code AiServices.builder(...)}; with Quarkus LangChain4j forward the CDI events
 * ({@code @Observes AiServiceStartedEvent}, …) to the {@code on…} methods.
 *
 * <p>Recording is asynchronous: the answer is not delayed, and a failure to record is logged (never the
 * text) without failing the chat. Each exchange is added with a request id derived from the invocation,
 * so retries and repeated events store it once. Exchanges that fail, and invocations without a user, are
 * not recorded.
 */
public final class LightMemChatRecorder {

    private static final System.Logger LOG = System.getLogger(LightMemChatRecorder.class.getName());

    private final LightMemClient client;
    private final Function<InvocationContext, String> userId;
    private final AddOptions options;
    private final Clock clock;
    private final Map<UUID, Exchange> open = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<?>> recording = ConcurrentHashMap.newKeySet();

    private LightMemChatRecorder(Builder builder) {
        this.client = builder.client;
        this.userId = builder.userId;
        this.options = builder.options;
        this.clock = builder.clock;
    }

    public static Builder builder(LightMemClient client) {
        return new Builder(client);
    }

    /** The invocation's chat memory id, as text; null when it has none. */
    public static String chatMemoryId(InvocationContext invocation) {
        return invocation.chatMemoryId() == null ? null : invocation.chatMemoryId().toString();
    }

    /** Listeners for {@code AiServices.builder(...).registerListeners(recorder.listeners())}. */
    public List<AiServiceListener<?>> listeners() {
        return List.of((AiServiceStartedListener) this::onStarted,
                (AiServiceResponseReceivedListener) this::onResponseReceived,
                (AiServiceCompletedListener) this::onCompleted,
                (AiServiceErrorListener) this::onError);
    }

    /** An invocation began: remembers the user's message as written. */
    public void onStarted(AiServiceStartedEvent event) {
        InvocationContext invocation = event.invocationContext();
        String text = text(event.userMessage());
        if (text.isBlank()) {
            return;
        }
        Instant at = invocation.timestamp() != null ? invocation.timestamp() : clock.instant();
        open.put(invocation.invocationId(), new Exchange(text, at));
    }

    /** The model answered; the last answer without tool calls is the one the user gets. */
    public void onResponseReceived(AiServiceResponseReceivedEvent event) {
        Exchange exchange = open.get(event.invocationContext().invocationId());
        AiMessage answer = event.response() == null ? null : event.response().aiMessage();
        if (exchange != null && answer != null && !answer.hasToolExecutionRequests() && answer.text() != null) {
            exchange.answer = answer.text();
        }
    }

    /** The invocation completed: records the exchange. */
    public void onCompleted(AiServiceCompletedEvent event) {
        InvocationContext invocation = event.invocationContext();
        Exchange exchange = open.remove(invocation.invocationId());
        if (exchange == null || exchange.answer == null || exchange.answer.isBlank()) {
            return;
        }
        String user = userId.apply(invocation);
        if (user == null || user.isBlank()) {
            return;
        }
        List<Message> messages = List.of(Message.user(exchange.question, exchange.at),
                Message.assistant(exchange.answer, clock.instant()));
        CompletableFuture<?> add = client.addMemoryAsync(user, messages,
                options.requestId("langchain4j:" + invocation.invocationId()));
        recording.add(add);
        add.whenComplete((result, failure) -> {
            recording.remove(add);
            if (failure != null) {
                LOG.log(Level.WARNING, "could not record an exchange of user {0} into LightMem: {1}", user,
                        failure.getMessage());
            }
        });
    }

    /** The invocation failed: nothing is recorded. */
    public void onError(AiServiceErrorEvent event) {
        open.remove(event.invocationContext().invocationId());
    }

    /** Completes when every recording begun so far has ended (for tests, and before shutting down). */
    public CompletableFuture<Void> inFlight() {
        return CompletableFuture.allOf(recording.toArray(CompletableFuture[]::new)).handle((done, failure) -> null);
    }

    private static String text(UserMessage message) {
        if (message == null) {
            return "";
        }
        if (message.hasSingleText()) {
            return message.singleText();
        }
        return message.contents().stream()
                .filter(TextContent.class::isInstance)
                .map(content -> ((TextContent) content).text())
                .collect(Collectors.joining("\n"));
    }

    /** One invocation between start and completion. */
    private static final class Exchange {
        final String question;
        final Instant at;
        volatile String answer;

        Exchange(String question, Instant at) {
            this.question = question;
            this.at = at;
        }
    }

    public static final class Builder {

        private final LightMemClient client;
        private Function<InvocationContext, String> userId = LightMemChatRecorder::chatMemoryId;
        private AddOptions options = AddOptions.defaults();
        private Clock clock = Clock.systemUTC();

        private Builder(LightMemClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /** Whose memory an invocation feeds, e.g. {@code invocation -> accountOf(invocation.chatMemoryId())}. */
        public Builder userId(Function<InvocationContext, String> resolver) {
            this.userId = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /** How each exchange is added (e.g. {@code forceExtract(true)}); the request id is always the recorder's. */
        public Builder addOptions(AddOptions addOptions) {
            this.options = Objects.requireNonNull(addOptions, "addOptions");
            return this;
        }

        /** The clock that stamps answers (the question takes the invocation's time). */
        public Builder clock(Clock answerClock) {
            this.clock = Objects.requireNonNull(answerClock, "answerClock");
            return this;
        }

        public LightMemChatRecorder build() {
            return new LightMemChatRecorder(this);
        }
    }
}
