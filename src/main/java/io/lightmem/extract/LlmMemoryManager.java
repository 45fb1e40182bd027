package io.lightmem.extract;

import io.lightmem.llm.LlmClient;
import io.lightmem.llm.Prompts;
import io.lightmem.memory.LoggedMessage;
import io.lightmem.memory.MessagesUse;
import io.lightmem.memory.NewMemory;
import io.lightmem.memory.Owner;
import io.lightmem.memory.SessionTimes;
import io.lightmem.observe.ServiceMetrics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/** Fact extraction by an LLM behind the OpenAI-compatible chat API (OpenAI, DeepSeek, vLLM, Ollama). */
public final class LlmMemoryManager implements MemoryManager {

    private static final Logger LOG = Logger.getLogger(LlmMemoryManager.class);
    static final String OPERATION = "extract";
    static final String SYSTEM_PROMPT = "prompts/extract-facts.v1.system.txt";
    static final String USER_PROMPT = "prompts/extract-facts.v1.user.txt";
    static final String METADATA_PROMPT = "prompts/extract-metadata.v1.txt";
    static final String RETRY_PROMPT = "prompts/json-retry.v1.txt";

    private final LlmClient llm;
    private final ServiceMetrics metrics;
    private final MessagesUse messagesUse;
    private final boolean textSummary;
    private final boolean metadataGenerate;
    private final String systemPrompt;
    private final String userPrompt = Prompts.load(USER_PROMPT);
    private final String retryPrompt = Prompts.load(RETRY_PROMPT);

    public LlmMemoryManager(LlmClient llm, ServiceMetrics metrics, MessagesUse messagesUse, boolean textSummary,
            boolean metadataGenerate) {
        this.llm = llm;
        this.metrics = metrics;
        this.messagesUse = messagesUse;
        this.textSummary = textSummary;
        this.metadataGenerate = metadataGenerate;
        this.systemPrompt = metadataGenerate
                ? Prompts.load(SYSTEM_PROMPT) + "\n\n"
                        + Prompts.fill(Prompts.load(METADATA_PROMPT), Map.of("categories", Category.names()))
                : Prompts.load(SYSTEM_PROMPT);
    }

    @Override
    public String name() {
        return llm.backend();
    }

    @Override
    public Extraction extract(Owner owner, List<Segment> batch) {
        List<Turns.Turn> turns = Turns.selected(batch, messagesUse);
        if (turns.isEmpty()) {
            return new Extraction(List.of(), 0, 0);
        }
        try {
            LlmClient.Result<List<FactParser.Fact>> facts = llm.askJson(owner, OPERATION, systemPrompt,
                    Prompts.fill(userPrompt, Map.of("messages", promptLines(turns))), retryPrompt,
                    answer -> FactParser.parse(answer, metadataGenerate));
            return memories(facts.value(), turns, facts.calls());
        } catch (LlmClient.CallFailedException e) {
            throw new ExtractionException(e.getMessage(), e.calls(), e);
        }
    }

    /**
     * The prompt body (docs/design.md, "Short-term buffer and extraction"): per topic a header, then one "[time,
     * weekday] id.speaker: text" line per message.
     */
    static String promptLines(List<Turns.Turn> turns) {
        StringBuilder lines = new StringBuilder();
        int topic = 0;
        for (Turns.Turn turn : turns) {
            if (turn.topic() != topic) {
                topic = turn.topic();
                lines.append("--- Topic ").append(topic).append(" ---\n");
            }
            for (LoggedMessage message : turn.messages()) {
                lines.append('[').append(SessionTimes.format(message.timeStamp())).append(", ")
                        .append(message.weekday()).append("] ")
                        .append(turn.sourceId()).append('.').append(message.speakerName()).append(": ")
                        .append(message.extractionText().replace('\n', ' ')).append('\n');
            }
        }
        return lines.toString().stripTrailing();
    }

    private Extraction memories(List<FactParser.Fact> facts, List<Turns.Turn> turns, int calls) {
        List<NewMemory> memories = new ArrayList<>(facts.size());
        Set<Integer> turnsStoredVerbatim = new LinkedHashSet<>();
        int clamped = 0;
        for (FactParser.Fact fact : facts) {
            int sourceId = fact.sourceId();
            if (sourceId < 0 || sourceId >= turns.size()) {
                clamped++;
                sourceId = Math.max(0, Math.min(sourceId, turns.size() - 1));
            }
            Turns.Turn turn = turns.get(sourceId);
            if (!textSummary && !turnsStoredVerbatim.add(sourceId)) {
                continue; // the turn's text is already stored once
            }
            LoggedMessage source = turn.first();
            memories.add(new NewMemory(textSummary ? fact.fact() : turn.text(), turn.text(), turn.compressedText(),
                    source.timeStamp(),
                    source.weekday(), source.speakerId(), source.speakerName(), turn.segmentId(), turn.sourceIds(),
                    fact.metadata()));
        }
        if (clamped > 0) {
            metrics.sourceIdsClamped(clamped);
            LOG.warnf("%d extracted facts named a source_id outside the batch of %d turns; clamped", clamped,
                    turns.size());
        }
        return new Extraction(memories, calls, clamped);
    }
}
