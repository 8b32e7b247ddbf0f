package dev.reasoningrouter.pathserving.power;

import java.util.OptionalDouble;

/** Energy the machine's compute used since the service started, where the machine reports it. */
public interface EnergyMeter {

    /** Where the figure comes from, e.g. "gpu (nvidia-smi)", or why there is none. */
    String source();

    /** Joules since start, or empty when this machine does not report energy. */
    OptionalDouble joules();

    /** The latest power draw in watts, or empty. */
    OptionalDouble watts();

    static EnergyMeter none(String reason) {
        return new EnergyMeter() {
            @Override
            public String source() {
                return "none: " + reason;
            }

            @Override
            public OptionalDouble joules() {
                return OptionalDouble.empty();
            }

            @Override
            public OptionalDouble watts() {
                return OptionalDouble.empty();
            }
        };
    }
}
