package io.github.rwrouting.autoconfigure.mariadb.jpa;

import io.github.rwrouting.autoconfigure.jpa.Note;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface MariaDbNoteRepository extends JpaRepository<Note, Long> {

	@Query(value = "select @@port", nativeQuery = true)
	int serverPort();

	long countByText(String text);

}
