package io.lightmem.bench;

import io.lightmem.bench.LocomoData.Conversation;
import io.lightmem.bench.LocomoData.Qa;
import io.lightmem.retrieve.QueryPeriod;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * How many questions of each development set name a day, month or year ({@link QueryPeriod}), so the
 * time boost's reach on each set can be stated: every question of the LoCoMo-shaped files (and of them
 * the ones LocomoBench scores) and of the LongMemEval directory. Needs no service.
 */
final class PeriodQuestions {

    private PeriodQuestions() {
    }

    static String markdown(List<Path> locomoShaped, Path longMemEval) throws IOException {
        StringBuilder md = new StringBuilder("### Questions naming a day, month or year (QueryPeriod)\n\n")
                .append("| set | questions | naming a period | scored questions naming a period |\n|---|---|---|---|\n");
        for (Path file : locomoShaped) {
            List<Qa> all = new ArrayList<>();
            List<Qa> scored = new ArrayList<>();
            for (Conversation c : LocomoData.read(file).conversations()) {
                all.addAll(c.qa());
                scored.addAll(LocomoBench.questions(c));
            }
            md.append(String.format("| %s | %d | %d | %d of %d |%n", file.getFileName(), all.size(),
                    all.stream().filter(PeriodQuestions::names).count(), scored.stream().filter(PeriodQuestions::names).count(),
                    scored.size()));
        }
        List<Path> files = LongMemEvalData.files(longMemEval);
        long naming = 0;
        for (Path file : files) {
            naming += names(LongMemEvalData.read(file).question()) ? 1 : 0;
        }
        md.append(String.format("| %s | %d | %d | – |%n", longMemEval.getFileName(), files.size(), naming));
        return md.toString();
    }

    private static boolean names(Qa qa) {
        return names(qa.question());
    }

    private static boolean names(String question) {
        return QueryPeriod.find(question, ZoneOffset.UTC).isPresent();
    }
}
