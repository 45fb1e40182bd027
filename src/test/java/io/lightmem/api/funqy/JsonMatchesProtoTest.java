package io.lightmem.api.funqy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.lightmem.v1.AdminServiceProto;
import io.lightmem.v1.MemoryServiceProto;
import io.quarkus.funqy.Funq;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The functions' JSON (Messages) and the gRPC API (proto/lightmem/v1/memory_service.proto and
 * admin_service.proto) are one
 * API in two encodings: every RPC is a function taking and returning the records named like its
 * messages, every proto field has a JSON property of its snake_case name and a compatible type, and
 * no JSON property lacks its field. The deliberate differences are listed here, each with its reason.
 */
class JsonMatchesProtoTest {

    /** Records of Messages with no proto message, and why. */
    private static final Map<String, String> JSON_ONLY_RECORDS = Map.of(
            "RunConsolidationRequest", "RunConsolidation is a function only: the trigger of one scheduled"
                    + " consolidation pass for an event source (e.g. a Knative PingSource), not a client call",
            "RunConsolidationResponse", "the answer of that function only");

    /** Proto fields carried by a JSON property of another name and type, and why. */
    private static final Map<String, String> JSON_RENAMED_FIELDS = Map.of(
            "AuditLogEntry.details_json", "details: an object in JSON; protobuf, which has no free-form"
                    + " object but Struct, carries the same object as JSON text");

    /** The classes holding the functions (a new one is added here, or its RPCs are reported missing). */
    private static final List<Class<?>> FUNCTION_CLASSES = List.of(IngestFunctions.class, RetrievalFunctions.class,
            ConsolidationFunctions.class, AccountFunctions.class, InstanceFunctions.class, AdminFunctions.class);

    /**
     * The services that are functions too, with the file declaring their messages. PortabilityService
     * is not: its calls are streams, served over HTTP as JSON lines in the proto JSON mapping itself
     * (PortabilityRoutes), so there are no records to keep in step.
     */
    private static final List<ServiceDescriptor> SERVICES = List.of(
            MemoryServiceProto.getDescriptor().findServiceByName("MemoryService"),
            AdminServiceProto.getDescriptor().findServiceByName("AdminService"));

