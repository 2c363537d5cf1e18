package io.rsio.block;

import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The constant of an enum with a given wire value, as an {@link Optional} made once: opcodes,
 * statuses and commands are looked up for every frame and request, and an Optional made per
 * lookup was a measurable part of rsiod's allocations per I/O.
 */
public final class EnumByValue<E extends Enum<E>> {
    private final Optional<E>[] byValue;

    /** {@code constants} with wire values from 0 to {@code limit - 1}. */
    @SuppressWarnings("unchecked")
    public EnumByValue(E[] constants, ToIntFunction<E> valueOf, int limit) {
        byValue = new Optional[limit];
        java.util.Arrays.fill(byValue, Optional.empty());
        for (E constant : constants) {
            byValue[valueOf.applyAsInt(constant)] = Optional.of(constant);
        }
    }

    /** The constant with this value, or empty when no constant has it. */
    public Optional<E> of(int value) {
        return value >= 0 && value < byValue.length ? byValue[value] : Optional.empty();
    }
}
