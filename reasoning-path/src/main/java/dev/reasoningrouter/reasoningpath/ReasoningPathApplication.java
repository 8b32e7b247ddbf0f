package dev.reasoningrouter.reasoningpath;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Full-activation generation with chain-of-thought and a verification loop. */
@SpringBootApplication
public class ReasoningPathApplication {
    public static void main(String[] args) {
        SpringApplication.run(ReasoningPathApplication.class, args);
    }
}
