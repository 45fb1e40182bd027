package io.lightmem.api.funqy;

import io.lightmem.api.funqy.Messages.GetMemoryRequest;
import io.lightmem.api.funqy.Messages.GetMemoryResponse;
import io.lightmem.api.funqy.Messages.ListMemoriesRequest;
import io.lightmem.api.funqy.Messages.ListMemoriesResponse;
import io.lightmem.api.funqy.Messages.RetrieveRequest;
import io.lightmem.api.funqy.Messages.RetrieveResponse;
import io.lightmem.api.funqy.Messages.RetrievedMemory;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.config.TimeZoneConfig;
import io.lightmem.retrieve.MemoryLookup;
import io.lightmem.retrieve.MemorySearch;
import io.quarkus.funqy.Funq;
import jakarta.inject.Singleton;
import java.util.List;

/** Retrieve, GetMemory and ListMemories as functions; the work is MemorySearch's and MemoryLookup's. */
@Singleton
public class RetrievalFunctions {

    private final MemorySearch search;
    private final MemoryLookup lookup;
    private final Callers callers;
    private final TimeZoneConfig timeZone;

    public RetrievalFunctions(MemorySearch search, MemoryLookup lookup, Callers callers, TimeZoneConfig timeZone) {
        this.timeZone = timeZone;
        this.callers = callers;
        this.search = search;
        this.lookup = lookup;
    }

    @Funq("Retrieve")
    public RetrieveResponse retrieve(RetrieveRequest request) {
        JsonMapping.required(request, "Retrieve");
        MemorySearch.Result found = search.retrieve(callers.owner(request.userId(), Permission.MEMORIES_READ),
                request.query(), request.limit(), JsonMapping.filter(request.filter(), timeZone.defaultTimeZone()),
                JsonMapping.strategy(request.strategy()), request.efSearch(),
                JsonMapping.queryTime(request.queryTime(), timeZone.defaultTimeZone()));
        List<RetrievedMemory> memories = found.memories().stream()
                .map(scored -> new RetrievedMemory(JsonMapping.entry(scored.entry()), scored.similarity()))
                .toList();
        List<String> formatted = found.memories().stream().map(scored -> scored.entry().formatted()).toList();
        return new RetrieveResponse(memories, formatted, JsonMapping.strategy(found.strategy()), found.truncated());
    }

    @Funq("GetMemory")
    public GetMemoryResponse getMemory(GetMemoryRequest request) {
        JsonMapping.required(request, "GetMemory");
        return new GetMemoryResponse(JsonMapping.entry(lookup.get(callers.owner(request.userId(), Permission.MEMORIES_READ), request.memoryId())));
    }

    @Funq("ListMemories")
    public ListMemoriesResponse listMemories(ListMemoriesRequest request) {
        JsonMapping.required(request, "ListMemories");
        MemoryLookup.Page page = lookup.list(callers.owner(request.userId(), Permission.MEMORIES_READ), request.pageSize(), JsonMapping.text(request.pageToken()));
        return new ListMemoriesResponse(JsonMapping.entries(page.entries()), page.nextPageToken());
    }
}
