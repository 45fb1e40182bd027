package io.lightmem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Secrets the manifests use but do not contain, as deploy/knative/README.md documents them for
 * operators: the table between the {@code operator-provided-secrets} markers, one row per key.
 */
final class OperatorSecrets {

    static final Path DOCUMENT = Deployment.KNATIVE.resolve("README.md");
    private static final String BEGIN = "<!-- operator-provided-secrets:begin -->";
    private static final String END = "<!-- operator-provided-secrets:end -->";

    /** One documented key; {@code provider} says who creates it ("operator" or the CNPG operator). */
    record Entry(String secret, String key, String variable, String provider) {

        boolean operatorCreates() {
            return provider.toLowerCase().startsWith("operator");
        }
    }

    static List<Entry> documented() {
        String text;
        try {
            text = Files.readString(DOCUMENT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new AssertionError(DOCUMENT + " has no table between " + BEGIN + " and " + END);
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : text.substring(begin + BEGIN.length(), end).lines().toList()) {
            String row = line.strip();
            if (!row.startsWith("|") || row.startsWith("|---") || row.toLowerCase().startsWith("| secret")) {
                continue;
            }
            String[] cells = row.substring(1, row.length() - 1).split("\\|");
            if (cells.length < 4) {
                throw new AssertionError(DOCUMENT + ": a secrets row needs Secret | key | variable | provider: " + row);
            }
            entries.add(new Entry(code(cells[0]), code(cells[1]), code(cells[2]), cells[3].strip()));
        }
        if (entries.isEmpty()) {
            throw new AssertionError(DOCUMENT + ": the operator-provided secrets table is empty");
        }
        return entries;
    }

    /** The cell's text without the Markdown code quotes. */
    private static String code(String cell) {
        return cell.strip().replace("`", "");
    }
}
