package io.github.rwrouting.test.spring;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import io.github.rwrouting.test.PostgresCluster;

/**
 * What {@link AutoConfigureReplicatedPostgres} asks for, as a value: part of the test context's
 * cache key, so that equal settings share a context and its cluster.
 *
 * @param replicas the number of standbys
 * @param synchronousStandby whether the first standby is synchronous
 * @param settings extra server settings as {@code name=value}
 * @param database the database
 * @author rw-routing
 */
record ClusterSettings(int replicas, boolean synchronousStandby, List<String> settings, String database) {

	static ClusterSettings of(AutoConfigureReplicatedPostgres annotation) {
		return new ClusterSettings(annotation.replicas(), annotation.synchronousStandby(),
				List.copyOf(Arrays.asList(annotation.settings())), annotation.database());
	}

	PostgresCluster start() {
		PostgresCluster.Builder builder = PostgresCluster.builder()
			.replicas(this.replicas)
			.synchronousStandby(this.synchronousStandby)
			.database(this.database)
			// The context closes the cluster (the bean's destroy), at JVM exit too: the TestContext
			// framework registers a shutdown hook per context. Closed by rw-routing-test's own hook
			// as well, it would stop under the closing context's pools and monitor.
			.closedAtJvmExit(false);
		for (String setting : this.settings) {
			int equals = setting.indexOf('=');
			if (equals <= 0) {
				throw new IllegalStateException(
						"@AutoConfigureReplicatedPostgres setting is not name=value: " + setting);
			}
			builder.setting(setting.substring(0, equals).strip(), setting.substring(equals + 1).strip());
		}
		return builder.start();
	}

	/**
	 * The reader names, which are the standbys' node names.
	 */
	List<String> readerNames() {
		return IntStream.rangeClosed(1, this.replicas)
			.mapToObj((index) -> PostgresCluster.REPLICA_NAME_PREFIX + index)
			.toList();
	}

}
