package io.lightmem.api.funqy;

import io.lightmem.api.InstanceInfo;
import io.lightmem.api.funqy.Messages.GetTimestampRequest;
import io.lightmem.api.funqy.Messages.GetTimestampResponse;
import io.lightmem.api.funqy.Messages.ShowInstanceRequest;
import io.lightmem.api.funqy.Messages.ShowInstanceResponse;
import io.lightmem.auth.Callers;
import io.lightmem.memory.SessionTimes;
import io.quarkus.funqy.Funq;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;

/** GetTimestamp and ShowInstance as functions; their request is the empty object {}. */
@Singleton
public class InstanceFunctions {

    private final InstanceInfo instance;
    private final Callers callers;

    public InstanceFunctions(InstanceInfo instance, Callers callers) {
        this.instance = instance;
        this.callers = callers;
    }

    // An empty request type, as in the proto: Funqy 3.34 cannot serve a POST to a function without
    // input (quarkus#53683), so callers send {}.
    @Funq("GetTimestamp")
    public GetTimestampResponse getTimestamp(GetTimestampRequest request) {
        callers.current();
        OffsetDateTime now = instance.now();
        return new GetTimestampResponse(SessionTimes.format(now), SessionTimes.weekday(now),
                now.toEpochSecond() + now.getNano() / 1e9);
    }

    @Funq("ShowInstance")
    public ShowInstanceResponse showInstance(ShowInstanceRequest request) {
        callers.current();
        return new ShowInstanceResponse(instance.effectiveConfig(), instance.version(), instance.memoryManager(),
                instance.configSources());
    }
}