    private static List<Descriptor> messageTypes() {
        return SERVICES.stream().flatMap(service -> service.getFile().getMessageTypes().stream()).toList();
    }

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyRpcIsAFunctionOfTheSameNameOverTheRecordsNamedLikeItsMessages() {
        Map<String, Method> functions = new LinkedHashMap<>();
        for (Class<?> holder : FUNCTION_CLASSES) {
            for (Method method : holder.getMethods()) {
                Funq funq = method.getAnnotation(Funq.class);
                if (funq != null) {
                    functions.put(funq.value().isEmpty() ? method.getName() : funq.value(), method);
                }
            }
        }

        List<String> problems = new ArrayList<>();
        for (MethodDescriptor rpc : SERVICES.stream().flatMap(service -> service.getMethods().stream()).toList()) {
            Method function = functions.get(rpc.getName());
            if (function == null) {
                problems.add(rpc.getName() + ": no @Funq(\"" + rpc.getName() + "\") in " + FUNCTION_CLASSES);
                continue;
            }
            if (function.getParameterCount() == 0 || !isRecordOf(function.getParameterTypes()[0], rpc.getInputType())) {
                problems.add(rpc.getName() + ": takes " + Arrays.toString(function.getParameterTypes()) + ", not Messages."
                        + rpc.getInputType().getName());
            }
            if (!isRecordOf(function.getReturnType(), rpc.getOutputType())) {
                problems.add(rpc.getName() + ": returns " + function.getReturnType().getSimpleName() + ", not Messages."
                        + rpc.getOutputType().getName());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyProtoMessageHasARecordAndEveryRecordAMessageOrAReason() {
        Set<String> messages = messageTypes().stream().map(Descriptor::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> records = Arrays.stream(Messages.class.getClasses()).filter(Class::isRecord).map(Class::getSimpleName)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(records).containsAll(messages);
        Set<String> jsonOnly = new TreeSet<>(records);
        jsonOnly.removeAll(messages);
        assertThat(jsonOnly).isEqualTo(JSON_ONLY_RECORDS.keySet());
    }

    @Test
    void everyFieldHasAJsonPropertyOfItsNameAndACompatibleTypeAndNoPropertyLacksAField() {
        List<String> problems = new ArrayList<>();
        for (Descriptor message : messageTypes()) {
            Optional<Class<?>> record = record(message.getName());
            if (record.isEmpty()) {
                continue; // reported by the test above
            }
            Map<String, JavaType> properties = properties(record.get());
            for (FieldDescriptor field : message.getFields()) {
                String renamed = JSON_RENAMED_FIELDS.get(message.getName() + "." + field.getName());
                if (renamed != null) {
                    properties.remove(renamed.substring(0, renamed.indexOf(':')));
                    continue;
                }
                JavaType property = properties.remove(field.getName());
                if (property == null) {
                    problems.add(message.getName() + "." + field.getName() + ": no JSON property of that name");
                } else {
                    compatibility(field, property).ifPresent(problem -> problems.add(message.getName() + "."
                            + field.getName() + ": " + problem));
                }
            }
            properties.keySet().forEach(extra -> problems.add(message.getName() + "." + extra
                    + ": a JSON property without a proto field"));
        }
        assertThat(problems).isEmpty();
    }

    /** The JSON properties of a record, as Jackson reads and writes them, by name. */
    private Map<String, JavaType> properties(Class<?> record) {
        Map<String, JavaType> properties = new LinkedHashMap<>();
        for (BeanPropertyDefinition property : json.getDeserializationConfig()
                .introspect(json.constructType(record)).findProperties()) {
            properties.put(property.getName(), property.getPrimaryType());
        }
        return properties;
    }

    /**
     * Why the JSON type cannot carry the field, if it cannot. Scalars map as the proto3 JSON mapping
     * does, except that 64-bit integers are JSON numbers here (the mapping writes them as strings);
     * enums are their value names as strings; a Timestamp is an ISO-8601 string (Instant in responses);
     * a Duration is the mapping's string of seconds ("32400s");
     * a field with explicit presence (proto3 optional) must be nullable, so "left out" stays distinct.
     */
    private Optional<String> compatibility(FieldDescriptor field, JavaType type) {
        if (field.isMapField()) {
            Descriptor entry = field.getMessageType();
            return type.isMapLikeType() && accepts(entry.findFieldByName("key"), type.getKeyType())
                    && accepts(entry.findFieldByName("value"), type.getContentType())
                    ? Optional.empty() : Optional.of("a map field, but JSON type " + type);
        }
        if (field.isRepeated()) {
            return type.isCollectionLikeType() && accepts(field, type.getContentType())
                    ? Optional.empty() : Optional.of("a repeated " + field.getType() + ", but JSON type " + type);
        }
        if (!accepts(field, type)) {
            return Optional.of(field.getType() + " does not fit JSON type " + type);
        }
        if (field.hasPresence() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE && type.isPrimitive()) {
            return Optional.of("optional in the proto, but the primitive " + type + " cannot be left out");
        }
        return Optional.empty();
    }

    /** Whether a JSON value of {@code type} carries one value of the field's element type. */
    private static boolean accepts(FieldDescriptor field, JavaType type) {
        Class<?> raw = type.getRawClass();
        return switch (field.getJavaType()) {
            case STRING, ENUM -> raw == String.class;
            case BOOLEAN -> raw == boolean.class || raw == Boolean.class;
            case INT -> raw == int.class || raw == Integer.class;
            case LONG -> raw == long.class || raw == Long.class;
            case DOUBLE -> raw == double.class || raw == Double.class;
            case FLOAT -> raw == float.class || raw == Float.class;
            case MESSAGE -> field.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())
                    ? raw == Instant.class || raw == String.class
                    : field.getMessageType().getFullName().equals(Duration.getDescriptor().getFullName())
                            ? raw == String.class
                            : isRecordOf(raw, field.getMessageType());
            case BYTE_STRING -> false;
        };
    }

    /** Whether the class is the record of Messages named like the proto message. */
    private static boolean isRecordOf(Class<?> type, Descriptor message) {
        return type.getEnclosingClass() == Messages.class && type.getSimpleName().equals(message.getName());
    }

    private static Optional<Class<?>> record(String name) {
        return Arrays.stream(Messages.class.getClasses()).filter(c -> c.getSimpleName().equals(name)).findFirst();
    }
}
