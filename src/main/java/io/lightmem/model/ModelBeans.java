package io.lightmem.model;

import io.lightmem.compress.CompressionConfig;
import io.lightmem.compress.Compressor;
import io.lightmem.config.RoleConfig;
import io.lightmem.config.RoleConfig.InstanceRole;
import io.lightmem.model.remote.ModelServiceConfig;
import io.lightmem.model.remote.RemoteModels;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Chooses where the models run by {@code lightmem.role}: in this process for {@code all} and
 * {@code models}, in the model service for {@code api}; and exposes them as the beans the rest of
 * the application injects. Created at start-up, so a build without in-process models (the native
 * image) refuses roles all and models at once, with the reason.
 */
@ApplicationScoped
public class ModelBeans {

    @Produces
    @Singleton
    Models models(RoleConfig config, ModelServiceConfig service, TextEmbedderConfig embedder,
            CompressionConfig compression, @InProcess Instance<Models> inProcess) {
        InstanceRole role = config.role();
        if (role.modelsInProcess()) {
            if (!inProcess.isResolvable()) {
                throw new IllegalStateException("lightmem.role=" + role + " runs the models in this process, but this "
                        + "build has none: it is the native image, built for lightmem.role=api. Set LIGHTMEM_ROLE=api "
                        + "and LIGHTMEM_MODELS_ENDPOINT=host:port of a model service, or run the JVM build for roles "
                        + "all and models");
            }
            return inProcess.get();
        }
        RemoteModels remote = RemoteModels.of(service, embedder, compression);
        remote.checkAtStartup();
        return remote;
    }

    void close(@Disposes Models models) {
        if (models instanceof RemoteModels remote) {
            remote.close();
        }
    }

    @Produces
    @Singleton
    @Startup
    Embedder embedder(Models models) {
        return models.embedder();
    }

    @Produces
    @Singleton
    TokenCounter tokenCounter(Models models) {
        return models.tokenCounter();
    }

    @Produces
    @Singleton
    @Startup
    Compressor compressor(Models models) {
        return models.compressor();
    }
}
