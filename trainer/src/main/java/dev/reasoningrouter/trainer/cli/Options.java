package dev.reasoningrouter.trainer.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The trainer CLI's options: {@code --name value} pairs and bare {@code --flag}s; unknown names are an error. */
final class Options {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();

    Options(String[] args, int from, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() < 3) {
                throw new UsageException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            if (flags.contains(name)) {
                values.put(name, "true");
            } else if (i + 1 < args.length) {
                values.put(name, args[++i]);
            } else {
                throw new UsageException("option --" + name + " needs a value");
            }
        }
    }

    String text(String name, String fallback) {
        read.add(name);
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String v = text(name, null);
        if (v == null) {
            throw new UsageException("missing --" + name);
        }
        return v;
    }

    Path path(String name) {
        return Path.of(required(name));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(text(name, "false"));
    }

    int integer(String name, int fallback) {
        return parsed(name, fallback, Integer::parseInt, "a whole number");
    }

    long whole(String name, long fallback) {
        return parsed(name, fallback, Long::parseLong, "a whole number");
    }

    double real(String name, double fallback) {
        return parsed(name, fallback, Double::parseDouble, "a number");
    }

    private <T> T parsed(String name, T fallback, java.util.function.Function<String, T> parse, String what) {
        String v = text(name, null);
        try {
            return v == null ? fallback : parse.apply(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes " + what + ", got '" + v + "'");
        }
    }

    /** Fails on options nobody asked for (typos). Call after reading all. */
    void rejectUnknown() {
        for (String name : values.keySet()) {
            if (!read.contains(name)) {
                throw new UsageException("unknown option --" + name);
            }
        }
    }
}
