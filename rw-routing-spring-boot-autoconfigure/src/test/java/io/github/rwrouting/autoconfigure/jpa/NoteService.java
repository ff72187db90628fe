package io.github.rwrouting.autoconfigure.jpa;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

@Service
public class NoteService {

	private final NoteRepository notes;

	NoteService(NoteRepository notes) {
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
	public void createInReadOnly(String text) {
		this.notes.save(new Note(text));
	}

}
