package io.github.rwrouting.autoconfigure.jpa;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class NoteController {

	private final NoteService service;

	private final NoteRepository notes;

	NoteController(NoteService service, NoteRepository notes) {
		this.service = service;
		this.notes = notes;
	}

	/**
	 * A query outside a transaction, a write transaction, and the query again, on the one
	 * EntityManager (and connection) open-session-in-view holds for the request.
	 */
	@PostMapping("/notes/query-write-query")
	List<Integer> queryWriteQuery(@RequestParam String text) {
		return List.of(this.notes.serverPort(), this.service.create(text), this.notes.serverPort());
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

	@GetMapping("/notes/read")
	int read() {
		return this.service.readPort();
	}

}
