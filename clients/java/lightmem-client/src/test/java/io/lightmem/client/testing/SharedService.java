package io.lightmem.client.testing;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One service (memory manager {@code none}) for every test class of a run that asks for a
 * {@link ServiceProcess} parameter; stopped when the run ends. Tests keep apart by user id
 * ({@link Users#fresh}).
 */
public final class SharedService implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ServiceProcess.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedService.class))
                .getOrComputeIfAbsent("service", key -> {
                    try {
                        return ServiceProcess.start("shared", Map.of());
                    } catch (Exception e) {
                        throw new ParameterResolutionException("could not start the service", e);
                    }
                }, ServiceProcess.class);
    }
}
