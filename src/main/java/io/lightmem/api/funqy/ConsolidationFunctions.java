package io.lightmem.api.funqy;

import io.lightmem.api.funqy.Messages.ConstructUpdateQueueRequest;
import io.lightmem.api.funqy.Messages.ConstructUpdateQueueResponse;
import io.lightmem.api.funqy.Messages.ListHistoryRequest;
import io.lightmem.api.funqy.Messages.ListHistoryResponse;
import io.lightmem.api.funqy.Messages.OfflineUpdateRequest;
import io.lightmem.api.funqy.Messages.OfflineUpdateResponse;
import io.lightmem.api.funqy.Messages.RunConsolidationRequest;
import io.lightmem.api.funqy.Messages.RunConsolidationResponse;
import io.lightmem.api.funqy.Messages.UndoChangeRequest;
import io.lightmem.api.funqy.Messages.UndoChangeResponse;
import io.lightmem.auth.Caller;
import io.lightmem.auth.Callers;
import io.lightmem.auth.Permission;
import io.lightmem.consolidate.ConsolidationScheduler;
import io.lightmem.consolidate.Consolidator;
import io.lightmem.consolidate.HistoryService;
import io.lightmem.consolidate.UpdateQueueBuilder;
import io.quarkus.funqy.Funq;
import jakarta.inject.Singleton;

/** Consolidation (docs/design.md, "Consolidation"), its history, and the periodic pass as functions. */
@Singleton
public class ConsolidationFunctions {

    private final UpdateQueueBuilder queueBuilder;
    private final Consolidator consolidator;
    private final HistoryService history;
    private final ConsolidationScheduler scheduler;
    private final Callers callers;

    public ConsolidationFunctions(UpdateQueueBuilder queueBuilder, Consolidator consolidator, HistoryService history,
            ConsolidationScheduler scheduler, Callers callers) {
        this.callers = callers;
        this.queueBuilder = queueBuilder;
        this.consolidator = consolidator;
        this.history = history;
        this.scheduler = scheduler;
    }

    @Funq("ConstructUpdateQueue")
    public ConstructUpdateQueueResponse constructUpdateQueue(ConstructUpdateQueueRequest request) {
        JsonMapping.required(request, "ConstructUpdateQueue");
        UpdateQueueBuilder.Built built = queueBuilder.construct(callers.owner(request.userId(), Permission.CONSOLIDATE), request.topK(), request.keepTopN());
        return new ConstructUpdateQueueResponse(built.entries(), built.queueRows(), built.runId(), built.elapsedMs());
    }

    @Funq("OfflineUpdate")
    public OfflineUpdateResponse offlineUpdate(OfflineUpdateRequest request) {
        JsonMapping.required(request, "OfflineUpdate");
        return JsonMapping.updateRun(consolidator.offlineUpdate(callers.owner(request.userId(), Permission.CONSOLIDATE), request.scoreThreshold()));
    }

    @Funq("ListHistory")
    public ListHistoryResponse listHistory(ListHistoryRequest request) {
        JsonMapping.required(request, "ListHistory");
        return new ListHistoryResponse(history.list(callers.owner(request.userId(), Permission.MEMORIES_READ), JsonMapping.text(request.memoryId()),
                request.limit()).stream().map(JsonMapping::change).toList());
    }

    @Funq("UndoChange")
    public UndoChangeResponse undoChange(UndoChangeRequest request) {
        JsonMapping.required(request, "UndoChange");
        HistoryService.Undone undone = history.undo(callers.owner(request.userId(), Permission.MEMORIES_WRITE), request.changeId());
        return new UndoChangeResponse(JsonMapping.entry(undone.entry()), JsonMapping.change(undone.change()));
    }

    /**
     * One pass of the scheduled consolidation over the users due (what a tick of
     * lightmem.consolidation.schedule.* does), for a Knative PingSource or any other outside timer.
     * The request is the empty object {} (a PingSource needs contentType application/json and data {}).
     * Needs the consolidate scope; works on the caller's tenant, or on every tenant for the bootstrap key.
     */
    @Funq("RunConsolidation")
    public RunConsolidationResponse runConsolidation(RunConsolidationRequest request) {
        Caller caller = callers.require(Permission.CONSOLIDATE);
        ConsolidationScheduler.Pass pass = scheduler.runPass(caller.allTenants() ? null : caller.tenantId());
        return new RunConsolidationResponse(pass.consolidated(), pass.busy(), pass.failed(), pass.moreDue());
    }
}
