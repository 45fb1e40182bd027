package io.lightmem.bench;

import io.lightmem.bench.LocomoData.Conversation;
import io.lightmem.retrieve.QueryPeriod;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * How many questions of each development set name a day, month or year ({@link QueryPeriod}), absolute
 * or relative to the time asked, so the time boost's reach on each set can be stated: every question of
 * the LoCoMo-shaped files (asked at their conversation's last session, as LocomoBench asks them), of
 * them the ones LocomoBench scores, and every question of the LongMemEval directory (asked at its
 * question_date). Needs no service; times in UTC, as the benchmarks' services store them.
 */
final class PeriodQuestions {

    private static final ZoneId ZONE = ZoneOffset.UTC;

    private PeriodQuestions() {
    }

    /** Questions counted: all, naming an absolute period, naming only a relative one. */
    private static final class Counts {
        int all;
        int absolute;
        int relative;

        void add(String question, Instant asked) {
            all++;
            if (QueryPeriod.absolute(question, ZONE).isPresent()) {
                absolute++;
            } else if (QueryPeriod.find(question, ZONE, asked).isPresent()) {
                relative++;
            }
        }

        String cells() {
            return String.format("%d | %d | %d | %d", all, absolute + relative, absolute, relative);
        }
    }

    static String markdown(List<Path> locomoShaped, Path longMemEval) throws IOException {
        StringBuilder md = new StringBuilder("### Questions naming a day, month or year (QueryPeriod)\n\n")
                .append("| set | questions | naming a period | absolute | relative only |\n|---|---|---|---|---|\n");
        for (Path file : locomoShaped) {
            Counts all = new Counts();
            Counts scored = new Counts();
            for (Conversation c : LocomoData.read(file).conversations()) {
                Instant asked = LocomoBench.askedAt(c, ZONE);
                c.qa().forEach(qa -> all.add(qa.question(), asked));
                LocomoBench.questions(c).forEach(qa -> scored.add(qa.question(), asked));
            }
            md.append(String.format("| %s | %s |%n", file.getFileName(), all.cells()));
            md.append(String.format("| %s, scored | %s |%n", file.getFileName(), scored.cells()));
        }
        Counts questions = new Counts();
        for (Path file : LongMemEvalData.files(longMemEval)) {
            LongMemEvalData q = LongMemEvalData.read(file);
            questions.add(q.question(), q.askedAt(ZONE));
        }
        md.append(String.format("| %s | %s |%n", longMemEval.getFileName(), questions.cells()));
        return md.toString();
    }
}
