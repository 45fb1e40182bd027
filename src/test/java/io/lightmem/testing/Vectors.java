package io.lightmem.testing;

/** Comparing embedding vectors in tests. */
public final class Vectors {

    private Vectors() {
    }

    /** Cosine similarity; 1 for two zero vectors. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 && nb == 0 ? 1 : dot / Math.sqrt(na * nb);
    }
}
