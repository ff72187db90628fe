package io.github.rwrouting.autoconfigure.jpa;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface NoteRepository extends JpaRepository<Note, Long> {

	@Query(value = "select inet_server_port()", nativeQuery = true)
	int serverPort();

	long countByText(String text);

	List<Note> findByTextStartingWith(String prefix);

	@Query("select n from Note n where n.text like concat(?1, '%')")
	List<Note> findWithQueryStartingWith(String prefix);

	@Query(value = "select pg_terminate_backend(pg_backend_pid())", nativeQuery = true)
	boolean terminateOwnSession();

}
