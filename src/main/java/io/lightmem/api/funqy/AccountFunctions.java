package io.lightmem.api.funqy;

import io.lightmem.api.funqy.Messages.DeleteMemoriesRequest;
import io.lightmem.api.funqy.Messages.DeleteMemoriesResponse;
import io.lightmem.api.funqy.Messages.GetUsageRequest;
import io.lightmem.api.funqy.Messages.GetUsageResponse;
import io.lightmem.api.funqy.Messages.OperationUsage;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.erase.MemoryEraser;
import io.lightmem.llm.LlmUsage;
import io.quarkus.funqy.Funq;
import jakarta.inject.Singleton;
import java.util.List;

/** DeleteMemories (including erasing a user) and GetUsage as functions. */
@Singleton
public class AccountFunctions {

    private final MemoryEraser eraser;
    private final LlmUsage usage;
    private final Callers callers;

    public AccountFunctions(MemoryEraser eraser, LlmUsage usage, Callers callers) {
        this.callers = callers;
        this.eraser = eraser;
        this.usage = usage;
    }

    @Funq("DeleteMemories")
    public DeleteMemoriesResponse deleteMemories(DeleteMemoriesRequest request) {
        JsonMapping.required(request, "DeleteMemories");
        List<String> ids = request.memoryIds() == null ? List.of() : request.memoryIds();
        MemoryEraser.Erased erased = eraser.delete(callers.owner(request.userId(), Permission.MEMORIES_ERASE), ids, request.all());
        return new DeleteMemoriesResponse(erased.memories(), erased.messages());
    }

    @Funq("GetUsage")
    public GetUsageResponse getUsage(GetUsageRequest request) {
        JsonMapping.required(request, "GetUsage");
        List<OperationUsage> operations = usage.totals(callers.owner(request.userId(), Permission.MEMORIES_READ)).stream()
                .map(totals -> new OperationUsage(totals.operation(), totals.calls(), totals.promptTokens(),
                        totals.completionTokens(), totals.totalTokens()))
                .toList();
        return new GetUsageResponse(operations);
    }
}
