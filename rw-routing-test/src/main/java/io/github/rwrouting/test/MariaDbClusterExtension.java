package io.github.rwrouting.test;

import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit Jupiter extension behind {@link ReplicatedMariaDb}: starts one {@link MariaDbCluster} per annotated
 * test class, keeps it in that class's {@link ExtensionContext.Store} (which closes it when the class is done)
 * and resolves {@link MariaDbCluster} parameters.
 */
public final class MariaDbClusterExtension extends ClassClusterExtension<ReplicatedMariaDb, MariaDbCluster> {

    /** Created by JUnit. */
    public MariaDbClusterExtension() {
        super(ReplicatedMariaDb.class, MariaDbCluster.class);
    }

    @Override
    MariaDbCluster start(ReplicatedMariaDb config) {
        MariaDbCluster.Builder builder = MariaDbCluster.builder().replicas(config.replicas())
                .database(config.database());
        for (String setting : config.settings()) {
            String[] nameAndValue = nameAndValue(setting, ReplicatedMariaDb.class);
            builder.setting(nameAndValue[0], nameAndValue[1]);
        }
        return builder.start();
    }
}
