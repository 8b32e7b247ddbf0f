package dev.reasoningrouter.trainer.tasks;

/**
 * The step-by-step forms of the three operations, written so that every line is a small, local change of the line
 * above it: each column step names the digits it adds (the last digits of the operands left on the previous line),
 * the carry or borrow it takes in, what is left of the operands, the carry or borrow it passes on, and the result so
 * far with the new digit in front ({@code r}). A tiny model then never has to align digits across a long distance or
 * reverse a number: it reads the previous line and writes the next.
 *
 * <pre>
 * 4821+795
 * 1+5+0=6 482+79 c0 r6
 * 2+9+0=11 48+7 c1 r16
 * 8+7+1=16 4+0 c1 r616
 * 4+0+1=5 0+0 c0 r5616
 * =5616
 * </pre>
 *
 * All operands are non-negative; a subtraction with a larger right side is written as the negated swap.
 */
final class WorkedArithmetic {
    private WorkedArithmetic() {}

    /** Appends the worked addition {@code a + b} (header, column steps, {@code =result}); returns the sum. */
    static long add(StringBuilder out, long a, long b) {
        requireNonNegative(a, b);
        out.append(a).append('+').append(b).append('\n');
        long x = a, y = b;
        int carry = 0;
        StringBuilder r = new StringBuilder();
        do {
            int dx = (int) (x % 10), dy = (int) (y % 10);
            int s = dx + dy + carry;
            x /= 10;
            y /= 10;
            out.append(dx).append('+').append(dy).append('+').append(carry).append('=').append(s);
            carry = s / 10;
            r.insert(0, (char) ('0' + s % 10));
            out.append(' ').append(x).append('+').append(y).append(" c").append(carry).append(" r").append(r).append('\n');
        } while (x > 0 || y > 0 || carry > 0);
        long sum = a + b;
        out.append('=').append(sum).append('\n');
        return sum;
    }

    /**
     * Appends the worked subtraction {@code a - b}. With {@code a < b} it says so and subtracts the other way round,
     * then negates. Returns the difference.
     */
    static long subtract(StringBuilder out, long a, long b) {
        requireNonNegative(a, b);
        out.append(a).append('-').append(b).append('\n');
        if (a < b) {
            out.append(a).append('<').append(b).append(" so -(").append(b).append('-').append(a).append(")\n");
            long d = columnSubtract(out, b, a);
            out.append('=').append(-d).append('\n');
            return -d;
        }
        long d = columnSubtract(out, a, b);
        out.append('=').append(d).append('\n');
        return d;
    }

    /** Column steps of {@code a - b} for {@code a >= b}. */
    private static long columnSubtract(StringBuilder out, long a, long b) {
        long x = a, y = b;
        int borrow = 0;
        StringBuilder r = new StringBuilder();
        do {
            int dx = (int) (x % 10), dy = (int) (y % 10);
            int d = dx - dy - borrow;
            x /= 10;
            y /= 10;
            out.append(dx).append('-').append(dy).append('-').append(borrow).append('=').append(d);
            if (d < 0) {
                d += 10;
                borrow = 1;
                out.append(" +10=").append(d);
            } else {
                borrow = 0;
            }
            r.insert(0, (char) ('0' + d));
            out.append(' ').append(x).append('-').append(y).append(" b").append(borrow).append(" r").append(r).append('\n');
        } while (x > 0 || y > 0);
        return a - b;
    }

    /**
     * Appends the worked product {@code a * b}: one partial product per digit of the shorter factor (by the
     * single-digit procedure), each shifted into place, then their sum by the addition procedure. Returns the product.
     */
    static long multiply(StringBuilder out, long a, long b) {
        requireNonNegative(a, b);
        out.append(a).append('*').append(b).append('\n');
        long big = a, small = b;
        if (digits(b) > digits(a)) {
            big = b;
            small = a;
            out.append(big).append('*').append(small).append('\n');
        }
        if (small < 10) {
            long p = multiplyDigit(out, big, (int) small);
            out.append('=').append(p).append('\n');
            return p;
        }
        long total = -1;
        long place = 1;
        boolean endsWithSum = false;
        for (long y = small; y > 0; y /= 10, place *= 10) {
            int d = (int) (y % 10);
            if (d == 0) {
                out.append(big).append("*0=0\n");
                endsWithSum = false;
                continue;
            }
            out.append(big).append('*').append(d).append('\n');
            long partial = multiplyDigit(out, big, d);
            out.append('=').append(partial).append('\n');
            if (place > 1) {
                out.append(partial).append('*').append(place).append('=').append(partial * place).append('\n');
                partial *= place;
            }
            endsWithSum = total >= 0;
            total = total < 0 ? partial : add(out, total, partial);
        }
        if (!endsWithSum) {
            out.append('=').append(total).append('\n');
        }
        return total;
    }

    /** Column steps of {@code a * d} for one digit d (no header, no result line); returns the product. */
    private static long multiplyDigit(StringBuilder out, long a, int d) {
        long x = a;
        int carry = 0;
        StringBuilder r = new StringBuilder();
        do {
            int dx = (int) (x % 10);
            int p = dx * d + carry;
            x /= 10;
            out.append(dx).append('*').append(d).append('+').append(carry).append('=').append(p);
            carry = p / 10;
            r.insert(0, (char) ('0' + p % 10));
            out.append(' ').append(x).append(" c").append(carry).append(" r").append(r).append('\n');
        } while (x > 0 || carry > 0);
        return a * d;
    }

    static int digits(long v) {
        return Long.toString(Math.abs(v)).length();
    }

    private static void requireNonNegative(long a, long b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("worked arithmetic takes non-negative operands, got " + a + " and " + b);
        }
    }
}
