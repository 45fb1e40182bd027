package io.lightmem.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code lightmem.role}: which parts of LightMem this instance serves (README, "Roles and the model service"). */
@ConfigMapping(prefix = "lightmem")
public interface RoleConfig {

    /**
     * What this instance serves: {@code all} (the memory API with the models in process),
     * {@code api} (the memory API; embedding, token counting, compression and attention go to the
     * model service at {@code lightmem.models.endpoint}) or {@code models} (only the gRPC
     * {@code lightmem.v1.ModelService}, no database).
     */
    @WithDefault("all")
    InstanceRole role();

    enum InstanceRole {
        all, api, models;

        /** Whether the models run in this process (ONNX Runtime). */
        public boolean modelsInProcess() {
            return this != api;
        }

        /** Whether this instance serves the memory API (and so needs the database). */
        public boolean servesMemory() {
            return this != models;
        }

        /** Whether this instance serves lightmem.v1.ModelService to others. */
        public boolean servesModels() {
            return this != api;
        }
    }
}
