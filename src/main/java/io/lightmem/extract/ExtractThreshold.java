package io.lightmem.extract;

import java.math.BigDecimal;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * {@code lightmem.extract-threshold}: the short-term buffer's token budget, written as tokens
 * ({@code 512}) or, as LightMem writes it, as a fraction ({@code 0.1}; docs/design.md, "Decisions
 * where LightMem leaves a choice").
 * LightMem documents extract_threshold as a value in [0, 1] where higher means more conservative
 * extraction, but its buffer ignores it and always holds 512 tokens; a fraction f here is
 * round(f × {@value #TOKENS_PER_UNIT}) tokens, so LightMem's examples (0.1) keep LightMem's 512, and a
 * higher value means fewer, larger extraction calls.
 *
 * @param tokens the budget in tokens
 * @param written the value as configured
 */
public record ExtractThreshold(int tokens, String written) {

    /** Tokens of a threshold of 1.0. */
    public static final int TOKENS_PER_UNIT = 5120;
    public static final int MIN_TOKENS = 16;
    public static final int MAX_TOKENS = 100_000;

    /**
     * @throws IllegalArgumentException for anything but a fraction in (0, 1] or a whole number of
     *         tokens in [16, 100000]
     */
    public static ExtractThreshold parse(String value) {
        BigDecimal number;
        try {
            number = new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw invalid(value);
        }
        if (number.signum() > 0 && number.compareTo(BigDecimal.ONE) <= 0) {
            int tokens = Math.max(MIN_TOKENS, number.multiply(BigDecimal.valueOf(TOKENS_PER_UNIT)).setScale(0,
                    java.math.RoundingMode.HALF_UP).intValueExact());
            return new ExtractThreshold(tokens, value.strip());
        }
        if (number.stripTrailingZeros().scale() <= 0 && number.compareTo(BigDecimal.valueOf(MIN_TOKENS)) >= 0
                && number.compareTo(BigDecimal.valueOf(MAX_TOKENS)) <= 0) {
            return new ExtractThreshold(number.intValueExact(), value.strip());
        }
        throw invalid(value);
    }

    private static IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException("'" + value + "' is neither a fraction in (0, 1] (LightMem's form: f means"
                + " f x " + TOKENS_PER_UNIT + " tokens) nor a whole number of tokens from " + MIN_TOKENS + " to "
                + MAX_TOKENS);
    }

    /** For {@code @WithConverter}. */
    public static final class ConfigConverter implements Converter<ExtractThreshold> {
        @Override
        public ExtractThreshold convert(String value) {
            return parse(value);
        }
    }
}
