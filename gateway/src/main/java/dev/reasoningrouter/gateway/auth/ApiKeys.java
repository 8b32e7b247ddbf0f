package dev.reasoningrouter.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The configured API keys, held only as SHA-256 hashes. A presented key is hashed and compared with every stored hash
 * in constant time ({@link MessageDigest#isEqual}), all of them every time, so neither the comparison nor the number
 * of comparisons says how close a guess was.
 */
public final class ApiKeys {
    /** Shortest key accepted in configuration: anything shorter is guessable. */
    public static final int MIN_KEY_LENGTH = 16;
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    private record Entry(byte[] hash, Caller caller) {}

    private final List<Entry> entries;
    private final LimitProperties limits;

    public ApiKeys(AuthProperties auth, LimitProperties limits) {
        this.limits = limits;
        List<Entry> list = new ArrayList<>();
        if (auth.apiKeys() != null) {
            for (String raw : auth.apiKeys().split(",")) {
                String key = raw.trim();
                if (key.isEmpty()) {
                    continue;
                }
                byte[] hash = sha256(checked(key, "rr.auth.api-keys (RR_API_KEYS)"));
                list.add(new Entry(hash, new Caller("key-" + HexFormat.of().formatHex(hash, 0, 4), limits.requestsPerMinute(),
                        limits.tokensPerMinute())));
            }
        }
        for (int i = 0; i < auth.keys().size(); i++) {
            AuthProperties.KeySettings k = auth.keys().get(i);
            String where = "rr.auth.keys[" + i + "]";
            if (k.name() == null || k.name().isBlank()) {
                throw new IllegalArgumentException(where + ".name is required");
            }
            byte[] hash;
            if (k.sha256() != null && !k.sha256().isBlank()) {
                if (!HEX64.matcher(k.sha256().trim()).matches()) {
                    throw new IllegalArgumentException(where + ".sha256 must be 64 hex digits (the key's SHA-256)");
                }
                hash = HexFormat.of().parseHex(k.sha256().trim().toLowerCase(java.util.Locale.ROOT));
            } else if (k.key() != null && !k.key().isBlank()) {
                hash = sha256(checked(k.key().trim(), where + ".key"));
            } else {
                throw new IllegalArgumentException(where + " needs a key or its sha256");
            }
            long rpm = k.requestsPerMinute() != null ? k.requestsPerMinute() : limits.requestsPerMinute();
            long tpm = k.tokensPerMinute() != null ? k.tokensPerMinute() : limits.tokensPerMinute();
            if (rpm < 0 || tpm < 0) {
                throw new IllegalArgumentException(where + ": limits must be >= 0 (0: no limit)");
            }
            list.add(new Entry(hash, new Caller(k.name().trim(), rpm, tpm)));
        }
        this.entries = List.copyOf(list);
    }

    /** True when no key is configured: every request is let in as {@link Caller#ANONYMOUS_NAME}. */
    public boolean open() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    public Caller anonymous() {
        return new Caller(Caller.ANONYMOUS_NAME, limits.requestsPerMinute(), limits.tokensPerMinute());
    }

    /** The caller whose key this is, or empty. */
    public Optional<Caller> authenticate(String presented) {
        byte[] hash = sha256(presented);
        Caller match = null;
        for (Entry e : entries) {
            // no early exit: every stored hash is compared, whichever matches
            if (MessageDigest.isEqual(e.hash(), hash) && match == null) {
                match = e.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    private static String checked(String key, String where) {
        if (key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException(where + ": an API key must have at least " + MIN_KEY_LENGTH + " characters");
        }
        return key;
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
