package dev.reasoningrouter.e2e;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One stack for the whole IT run: the first IT class that needs it starts it ({@code ./rr up} in
 * {@code e2e/target/e2e-stack}, free ports of its own), every later class gets the same one, and JUnit closes it
 * ({@code ./rr down}) when the run ends: the stack lives in the root context's store, whose {@link AutoCloseable}
 * values are closed last. A JVM shutdown hook stops it too, should the run be cut off.
 *
 * <p>Its configuration is the shipped default except for what the suite needs to be deterministic:
 * <ul>
 *   <li>{@code RR_FAST_CONFIDENCE_FLOOR=1}: every fast answer of a request that did not force its route is below
 *   the floor, so escalation (HTTP hint and Kafka cascade) happens exactly for the {@code auto} requests that the
 *   classifier routed fast, and never for forced ({@code model: fast}) ones;</li>
 *   <li>{@code RR_REQUESTS_PER_MINUTE}: the suite sends several hundred requests a minute with one key, over the
 *   default 600 a minute.</li>
 * </ul>
 * {@code -Drr.e2e.stack-env=K=V,K=V} adds or overrides launcher environment variables.
 */
public final class SharedStack implements BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedStack.class);
    private static volatile Holder holder;

    /** The running shared stack; only valid in a class extended with {@code @ExtendWith(SharedStack.class)}. */
    public static LauncherStack stack() {
        Holder h = holder;
        if (h == null || h.stack == null) {
            throw new IllegalStateException("the shared stack is not started: extend the test class with SharedStack");
        }
        return h.stack;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(NAMESPACE).computeIfAbsent("stack", k -> start(), Holder.class);
    }

    private static synchronized Holder start() {
        if (holder != null) {
            return holder;
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RR_FAST_CONFIDENCE_FLOOR", "1");
        env.put("RR_REQUESTS_PER_MINUTE", "100000");
        String extra = System.getProperty("rr.e2e.stack-env", "");
        for (String kv : extra.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                env.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
            }
        }
        long t0 = System.nanoTime();
        Holder h = new Holder();
        Thread hook = new Thread(h::close, "e2e-stack-down");
        Runtime.getRuntime().addShutdownHook(hook);
        h.hook = hook;
        h.stack = LauncherStack.up("e2e-stack", env);
        double seconds = Duration.ofNanos(System.nanoTime() - t0).toMillis() / 1000.0;
        System.out.printf("[e2e] shared stack up in %.1f s%n", seconds);
        Figures.put("stack.up.seconds", seconds);
        holder = h;
        return h;
    }

    /** What the root store holds; closing it is {@code ./rr down}, once. */
    static final class Holder implements AutoCloseable {
        private LauncherStack stack;
        private Thread hook;
        private boolean closed;

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (stack != null) {
                stack.close();
            }
            if (hook != null && Thread.currentThread() != hook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // the JVM is shutting down already
                }
            }
        }
    }
}
