package dev.reasoningrouter.fastpath;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Low-activation generation: few routed experts per token, latency first. */
@SpringBootApplication
public class FastPathApplication {
    public static void main(String[] args) {
        SpringApplication.run(FastPathApplication.class, args);
    }
}
