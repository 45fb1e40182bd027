package io.lightmem.api.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A request whose string field is not valid UTF-8 is refused with INVALID_ARGUMENT naming the field
 * (e.g. {@code messages[2].content}). protobuf refuses such a message while gRPC parses it, before any
 * service code runs, and gRPC then reports the call as an application error (UNKNOWN) without saying
 * why: so a service's requests are taken as bytes ({@link ServerInterceptors#useMarshalledMessages}),
 * checked here, and parsed by the service's own marshaller afterwards.
 */
final class Utf8Requests implements ServerInterceptor {

    /** Request message type per full method name. */
    private final Map<String, Descriptor> requestTypes = new HashMap<>();

    private Utf8Requests(ServerServiceDefinition service) {
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            if (method.getMethodDescriptor().getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                    && proto.getMessagePrototype() instanceof Message prototype) {
                requestTypes.put(method.getMethodDescriptor().getFullMethodName(), prototype.getDescriptorForType());
            }
        }
    }

    /**
     * The service, checking every request's strings before it is parsed. The requests are taken as
     * byte arrays, read while the transport still holds them: a call dispatched to a worker thread
     * (@Blocking) gets its message after the transport has released its buffers.
     */
    static ServerServiceDefinition checked(ServerServiceDefinition service) {
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, BYTES),
                new Utf8Requests(service));
    }

    /** Messages as their bytes, unparsed (also what tests send malformed requests with). */
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        Descriptor type = requestTypes.get(call.getMethodDescriptor().getFullMethodName());
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                String field = type == null ? null : invalidField(type, (byte[]) message);
                if (field != null) {
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription(field
                            + ": is not valid UTF-8; send text as well-formed UTF-8"), new Metadata());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) {
                    super.onHalfClose();
                }
            }
        };
    }

    /** The first string field (path like messages[2].content) that is not valid UTF-8, or null. */
    static String invalidField(Descriptor type, byte[] message) {
        try {
            return invalidField(type, CodedInputStream.newInstance(message), "");
        } catch (IOException e) {
            return null; // not a well-formed message at all: the service's parser reports that
        }
    }

    private static String invalidField(Descriptor type, CodedInputStream in, String prefix) throws IOException {
        Map<Integer, Integer> seen = new HashMap<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
            boolean delimited = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (field == null || !delimited || field.getJavaType() != FieldDescriptor.JavaType.STRING
                    && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                in.skipField(tag);
                continue;
            }
            int index = seen.merge(field.getNumber(), 1, Integer::sum) - 1;
            String name = prefix + field.getName() + (field.isRepeated() ? "[" + index + "]" : "");
            ByteString value = in.readBytes();
            if (field.getJavaType() == FieldDescriptor.JavaType.STRING) {
                if (!value.isValidUtf8()) {
                    return name;
                }
            } else {
                String inner = invalidField(field.getMessageType(), value.newCodedInput(), name + ".");
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }
}
