package dev.reasoningrouter.kafka;

/**
 * Entry point of the broker process: {@code BrokerMain [--exit-with-parent PID] server.properties}.
 * With a parent PID the broker exits when that process is gone, so a test JVM that dies never leaves
 * an orphan broker behind. Runs {@code kafka.Kafka} through reflection: this module does not compile
 * against the broker.
 */
public final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) throws Exception {
        int i = 0;
        if (args.length >= 2 && args[0].equals("--exit-with-parent")) {
            long parent = Long.parseLong(args[1]);
            Thread watcher = Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
                while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                System.err.println("parent process " + parent + " is gone; stopping the broker");
                System.exit(0);
            });
            watcher.setUncaughtExceptionHandler((t, e) -> e.printStackTrace());
            i = 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, i, args.length);
        Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) rest);
    }
}
