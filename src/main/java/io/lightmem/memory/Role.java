package io.lightmem.memory;

/** Who sent a message. */
public enum Role {
    user("User"), assistant("Assistant");

    private final String defaultSpeakerName;

    Role(String defaultSpeakerName) {
        this.defaultSpeakerName = defaultSpeakerName;
    }

    /** The speaker name of a message that names none. */
    public String defaultSpeakerName() {
        return defaultSpeakerName;
    }
}
