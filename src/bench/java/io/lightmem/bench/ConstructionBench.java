package io.lightmem.bench;

import io.grpc.ManagedChannel;
import io.lightmem.testing.PackagedService;
import io.lightmem.testing.ScriptedLlmServer;
import io.lightmem.testing.TinyTokenClassifier;
import io.lightmem.v1.AddMemoryRequest;
import io.lightmem.v1.GetUsageRequest;
import io.lightmem.v1.MemoryServiceGrpc;
import io.lightmem.v1.MemoryServiceGrpc.MemoryServiceBlockingStub;
import io.lightmem.v1.Message;
import io.lightmem.v1.OperationUsage;
import io.lightmem.v1.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * LLM calls and prompt tokens of memory construction on LoCoMo conversations, through the packaged
 * service over gRPC, with the scripted LLM (answering no facts) in place of a provider. Each
 * conversation goes in turn by turn, speaker A as the user and speaker B as the assistant
 * (messages-use=hybrid: both speakers' facts matter in LoCoMo), and is flushed at its end.
 *
 * <pre>
 * ./mvnw -Pbench package -DskipTests
 * export LIGHTMEM_PG_DB=lightmem_construction_bench && bash deploy/local/postgres.sh fresh
 * eval "$(bash deploy/local/postgres.sh env)"
 * ./mvnw -Pbench exec:java -Dexec.mainClass=io.lightmem.bench.ConstructionBench [-Dexec.args=path/to/locomo.json]
 * </pre>
 */
public final class ConstructionBench {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "../shared/data/locomo/locomo-dev.json");
        List<LocomoData.Conversation> conversations = LocomoData.read(file).conversations();
        Map<String, String> compression = stopWordCompressor();
        Map<String, Map<String, String>> setups = new LinkedHashMap<>();
        setups.put("segmentation off", Map.of());
        setups.put("segmentation on", Map.of("lightmem.topic-segment", "true"));
        setups.put("compression on, segmentation off", compression);
        Map<String, String> both = new LinkedHashMap<>(compression);
        both.put("lightmem.topic-segment", "true");
        setups.put("compression on, segmentation on", both);
        System.out.println("| setup | conversation | turns | LLM calls | prompt tokens (≈ chars/4) |");
        System.out.println("|---|---|---|---|---|");
        for (Map.Entry<String, Map<String, String>> setup : setups.entrySet()) {
            try (ScriptedLlmServer llm = new ScriptedLlmServer()) {
                Map<String, String> properties = new LinkedHashMap<>(setup.getValue());
                properties.put("lightmem.messages-use", "hybrid");
                properties.put("lightmem.memory-manager.model-name", "openai");
                properties.put("lightmem.memory-manager.configs.api-key", "sk-bench");
                properties.put("lightmem.memory-manager.configs.base-url", llm.baseUrl());
                try (PackagedService service = PackagedService.start(properties, "construction-bench")) {
                    long calls = 0;
                    long tokens = 0;
                    int turns = 0;
                    for (LocomoData.Conversation conversation : conversations) {
                        OperationUsage usage = ingest(service, conversation);
                        System.out.printf("| %s | %s | %d | %d | %d |%n", setup.getKey(), conversation.sampleId(),
                                conversation.turnCount(), usage.getCalls(), usage.getPromptTokens());
                        calls += usage.getCalls();
                        tokens += usage.getPromptTokens();
                        turns += conversation.turnCount();
                    }
                    System.out.printf("| %s | **all %d** | %d | **%d** | **%d** |%n", setup.getKey(),
                            conversations.size(), turns, calls, tokens);
                }
            }
        }
    }

    /**
     * No LLMLingua-2 weights can be downloaded here, so compression runs the real compressor on a
     * generated model that scores English function words low and every other word high: it drops
     * mostly function words, roughly what LLMLingua-2 drops first. Rate 0.7.
     */
    private static Map<String, String> stopWordCompressor() throws Exception {
        TinyTokenClassifier model = TinyTokenClassifier.builder().unknown(0.9);
        for (String word : ("a an the and or but so of to in on at for with from by about as is are was were be been "
                + "am i you he she it we they me him her us them my your his its our their this that these those "
                + "do does did have has had will would can could should just really very too also oh well yeah "
                + "um like").split(" ")) {
            model.token(word, 0.1);
        }
        TinyTokenClassifier.Files files = model.write(Files.createTempDirectory("construction-bench-model"));
        return Map.of("lightmem.pre-compress", "true",
                "lightmem.pre-compressor.model-path", files.model().toString(),
                "lightmem.pre-compressor.tokenizer-path", files.tokenizer().toString(),
                "lightmem.pre-compressor.rate", "0.7");
    }

    private static OperationUsage ingest(PackagedService service, LocomoData.Conversation conversation) {
        String userId = "bench-" + conversation.sampleId() + "-" + UUID.randomUUID();
        ManagedChannel channel = service.channel();
        try {
            MemoryServiceBlockingStub memory = MemoryServiceGrpc.newBlockingStub(channel);
            List<LocomoData.Session> sessions = conversation.sessions();
            for (int s = 0; s < sessions.size(); s++) {
                LocomoData.Session session = sessions.get(s);
                List<LocomoData.Turn> turns = session.turns();
                for (int t = 0; t < turns.size(); t += 2) {
                    AddMemoryRequest.Builder add = AddMemoryRequest.newBuilder().setUserId(userId);
                    for (LocomoData.Turn turn : turns.subList(t, Math.min(turns.size(), t + 2))) {
                        add.addMessages(message(conversation, turn, session.isoTime()));
                    }
                    boolean last = s == sessions.size() - 1 && t + 2 >= turns.size();
                    memory.withDeadlineAfter(5, TimeUnit.MINUTES).addMemory(add.setForceExtract(last).build());
                }
            }
            return memory.getUsage(GetUsageRequest.newBuilder().setUserId(userId).build()).getOperationsList().stream()
                    .filter(o -> o.getOperation().equals("extract")).findFirst()
                    .orElse(OperationUsage.getDefaultInstance());
        } finally {
            channel.shutdownNow();
        }
    }

    /** The turn's text already carries its image caption, as "[image: …]". */
    private static Message message(LocomoData.Conversation conversation, LocomoData.Turn turn, String time) {
        return Message.newBuilder()
                .setRole(turn.speaker().equals(conversation.speakerA()) ? Role.ROLE_USER : Role.ROLE_ASSISTANT)
                .setSpeakerName(turn.speaker())
                .setContent(turn.text())
                .setTimeStamp(time)
                .build();
    }
}
