package io.lightmem.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.lightmem.config.ExecutionProvider;

/** ONNX Runtime session options shared by the in-process models. */
public final class OnnxSessions {

    private OnnxSessions() {
    }

    /**
     * Options for the given execution provider. Asking for CUDA where the GPU build of ONNX Runtime
     * or the CUDA libraries are missing fails here, at start-up, instead of silently using the CPU.
     */
    public static OrtSession.SessionOptions options(ExecutionProvider provider, int deviceId, int intraOpThreads) {
        // The environment registers ONNX Runtime's logger: without it, a failing addCUDA reports
        // "Attempt to use DefaultLogger but none has been registered" instead of its reason.
        OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                options.setIntraOpNumThreads(intraOpThreads);
            }
            if (provider == ExecutionProvider.cuda) {
                options.addCUDA(deviceId);
            }
            return options;
        } catch (OrtException e) {
            options.close();
            throw new IllegalStateException("execution provider " + provider + " is not available: " + e.getMessage()
                    + (provider == ExecutionProvider.cuda
                            ? " (CUDA needs the onnxruntime_gpu artifact and CUDA 12 + cuDNN 9 on the node)"
                            : ""), e);
        }
    }
}
