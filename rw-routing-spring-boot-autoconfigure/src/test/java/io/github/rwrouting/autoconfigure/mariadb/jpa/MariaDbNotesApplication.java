package io.github.rwrouting.autoconfigure.mariadb.jpa;

import java.util.List;

import io.github.rwrouting.autoconfigure.jpa.Note;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The notes web application of the PostgreSQL JPA tests on MariaDB (the same entity; the server's
 * port from {@code @@port}): Spring Data JPA, Flyway, open-session-in-view and Actuator.
 */
@SpringBootApplication
@EntityScan(basePackageClasses = Note.class)
public class MariaDbNotesApplication {

	@Service
	public static class NoteService {

		private final MariaDbNoteRepository notes;

		NoteService(MariaDbNoteRepository notes) {
			this.notes = notes;
		}

		@Transactional
		public int create(String text) {
			this.notes.save(new Note(text));
			return this.notes.serverPort();
		}

		@Transactional(readOnly = true)
		public int readPort() {
			return this.notes.serverPort();
		}

		@Transactional(readOnly = true)
		public long count(String text) {
			return this.notes.countByText(text);
		}

		@Transactional(readOnly = true)
		public void createInReadOnly(String text) {
			this.notes.saveAndFlush(new Note(text));
		}

	}

	@RestController
	static class NoteController {

		private final NoteService service;

		NoteController(NoteService service) {
			this.service = service;
		}

		/**
		 * A write then a read in one request: with open-session-in-view both transactions share one
		 * EntityManager, and the read must still go to a replica.
		 */
		@PostMapping("/notes/write-then-read")
		List<Integer> writeThenRead(@RequestParam String text) {
			return List.of(this.service.create(text), this.service.readPort());
		}

		@GetMapping("/notes/read-then-write")
		List<Integer> readThenWrite(@RequestParam String text) {
			return List.of(this.service.readPort(), this.service.create(text));
		}

		@PostMapping("/notes")
		int create(@RequestParam String text) {
			return this.service.create(text);
		}

		@GetMapping("/notes/count")
		long count(@RequestParam String text) {
			return this.service.count(text);
		}

		@GetMapping("/notes/read")
		int read() {
			return this.service.readPort();
		}

	}

}
