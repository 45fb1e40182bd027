package io.lightmem.model;

/** Where ONNX Runtime runs a model. */
public enum ExecutionProvider {
    cpu, cuda
}
