package io.github.rwrouting.testcontainers;

import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL image the containers run: {@code rw-routing/postgres:15}, built locally by
 * {@code rw-routing-testcontainers/src/docker/build-images.sh} (Debian's PostgreSQL on a
 * debootstrap-built base, no registry needed), or another image with the same entrypoint contract named
 * by the system property {@value #IMAGE_PROPERTY}. The official {@code postgres} image serves as a
 * primary, not as a replica: cloning a standby with {@code pg_basebackup} is this image's addition.
 *
 * @author rw-routing
 */
public final class PostgresImages {

	/**
	 * The system property naming another image.
	 */
	public static final String IMAGE_PROPERTY = "rw-routing.testcontainers.postgres-image";

	/**
	 * The image built by {@code build-images.sh}.
	 */
	public static final String DEFAULT_IMAGE = "rw-routing/postgres:15";

	private PostgresImages() {
	}

	/**
	 * The image to run, declared a substitute for {@code postgres} so that Testcontainers' and Spring
	 * Boot's PostgreSQL support accept it.
	 * @return the image name
	 */
	public static DockerImageName postgres() {
		return DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
			.asCompatibleSubstituteFor("postgres");
	}

}
