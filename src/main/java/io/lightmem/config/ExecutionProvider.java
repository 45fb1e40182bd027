package io.lightmem.config;

/** Where ONNX Runtime runs a model. */
public enum ExecutionProvider {
    cpu, cuda
}
