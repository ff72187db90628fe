package io.github.rwrouting.testcontainers;

import org.testcontainers.utility.DockerImageName;

/**
 * The MariaDB image the containers run: {@code rw-routing/mariadb:10.11}, built locally by
 * {@code rw-routing-testcontainers/src/docker/build-images.sh} (Debian's MariaDB on a debootstrap-built
 * base, no registry needed), or another image with the same entrypoint contract named by the system
 * property {@value #IMAGE_PROPERTY}. The replication variables ({@code MARIADB_REPLICATION_USER},
 * {@code MARIADB_REPLICATION_PASSWORD}, {@code MARIADB_MASTER_HOST}) are named as in the official
 * {@code mariadb} image; running the official image here is not tested.
 *
 * @author rw-routing
 */
public final class MariaDbImages {

	/**
	 * The system property naming another image.
	 */
	public static final String IMAGE_PROPERTY = "rw-routing.testcontainers.mariadb-image";

	/**
	 * The image built by {@code build-images.sh}.
	 */
	public static final String DEFAULT_IMAGE = "rw-routing/mariadb:10.11";

	private MariaDbImages() {
	}

	/**
	 * The image to run, declared a substitute for {@code mariadb} so that Testcontainers' MariaDB
	 * support accepts it.
	 * @return the image name
	 */
	public static DockerImageName mariadb() {
		return DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
			.asCompatibleSubstituteFor("mariadb");
	}

}
