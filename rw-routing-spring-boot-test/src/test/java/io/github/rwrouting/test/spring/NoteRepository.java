package io.github.rwrouting.test.spring;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface NoteRepository extends JpaRepository<Note, Long> {

	@Query(value = "select inet_server_port()", nativeQuery = true)
	int serverPort();

}
