package io.rsio.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RequestFlowTest {

    @Test
    void readingStopsAtEitherLimitAndResumesBelowThem() {
        RequestFlow flow = new RequestFlow(4, 1000, RequestFlow.Resume.BELOW_LIMITS);
        for (int i = 0; i < 3; i++) {
            flow.started(100);
        }
        assertTrue(flow.shouldRead(true, true, true));
        flow.started(100);
        assertFalse(flow.shouldRead(true, true, true), "4 requests in flight");
        flow.finished(100);
        assertTrue(flow.shouldRead(false, true, true), "back below the limits");
        flow.started(800);
        assertFalse(flow.shouldRead(true, true, true), "1100 bytes in flight");
        assertEquals(4, flow.requests());
        assertEquals(1100, flow.bytes());
    }

    @Test
    void atHalfWaitsForHalfTheLimitsBeforeReadingAgain() {
        RequestFlow flow = new RequestFlow(4, 1000, RequestFlow.Resume.AT_HALF);
        for (int i = 0; i < 4; i++) {
            flow.started(10);
        }
        assertFalse(flow.shouldRead(true, true, true));
        flow.finished(10);
        assertFalse(flow.shouldRead(false, true, true), "3 of 4: still above half");
        assertTrue(flow.shouldRead(true, true, true), "a connection that reads goes on below the limit");
        flow.finished(10);
        assertTrue(flow.shouldRead(false, true, true), "2 of 4: half");
    }

    @Test
    void aClosingOrBlockedConnectionDoesNotRead() {
        RequestFlow flow = new RequestFlow(4, 1000, RequestFlow.Resume.BELOW_LIMITS);
        assertFalse(flow.shouldRead(true, false, true), "closing");
        assertFalse(flow.shouldRead(true, true, false), "the peer does not take its replies");
    }

    @Test
    void repliesOfOneReadBatchShareOneFlush() {
        RequestFlow flow = new RequestFlow(4, 1000, RequestFlow.Resume.BELOW_LIMITS);
        assertFalse(flow.takeFlush());
        flow.replyWritten();
        flow.replyWritten();
        assertTrue(flow.takeFlush());
        assertFalse(flow.takeFlush(), "once");
    }
}
