package dev.reasoningrouter.engine.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Minimal "--key value" / "--flag" / positional argument parsing, with clear errors. */
final class Args {
    final List<String> positional = new ArrayList<>();
    private final Map<String, List<String>> options = new HashMap<>();
    private final Set<String> used = new HashSet<>();

    Args(String[] argv, int from, Set<String> flags) {
        for (int i = from; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String key = a.substring(2);
                String value;
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    value = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else if (flags.contains(key)) {
                    value = "true";
                } else {
                    if (i + 1 >= argv.length) {
                        throw new CliException("option --" + key + " needs a value");
                    }
                    value = argv[++i];
                }
                options.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } else {
                positional.add(a);
            }
        }
    }

    String get(String key) {
        used.add(key);
        List<String> v = options.get(key);
        return v == null ? null : v.getLast();
    }

    String get(String key, String dflt) {
        String v = get(key);
        return v == null ? dflt : v;
    }

    String require(String key) {
        String v = get(key);
        if (v == null) {
            throw new CliException("missing required option --" + key);
        }
        return v;
    }

    boolean flag(String key) {
        return "true".equals(get(key));
    }

    int intOpt(String key, int dflt) {
        String v = get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("option --" + key + " expects an integer, got '" + v + "'");
        }
    }

    long longOpt(String key, long dflt) {
        String v = get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("option --" + key + " expects an integer, got '" + v + "'");
        }
    }

    double doubleOpt(String key, double dflt) {
        String v = get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new CliException("option --" + key + " expects a number, got '" + v + "'");
        }
    }

    String positional(int i, String what) {
        if (positional.size() <= i) {
            throw new CliException("missing " + what);
        }
        return positional.get(i);
    }

    /** Fails on options the command did not read (typos). */
    void checkAllUsed() {
        for (String k : options.keySet()) {
            if (!used.contains(k)) {
                throw new CliException("unknown option --" + k);
            }
        }
    }

    static int[] parseTokenList(String s, String what) {
        String[] parts = s.trim().split("[,\\s]+");
        List<Integer> out = new ArrayList<>();
        for (String p : parts) {
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                throw new CliException(what + ": '" + p + "' is not a token id (expected integers separated by commas or spaces)");
            }
        }
        if (out.isEmpty()) {
            throw new CliException(what + " holds no token ids");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
