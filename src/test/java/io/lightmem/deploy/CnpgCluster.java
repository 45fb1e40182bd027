package io.lightmem.deploy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.List;
import java.util.Map;

/**
 * The fields of CloudNativePG's {@code postgresql.cnpg.io/v1} Cluster this repository uses, as
 * CNPG's API reference names them (no Java model of CNPG is published on Maven Central). Read
 * strictly, like every other manifest: a misspelt or unknown field fails the parse.
 */
record CnpgCluster(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    record Spec(Integer instances, String imageName, Postgresql postgresql, Bootstrap bootstrap, Storage storage,
            ResourceRequirements resources, Boolean enableSuperuserAccess) {
    }

    record Postgresql(Map<String, String> parameters) {
    }

    record Bootstrap(InitDb initdb) {
    }

    record InitDb(String database, String owner, SecretRef secret, List<String> postInitSQL,
            List<String> postInitApplicationSQL, List<String> postInitTemplateSQL) {
    }

    record SecretRef(String name) {
    }

    record Storage(String size, String storageClass) {
    }
}
