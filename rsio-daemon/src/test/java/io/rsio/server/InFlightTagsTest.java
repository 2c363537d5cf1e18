package io.rsio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InFlightTagsTest {
    @Test
    void reusedTagIsRefusedUntilItsReplyLeaves() {
        InFlightTags tags = new InFlightTags();
        assertTrue(tags.add(7));
        assertFalse(tags.add(7));
        assertTrue(tags.add(0));
        assertFalse(tags.add(0));
        assertTrue(tags.remove(7));
        assertFalse(tags.remove(7));
        assertTrue(tags.add(7));
        assertEquals(2, tags.size());
    }

    /** Random adds and removes, with colliding and clustered tags, agree with a HashSet throughout. */
    @Test
    void behavesLikeASetUnderRandomChurnAndGrowth() {
        SplittableRandom random = new SplittableRandom(42);
        InFlightTags tags = new InFlightTags();
        Set<Long> model = new HashSet<>();
        List<Long> live = new ArrayList<>();
        for (int step = 0; step < 400_000; step++) {
            boolean add = live.isEmpty() || random.nextInt(100) < (step < 200_000 ? 55 : 45);
            if (add) {
                long tag = switch (random.nextInt(3)) {
                    case 0 -> random.nextLong();
                    case 1 -> random.nextInt(4096);          // dense, clustered runs
                    default -> (long) random.nextInt(64) << 40; // same low bits
                };
                boolean added = model.add(tag);
                assertEquals(added, tags.add(tag), "add " + tag);
                if (added) {
                    live.add(tag);
                }
            } else {
                int i = random.nextInt(live.size());
                long tag = live.get(i);
                live.set(i, live.getLast());
                live.removeLast();
                model.remove(tag);
                assertTrue(tags.remove(tag), "remove " + tag);
            }
            assertEquals(model.size(), tags.size());
        }
        for (long tag : model) {
            assertFalse(tags.add(tag), "still present: " + tag);
        }
    }
}
