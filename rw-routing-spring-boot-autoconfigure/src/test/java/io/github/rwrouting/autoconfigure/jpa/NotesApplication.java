package io.github.rwrouting.autoconfigure.jpa;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class NotesApplication {

}
