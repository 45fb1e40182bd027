package io.lightmem.client.testing;

import io.lightmem.client.LightMemClient;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One service (memory manager {@code none}) for every test class of a run that asks for a
 * {@link ServiceProcess} parameter, and one {@link LightMemClient} of it for those that ask for a client;
 * both closed when the run ends. Tests keep apart by user id ({@link Users#fresh}).
 */
public final class SharedService implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ServiceProcess.class || type == LightMemClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ServiceProcess service = service(context);
        if (parameter.getParameter().getType() == ServiceProcess.class) {
            return service;
        }
        return store(context).getOrComputeIfAbsent("client", key -> service.client().build(), LightMemClient.class);
    }

    private static ServiceProcess service(ExtensionContext context) {
        return store(context).getOrComputeIfAbsent("service", key -> {
                    try {
                        return ServiceProcess.start("shared", Map.of());
                    } catch (Exception e) {
                        throw new ParameterResolutionException("could not start the service", e);
                    }
                }, ServiceProcess.class);
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedService.class));
    }
}
