package io.github.rwrouting.autoconfigure.jpa;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface NoteRepository extends JpaRepository<Note, Long> {

	@Query(value = "select inet_server_port()", nativeQuery = true)
	int serverPort();

	long countByText(String text);

	@Query(value = "select pg_terminate_backend(pg_backend_pid())", nativeQuery = true)
	boolean terminateOwnSession();

}
