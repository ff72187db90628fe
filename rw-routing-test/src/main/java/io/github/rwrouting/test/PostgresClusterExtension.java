package io.github.rwrouting.test;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit Jupiter extension behind {@link ReplicatedPostgres}: starts one {@link PostgresCluster} per
 * annotated test class, keeps it in that class's {@link ExtensionContext.Store} (which closes it when the class
 * is done) and resolves {@link PostgresCluster} parameters.
 */
public final class PostgresClusterExtension extends ClassClusterExtension<ReplicatedPostgres, PostgresCluster> {

    /** Created by JUnit. */
    public PostgresClusterExtension() {
        super(ReplicatedPostgres.class, PostgresCluster.class);
    }

    @Override
    PostgresCluster start(ReplicatedPostgres config) {
        PostgresCluster.Builder builder = PostgresCluster.builder().replicas(config.replicas())
                .synchronousStandby(config.synchronousStandby()).database(config.database());
        for (String setting : config.settings()) {
            String[] nameAndValue = nameAndValue(setting, ReplicatedPostgres.class);
            builder.setting(nameAndValue[0], nameAndValue[1]);
        }
        return builder.start();
    }
}
