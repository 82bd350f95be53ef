package io.mppgateway.paywall.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.mppgateway.paywall.messaging.SettlementAwaiter.Release;

import org.junit.jupiter.api.Test;

class SettlementAwaiterTest {
    private final SettlementAwaiter awaiter = new SettlementAwaiter(new ObjectMapper());

    @Test
    void everyPresentationWaitsOnItsOwnAndOneGivingUpLeavesTheOthersWaiting() {
        Release winner = awaiter.expect("c1");
        Release loser = awaiter.expect("c1");
        awaiter.forget(loser); // answered 409 by payment-service
        assertEquals(1, awaiter.waitingCount());
        awaiter.onSettled("{\"challengeId\":\"c1\"}");
        assertTrue(winner.settled().isDone(), "the winner is released although a loser gave up first");
        assertFalse(loser.settled().isDone());
        assertEquals(0, awaiter.waitingCount());
    }

    @Test
    void aSettlementConsumedBeforeTheRequestRegistersStillReleasesIt() {
        awaiter.onSettled("{\"challengeId\":\"c2\"}");
        Release late = awaiter.expect("c2");
        assertTrue(late.settled().isDone());
        assertEquals(0, awaiter.waitingCount());
    }

    @Test
    void otherChallengesAndUnreadableEventsReleaseNothing() {
        Release waiting = awaiter.expect("c3");
        awaiter.onSettled("{\"challengeId\":\"c4\"}");
        awaiter.onSettled("not json");
        assertFalse(waiting.settled().isDone());
        awaiter.forget(waiting);
        awaiter.forget(waiting); // twice is harmless
        assertEquals(0, awaiter.waitingCount());
    }
}
